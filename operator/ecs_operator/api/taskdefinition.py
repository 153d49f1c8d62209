"""TaskDefinition: the ECS RegisterTaskDefinition request, field for field (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html).

`family` may be left out of an applied object: it then defaults to `metadata.name` (the controller
applies that default with `TaskDefinitionSpec.effective_family`; `import` always writes it).
The container definitions are in `api.container_definition`, the volumes in `api.volumes`, the task
size forms and Fargate's sizes in `api.task_size`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from ecs_operator.api.common import (
    TASK_DEFINITION_MAX_BYTES,
    EcsModel,
    EcsName,
    FieldIssue,
    KeyValuePair,
    LongString,
    PlacementConstraint,
    ShortString,
    StatusModel,
    Tags,
)
from ecs_operator.api.container_definition import MAX_CONTAINERS, ContainerDefinition
from ecs_operator.api.fargate_rules import fargate_refusals
from ecs_operator.api.task_size import is_fargate_size, parse_cpu, parse_memory
from ecs_operator.api.volumes import Volume

# api/__init__ imports all three from here.
__all__ = ["ContainerDefinition", "TaskDefinitionSpec", "TaskDefinitionStatus"]


class ProxyConfiguration(EcsModel):
    type: Literal["APPMESH"] | None = None
    """APPMESH, the only type."""
    containerName: EcsName
    """Container that runs the App Mesh proxy."""
    properties: Annotated[list[KeyValuePair], Field(max_length=100)] | None = None
    """Proxy settings such as IgnoredUID and ProxyIngressPort ({name, value})."""


class InferenceAccelerator(EcsModel):
    deviceName: ShortString
    """Accelerator name, referenced by containers' resourceRequirements."""
    deviceType: ShortString
    """Elastic Inference accelerator type, e.g. eia2.medium."""


class EphemeralStorage(EcsModel):
    sizeInGiB: Annotated[int, Field(ge=21, le=200)]
    """Task storage in GiB, 21-200 (Fargate default 20)."""


class RuntimePlatform(EcsModel):
    cpuArchitecture: Literal["X86_64", "ARM64"] | None = None
    """X86_64 or ARM64; becomes nodeSelector kubernetes.io/arch amd64 or arm64."""
    operatingSystemFamily: (
        Literal[
            "LINUX",
            "WINDOWS_SERVER_2019_FULL",
            "WINDOWS_SERVER_2019_CORE",
            "WINDOWS_SERVER_2016_FULL",
            "WINDOWS_SERVER_2004_CORE",
            "WINDOWS_SERVER_2022_CORE",
            "WINDOWS_SERVER_2022_FULL",
            "WINDOWS_SERVER_2025_CORE",
            "WINDOWS_SERVER_2025_FULL",
            "WINDOWS_SERVER_20H2_CORE",
        ]
        | None
    ) = None
    """LINUX or a WINDOWS_SERVER_* family; becomes nodeSelector kubernetes.io/os linux or windows."""


class TaskDefinitionPlacementConstraint(PlacementConstraint):
    type: Literal["memberOf"]  # type: ignore[assignment]  # task definitions allow only memberOf
    """Only memberOf in a task definition; applied with the Service's constraints as node affinity."""


class TrustedExecutionConfiguration(EcsModel):
    enabled: bool | None = None
    """Run in a trusted execution environment (ECS Managed Instances only)."""


Compatibility = Literal["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"]


