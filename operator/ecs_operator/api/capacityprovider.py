"""CapacityProvider (cluster-scoped): a node pool plus ECS's Auto Scaling group provider settings (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCapacityProvider.html).

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
    """Taint key to tolerate; empty with operator Exists tolerates every taint."""
    operator: Literal["Exists", "Equal"] | None = None
    """Equal (default) or Exists."""
    value: Annotated[str, Field(max_length=63)] | None = None
    """Taint value, for operator Equal."""
    effect: Literal["NoSchedule", "PreferNoSchedule", "NoExecute"] | None = None
    """NoSchedule, PreferNoSchedule or NoExecute; empty matches all effects."""
    tolerationSeconds: int | None = None
    """For NoExecute: seconds the pod stays after the taint appears (unset: forever)."""


class NodeSelectorRequirement(EcsModel):
    key: Annotated[str, Field(max_length=317)]
    """Node label key."""
    operator: Literal["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]
    """In, NotIn, Exists, DoesNotExist, Gt or Lt."""
    values: Annotated[list[Annotated[str, Field(max_length=63)]], Field(max_length=100)] | None = None
    """Label values (one integer for Gt and Lt, none for Exists and DoesNotExist)."""


class NodeSelectorTerm(EcsModel):
    matchExpressions: Annotated[list[NodeSelectorRequirement], Field(max_length=32)] | None = None
    """Requirements on node labels, all of which must hold."""
    matchFields: Annotated[list[NodeSelectorRequirement], Field(max_length=32)] | None = None
    """Requirements on node fields (metadata.name)."""


class NodeSelector(EcsModel):
    nodeSelectorTerms: Annotated[list[NodeSelectorTerm], Field(max_length=32)]
    """Terms of which at least one must match."""


class PreferredSchedulingTerm(EcsModel):
    weight: Annotated[int, Field(ge=1, le=100)]
    """Weight of this preference, 1-100."""
    preference: NodeSelectorTerm
    """Node selector term to prefer."""


class NodeAffinity(EcsModel):
    """core/v1 NodeAffinity."""

    requiredDuringSchedulingIgnoredDuringExecution: NodeSelector | None = None
    """Nodes the pool's pods must run on; also decides which nodes belong to the pool."""
    preferredDuringSchedulingIgnoredDuringExecution: (
        Annotated[list[PreferredSchedulingTerm], Field(max_length=32)] | None
    ) = None
    """Nodes the pool's pods prefer."""


class ManagedScaling(EcsModel):
    status: Literal["ENABLED", "DISABLED"] | None = None
    """ENABLED or DISABLED; accepted for ECS compatibility; the operator creates no nodes (the cluster's
    autoscaler does)."""
    targetCapacity: Annotated[int, Field(ge=1, le=100)] = 100
    """Target CapacityProviderReservation, 1-100 percent (default 100); accepted for ECS compatibility; the
    operator creates no nodes (the cluster's autoscaler does)."""
    minimumScalingStepSize: Annotated[int, Field(ge=1, le=10_000)] = 1
    """Fewest instances to add at once, 1-10000 (default 1); accepted for ECS compatibility; the operator
    creates no nodes (the cluster's autoscaler does)."""
    maximumScalingStepSize: Annotated[int, Field(ge=1, le=10_000)] = 10_000
    """Most instances to add at once, 1-10000 (default 10000); accepted for ECS compatibility; the operator
    creates no nodes (the cluster's autoscaler does)."""
    instanceWarmupPeriod: Annotated[int, Field(ge=0, le=10_000)] = 300
    """Seconds, 0-10000 (default 300), before a new instance counts; accepted for ECS compatibility; the
    operator creates no nodes (the cluster's autoscaler does)."""


class AutoScalingGroupProvider(EcsModel):
    autoScalingGroupArn: LongString
    """ARN or name of the Auto Scaling group."""
    managedScaling: ManagedScaling | None = None
    """ECS cluster auto scaling settings."""
    managedTerminationProtection: Literal["ENABLED", "DISABLED"] | None = None
    """ENABLED or DISABLED (default): only let empty instances be terminated."""
    managedDraining: Literal["ENABLED", "DISABLED"] | None = None
    """ENABLED or DISABLED: drain instances the group terminates."""


class CapacityProviderSpec(EcsModel):
    """A node pool (nodeSelector, tolerations, affinity) standing for an ECS capacity provider."""

    name: EcsName | None = None  # defaults to metadata.name
    """ECS name, e.g. FARGATE_SPOT, up to 255 letters, digits, `_` and `-`; defaults to metadata.name and must
    map to it (lowercase, `_` -> `-`: fargate-spot)."""
    capacityType: Literal["on-demand", "spot"]
    """on-demand or spot; spot pods get at most 120 s of termination grace (the spot interruption notice),
    and a launchType without a provider of its name uses the first on-demand one."""
    nodeSelector: LabelMap | None = None
    """Node labels of the pool, e.g. ecs-operator.dev/capacity-type: spot; added to the pods' nodeSelector."""
    tolerations: Annotated[list[Toleration], Field(max_length=32)] | None = None
    """Tolerations the pool's pods need, e.g. for the spot taint
    ecs-operator.dev/capacity-type=spot:NoSchedule."""
    affinity: NodeAffinity | None = None
    """Optional node affinity of the pool, added to the pods' affinity."""
    autoScalingGroupProvider: AutoScalingGroupProvider | None = None
    """ECS Auto Scaling group provider settings; accepted for ECS compatibility; the operator creates no nodes
    (the cluster's autoscaler does)."""
    tags: Tags | None = None
    """Up to 50 AWS resource tags; accepted, no effect on Kubernetes."""

    def effective_name(self, metadata_name: str) -> str:
        return self.name or metadata_name


class Allocatable(StatusModel):
    cpu: str | None = None
    """Allocatable CPU of the ready nodes of the pool."""
    memory: str | None = None
    """Allocatable memory of the ready nodes of the pool."""


class CapacityProviderStatus(StatusModel):
    """Written by the operator: the node pool and ECS's CapacityProviderReservation."""

    nodes: int | None = None
    """Nodes matching the pool."""
    readyNodes: int | None = None
    """Those nodes that are Ready."""
    allocatable: Allocatable | None = None
    """Total allocatable cpu and memory of the ready nodes."""
    tasks: int | None = None
    """Running tasks on this provider."""
    capacityProviderReservation: float | None = None
    """ECS's metric M/N x 100: nodes needed for the tasks over ready nodes (100 with neither, 200 with tasks
    but no nodes)."""
