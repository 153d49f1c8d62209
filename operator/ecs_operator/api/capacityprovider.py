"""CapacityProvider (cluster-scoped): a node pool plus ECS's Auto Scaling group provider settings (ref §5.1).

`name` is the ECS name (`FARGATE_SPOT`) and defaults to metadata.name. The node pool is given the
Kubernetes way: nodeSelector, tolerations and optional node affinity.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ecs_operator.api.common import EcsModel, EcsName, LongString, StatusModel, Tags

LabelMap = dict[Annotated[str, Field(max_length=317)], Annotated[str, Field(max_length=63)]]


class Toleration(EcsModel):
    """core/v1 Toleration."""

    key: Annotated[str, Field(max_length=317)] | None = None
    operator: Literal["Exists", "Equal"] | None = None
    value: Annotated[str, Field(max_length=63)] | None = None
    effect: Literal["NoSchedule", "PreferNoSchedule", "NoExecute"] | None = None
    tolerationSeconds: int | None = None


class NodeSelectorRequirement(EcsModel):
    key: Annotated[str, Field(max_length=317)]
    operator: Literal["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]
    values: Annotated[list[Annotated[str, Field(max_length=63)]], Field(max_length=100)] | None = None


class NodeSelectorTerm(EcsModel):
    matchExpressions: Annotated[list[NodeSelectorRequirement], Field(max_length=32)] | None = None
    matchFields: Annotated[list[NodeSelectorRequirement], Field(max_length=32)] | None = None


class NodeSelector(EcsModel):
    nodeSelectorTerms: Annotated[list[NodeSelectorTerm], Field(max_length=32)]


class PreferredSchedulingTerm(EcsModel):
    weight: Annotated[int, Field(ge=1, le=100)]
    preference: NodeSelectorTerm


class NodeAffinity(EcsModel):
    """core/v1 NodeAffinity."""

    requiredDuringSchedulingIgnoredDuringExecution: NodeSelector | None = None
    preferredDuringSchedulingIgnoredDuringExecution: (
        Annotated[list[PreferredSchedulingTerm], Field(max_length=32)] | None
    ) = None


class ManagedScaling(EcsModel):
    status: Literal["ENABLED", "DISABLED"] | None = None
    targetCapacity: Annotated[int, Field(ge=1, le=100)] = 100
    minimumScalingStepSize: Annotated[int, Field(ge=1, le=10_000)] = 1
    maximumScalingStepSize: Annotated[int, Field(ge=1, le=10_000)] = 10_000
    instanceWarmupPeriod: Annotated[int, Field(ge=0, le=10_000)] = 300


class AutoScalingGroupProvider(EcsModel):
    autoScalingGroupArn: LongString
    managedScaling: ManagedScaling | None = None
    managedTerminationProtection: Literal["ENABLED", "DISABLED"] | None = None
    managedDraining: Literal["ENABLED", "DISABLED"] | None = None


class CapacityProviderSpec(EcsModel):
    """A node pool (nodeSelector, tolerations, affinity) standing for an ECS capacity provider."""

    name: EcsName | None = None  # defaults to metadata.name
    capacityType: Literal["on-demand", "spot"]
    nodeSelector: LabelMap | None = None
    tolerations: Annotated[list[Toleration], Field(max_length=32)] | None = None
    affinity: NodeAffinity | None = None
    autoScalingGroupProvider: AutoScalingGroupProvider | None = None
    tags: Tags | None = None

    def effective_name(self, metadata_name: str) -> str:
        return self.name or metadata_name


class Allocatable(StatusModel):
    cpu: str | None = None
    memory: str | None = None


class CapacityProviderStatus(StatusModel):
    nodes: int | None = None
    readyNodes: int | None = None
    allocatable: Allocatable | None = None
    tasks: int | None = None
    capacityProviderReservation: float | None = None