class TaskDefinitionSpec(EcsModel):
    """The ECS RegisterTaskDefinition input, field for field. `family` defaults to metadata.name."""

    family: EcsName | None = None
    """ECS family name, up to 255 letters, digits, `_` and `-`; defaults to metadata.name and must map to it
    (lowercase, `_` -> `-`); every spec change registers revision family:N+1."""
    taskRoleArn: LongString | None = None
    """IAM role of the task's containers; becomes a ServiceAccount annotated eks.amazonaws.com/role-arn
    (IRSA)."""
    executionRoleArn: LongString | None = None
    """IAM role ECS uses to pull images and read secrets; no effect, Kubernetes uses imagePullSecrets and
    Secrets (listed in status.unsupportedFields)."""
    networkMode: Literal["bridge", "host", "awsvpc", "none"] | None = None
    """bridge (default on EC2), host, awsvpc (required on Fargate) or none; awsvpc and bridge become pod
    networking, host becomes hostNetwork, none is listed in status.unsupportedFields."""
    # ECS service quota: at most 10 containers per task definition (it also bounds the CEL cost).
    containerDefinitions: Annotated[list[ContainerDefinition], Field(min_length=1, max_length=MAX_CONTAINERS)]
    """The task's containers, 1-10, names unique, at least one essential; they become the pod's containers
    (init containers and sidecars as dependsOn requires)."""
    volumes: Annotated[list[Volume], Field(max_length=100)] | None = None
    """Volumes the containers mount (at most one configuredAtLaunch); host becomes hostPath, EFS and shared
    Docker volumes PersistentVolumeClaims, the rest emptyDir."""
    placementConstraints: Annotated[list[TaskDefinitionPlacementConstraint], Field(max_length=10)] | None = (
        None
    )
    """memberOf constraints (at most 10 with the Service's); become node affinity of the Service's pods."""
    requiresCompatibilities: Annotated[list[Compatibility], Field(max_length=4)] | None = None
    """EC2, FARGATE, EXTERNAL or MANAGED_INSTANCES; FARGATE enforces ECS's rules (awsvpc, a valid cpu/memory
    pair, stopTimeout at most 120); otherwise no effect, capacity providers decide where tasks run (listed
    in status.unsupportedFields)."""
    cpu: Annotated[str, Field(max_length=64)] | None = None
    """Task CPU as units (`1024`) or vCPUs (`1 vCPU`); required on Fargate (256-16384), optional on EC2
    (128-196608); divided among the containers as cpu limits."""
    memory: Annotated[str, Field(max_length=64)] | None = None
    """Task memory as MiB (`2048`) or GB (`2 GB`); required on Fargate in a valid pair with cpu (256:
    512-2048, 1024: 2048-8192, ...); divided among the containers as memory limits."""
    tags: Tags | None = None
    """Up to 50 AWS resource tags; not copied to pods (listed in status.unsupportedFields)."""
    pidMode: Literal["host", "task"] | None = None
    """host or task (Fargate: task only); host becomes hostPID, task shareProcessNamespace."""
    ipcMode: Literal["host", "task", "none"] | None = None
    """host, task or none (not on Fargate); host becomes hostIPC, task is what a pod does anyway, none is
    listed in status.unsupportedFields."""
    proxyConfiguration: ProxyConfiguration | None = None
    """App Mesh proxy configuration; no effect (listed in status.unsupportedFields)."""
    inferenceAccelerators: Annotated[list[InferenceAccelerator], Field(max_length=10)] | None = None
    """Elastic Inference accelerators (discontinued); no effect (listed in status.unsupportedFields)."""
    ephemeralStorage: EphemeralStorage | None = None
    """Fargate task storage, 21-200 GiB (default 20); no effect, Kubernetes bounds ephemeral storage per
    container (listed in status.unsupportedFields)."""
    runtimePlatform: RuntimePlatform | None = None
    """CPU architecture and OS family; become a nodeSelector on kubernetes.io/arch and kubernetes.io/os."""
    enableFaultInjection: bool | None = None
    """ECS fault injection (default false); no effect (listed in status.unsupportedFields)."""
    trustedExecutionConfiguration: TrustedExecutionConfiguration | None = None
    """Trusted execution (ECS Managed Instances only); no effect (listed in status.unsupportedFields)."""

    def effective_family(self, metadata_name: str) -> str:
        """`family`, or the object's name when the resource leaves it out."""
        return self.family or metadata_name

    @model_validator(mode="after")
    def _ecs_rules(self) -> TaskDefinitionSpec:
        containers = self.containerDefinitions
        if not any(c.essential for c in containers):
            raise ValueError("containerDefinitions: at least one container must be essential")
        names = [c.name for c in containers]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"containerDefinitions: container names must be unique: {duplicates}")
        volume_names = {v.name for v in self.volumes or []}
        for c in containers:
            for dep in c.dependsOn or []:
                if dep.containerName not in names:
                    raise ValueError(
                        "containerDefinitions: dependsOn must name a container of this task definition "
                        f"(container {c.name}: {dep.containerName})"
                    )
                target = containers[names.index(dep.containerName)]
                if dep.condition in ("COMPLETE", "SUCCESS") and target.essential:
                    raise ValueError(
                        f"container {c.name}: dependsOn condition {dep.condition} is not allowed on "
                        f"essential container {target.name}"
                    )
                if dep.condition == "HEALTHY" and target.healthCheck is None:
                    raise ValueError(
                        f"container {c.name}: dependsOn HEALTHY needs a healthCheck on {target.name}"
                    )
            for link in c.links or []:
                if link.split(":", 1)[0] not in names:
                    raise ValueError(f"container {c.name}: links names unknown container {link}")
            for source in c.volumesFrom or []:
                if source.sourceContainer is not None and source.sourceContainer not in names:
                    raise ValueError(
                        "containerDefinitions: volumesFrom must name a container of this task definition "
                        f"(container {c.name}: {source.sourceContainer})"
                    )
            for mount in c.mountPoints or []:
                if mount.sourceVolume is not None and mount.sourceVolume not in volume_names:
                    raise ValueError(
                        f"container {c.name}: mountPoints sourceVolume {mount.sourceVolume} is not in volumes"
                    )
        # proxyConfiguration.containerName is not checked: ECS's own exports hold proxies naming
        # containers that are not in the task definition (ecspresso's td-plain fixture).
        volumes = [v.name for v in self.volumes or []]
        if len(set(volumes)) != len(volumes):
            raise ValueError("volumes: volume names must be unique")
        if sum(1 for v in self.volumes or [] if v.configuredAtLaunch) > 1:
            raise ValueError("volumes: at most one volume may be configuredAtLaunch")
        ecs = self.to_ecs()
        size = len(json.dumps(ecs, separators=(",", ":")).encode())
        if size > TASK_DEFINITION_MAX_BYTES:
            raise ValueError(
                f"the task definition is {size} bytes of JSON, over ECS's limit of 64 KiB "
                f"({TASK_DEFINITION_MAX_BYTES} bytes)"
            )
        if "FARGATE" in (self.requiresCompatibilities or []):
            self._check_fargate(ecs)
        return self

    def _check_fargate(self, ecs: Mapping[str, Any]) -> None:
        if self.networkMode is not None and self.networkMode != "awsvpc":
            raise ValueError("FARGATE requires networkMode awsvpc")
        if self.cpu is None or self.memory is None:
            raise ValueError("FARGATE requires task-level cpu and memory")
        cpu, memory = parse_cpu(self.cpu), parse_memory(self.memory)
        if cpu is None or memory is None:
            return  # not a size: refused, naming the field, where the pod is built (core task_size)
        if not is_fargate_size(cpu, memory):
            raise ValueError(
                f"FARGATE task size: cpu {self.cpu} with memory {self.memory} is not a valid Fargate "
                "combination (see the Fargate task size table)"
            )
        refusals = fargate_refusals(ecs)
        if refusals:
            raise ValueError("FARGATE: " + "; ".join(refusals))


class TaskDefinitionStatus(StatusModel):
    """Written by the operator: the latest revision, and what did not carry over to Kubernetes."""

    revision: int | None = None
    """Number N of the latest revision (each one is kept as a ControllerRevision)."""
    taskDefinitionArn: str | None = None  # `family:N`
    """`family:N` of the latest revision."""
    status: Literal["ACTIVE", "INACTIVE"] | None = None
    """ACTIVE, or INACTIVE once the TaskDefinition is deleted (kept while Services use it)."""
    family: str | None = None
    """ECS family name."""
    unsupportedFields: list[FieldIssue] | None = None
    """Spec fields with no (or only part of their) effect on Kubernetes, and why."""
