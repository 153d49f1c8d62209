"""Task: one standalone ECS task, the RunTask request for one task
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html), plus StopTask
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_StopTask.html) as `desiredStatus`.

`cluster` is not a spec field (the namespace is the cluster) and neither is `count`: `count` tasks
are `count` Task objects sharing a `group`. The status is ECS's Task shape
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html).
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from ecs_operator.api.common import (
    CapacityProviderStrategy,
    EcsModel,
    EcsName,
    FieldIssue,
    FreeForm,
    KeyValuePair,
    LongString,
    PlacementConstraint,
    ShortString,
    StatusModel,
    Tags,
    check_strategy,
)
from ecs_operator.api.service import TASK_DEFINITION_REF_PATTERN, PlacementStrategy
from ecs_operator.api.service_networking import NetworkConfiguration

MAX_OVERRIDES_CHARACTERS = 8192  # RunTask: "A total of 8192 characters are allowed for overrides"
STOP_CODES = Literal[
    "TaskFailedToStart",
    "EssentialContainerExited",
    "UserInitiated",
    "ServiceSchedulerInitiated",
    "SpotInterruption",
    "TerminationNotice",
    "InfrastructureHealth",
]
TASK_STATES = Literal[
    "PROVISIONING",
    "PENDING",
    "ACTIVATING",
    "RUNNING",
    "DEACTIVATING",
    "STOPPING",
    "DEPROVISIONING",
    "STOPPED",
]


class EnvironmentFile(EcsModel):
    value: LongString
    """S3 object ARN of the file."""
    type: Literal["s3"]
    """Always s3."""


class ResourceRequirement(EcsModel):
    type: Literal["GPU", "InferenceAccelerator"]
    """GPU (becomes the nvidia.com/gpu limit) or InferenceAccelerator."""
    value: Annotated[str, Field(max_length=255)]
    """Number of GPUs, or the accelerator's deviceName."""


class ContainerOverride(EcsModel):
    name: EcsName | None = None
    """Container of the task definition to override; required with any other field."""
    command: Annotated[list[LongString], Field(max_length=1000)] | None = None
    """Replaces the container's command."""
    environment: Annotated[list[KeyValuePair], Field(max_length=1000)] | None = None
    """Added to the container's environment; a variable of the same name is replaced."""
    environmentFiles: Annotated[list[EnvironmentFile], Field(max_length=10)] | None = None
    """Replaces the container's environmentFiles (S3 files are not read here: listed in status)."""
    cpu: Annotated[int, Field(ge=0)] | None = None
    """Replaces the container's CPU units."""
    memory: Annotated[int, Field(ge=0)] | None = None
    """Replaces the container's hard memory limit (MiB)."""
    memoryReservation: Annotated[int, Field(ge=0)] | None = None
    """Replaces the container's soft memory limit (MiB)."""
    resourceRequirements: Annotated[list[ResourceRequirement], Field(max_length=10)] | None = None
    """Replaces the container's GPU requirements."""

    @model_validator(mode="after")
    def _named(self) -> ContainerOverride:
        if self.name is None and self.model_fields_set - {"name"}:
            raise ValueError("a container override needs the name of the container it overrides")
        return self


class EphemeralStorage(EcsModel):
    sizeInGiB: Annotated[int, Field(ge=21, le=200)]
    """21-200 GiB (Fargate); listed in status: Kubernetes bounds ephemeral storage per container."""


class TaskOverride(EcsModel):
    containerOverrides: Annotated[list[ContainerOverride], Field(max_length=100)] | None = None
    """Per-container overrides: command, environment, environmentFiles, cpu, memory, memoryReservation,
    resourceRequirements."""
    cpu: Annotated[str, Field(max_length=32)] | None = None
    """Task-level CPU, units (1024) or vCPUs ('1 vCPU'); replaces the task definition's."""
    memory: Annotated[str, Field(max_length=32)] | None = None
    """Task-level memory, MiB (2048) or GB ('2 GB'); replaces the task definition's."""
    ephemeralStorage: EphemeralStorage | None = None
    """Task ephemeral storage; accepted, listed in status."""
    taskRoleArn: LongString | None = None
    """IAM role of the task's containers (a ServiceAccount for IRSA)."""
    executionRoleArn: LongString | None = None
    """Role ECS pulls images and reads secrets with; accepted, listed in status."""
    inferenceAcceleratorOverrides: Annotated[list[FreeForm], Field(max_length=10)] | None = None
    """Elastic Inference accelerators (retired by AWS); accepted, no effect on Kubernetes."""


class TaskSpec(EcsModel):
    """The ECS RunTask input for one task (the namespace is the cluster), plus StopTask."""

    taskDefinition: Annotated[str, Field(pattern=TASK_DEFINITION_REF_PATTERN, max_length=266)]
    """TaskDefinition in this namespace, `family` (its latest ACTIVE revision) or `family:N`; resolved once,
    when the task is created, to the revision in status.taskDefinitionArn."""
    capacityProviderStrategy: CapacityProviderStrategy | None = None
    """Up to 20 {capacityProvider, base, weight} items, exclusive with launchType; the tasks of one group
    split over them as one RunTask count does (base first, then weights). Neither means the Cluster's
    default."""
    launchType: Literal["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"] | None = None
    """EC2, FARGATE, EXTERNAL or MANAGED_INSTANCES, exclusive with capacityProviderStrategy."""
    overrides: TaskOverride | None = None
    """Changes to the task definition for this task, at most 8192 characters of JSON."""
    group: Annotated[str, Field(min_length=1, max_length=255)] | None = None
    """Task group, default `family:<family>`; placement splits and spreads the tasks of a group."""
    startedBy: Annotated[str, Field(pattern=r"^[a-zA-Z0-9_/-]{1,128}$")] | None = None
    """Who started the task, up to 128 letters, digits, `-`, `/` and `_`."""
    placementConstraints: Annotated[list[PlacementConstraint], Field(max_length=10)] | None = None
    """At most 10 (with the task definition's): distinctInstance (one task of the group per node) and
    memberOf (node affinity)."""
    placementStrategy: Annotated[list[PlacementStrategy], Field(max_length=5)] | None = None
    """At most 5 rules: spread spreads the group's tasks; binpack and random are listed in status."""
    networkConfiguration: NetworkConfiguration | None = None
    """awsvpc subnets, security groups and public IP; accepted, no effect on Kubernetes."""
    platformVersion: ShortString | None = None
    """Fargate platform version; accepted, no effect on Kubernetes."""
    enableExecuteCommand: bool | None = None
    """ECS Exec; accepted, no effect on Kubernetes (kubectl exec needs no opt-in)."""
    enableECSManagedTags: bool | None = None
    """ECS managed tags; accepted, no effect on Kubernetes."""
    propagateTags: Literal["TASK_DEFINITION", "SERVICE", "NONE"] | None = None
    """Copy tags to the task; accepted, no effect on Kubernetes."""
    tags: Tags | None = None
    """Up to 50 AWS resource tags; kept on the object."""
    referenceId: Annotated[str, Field(max_length=1024)] | None = None
    """Your reference for the task, up to 1024 characters; kept, no effect."""
    clientToken: Annotated[str, Field(max_length=64)] | None = None
    """Idempotency token, up to 64 characters; accepted, no effect (the object name is the identity)."""
    volumeConfigurations: Annotated[list[FreeForm], Field(max_length=1)] | None = None
    """EBS volumes for configuredAtLaunch volumes; accepted, no effect on Kubernetes."""
    desiredStatus: Literal["RUNNING", "STOPPED"] = "RUNNING"
    """StopTask, declaratively: STOPPED stops the task (its stopTimeout as grace) with stopCode UserInitiated;
    a stopped task never runs again."""
    stopReason: Annotated[str, Field(max_length=255)] | None = None
    """StopTask's `reason`, up to 255 characters: the stoppedReason of a UserInitiated stop."""

    @model_validator(mode="after")
    def _ecs_rules(self) -> TaskSpec:
        if self.launchType is not None and self.capacityProviderStrategy:
            raise ValueError("launchType and capacityProviderStrategy are mutually exclusive")
        check_strategy(self.capacityProviderStrategy)
        if self.overrides is not None:
            size = len(json.dumps(self.overrides.to_ecs(), separators=(",", ":")))
            if size > MAX_OVERRIDES_CHARACTERS:
                raise ValueError(
                    f"overrides: at most {MAX_OVERRIDES_CHARACTERS} characters of JSON, got {size}"
                )
        return self


# ---- status (written by the operator) ----


class ContainerStatus(StatusModel):
    name: str
    """ECS container name."""
    image: str | None = None
    """Image the container runs."""
    lastStatus: Literal["PENDING", "RUNNING", "STOPPED"] | None = None
    """PENDING, RUNNING or STOPPED."""
    exitCode: int | None = None
    """Exit code, once STOPPED."""
    reason: str | None = None
    """Why it stopped or cannot start, e.g. CannotPullContainerError: ..."""


class TaskStatus(StatusModel):
    """Written by the operator: the task in ECS's DescribeTasks shape. A Placed condition carries the
    scheduler's reason while the task is PROVISIONING."""

    taskArn: str | None = None
    """`task/<cluster>/<id>`, id the 32 hex digits of the object's uid."""
    taskDefinitionArn: str | None = None
    """`family:N` the task runs, fixed at creation."""
    group: str | None = None
    """Task group."""
    startedBy: str | None = None
    """Who started the task."""
    lastStatus: TASK_STATES | None = None
    """PROVISIONING, PENDING, ACTIVATING, RUNNING, DEACTIVATING, STOPPING, DEPROVISIONING or STOPPED."""
    desiredStatus: Literal["RUNNING", "STOPPED"] | None = None
    """RUNNING or STOPPED."""
    stopCode: STOP_CODES | None = None
    """Why it stopped, in ECS's codes."""
    stoppedReason: str | None = None
    """Why it stopped, in words."""
    capacityProviderName: str | None = None
    """Capacity provider it was placed on; never changes once set."""
    containers: list[ContainerStatus] | None = None
    """Each container's lastStatus, exitCode and reason."""
    createdAt: str | None = None
    """When the task was created (RFC 3339)."""
    startedAt: str | None = None
    """When it reached RUNNING."""
    stoppingAt: str | None = None
    """When it started to stop."""
    stoppedAt: str | None = None
    """When it reached STOPPED."""
    ignoredFields: list[FieldIssue] | None = None
    """Spec and task definition fields with no (or only part of their) effect, and why."""


def task_override_json(value: Any) -> TaskOverride:
    """A TaskOverride from ECS JSON text or an object (EventBridge passes it as the target's input)."""
    data = json.loads(value) if isinstance(value, str) else value
    return TaskOverride.model_validate(data)
