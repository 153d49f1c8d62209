"""TaskDefinition: the ECS RegisterTaskDefinition request, field for field (ref §3.3-3.6).

`family` may be left out of an applied object: it then defaults to `metadata.name` (the controller
applies that default with `TaskDefinitionSpec.effective_family`; `import` always writes it).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from ecs_operator.api.common import (
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

StringList = Annotated[list[LongString], Field(max_length=100)]
StringMap = dict[str, LongString]
MAX_CONTAINERS = 10

# Fargate task sizes (ref §3.4): cpu units -> allowed memory MiB.
FARGATE_SIZES: dict[int, set[int]] = {
    256: {512, 1024, 2048},
    512: set(range(1024, 4096 + 1, 1024)),
    1024: set(range(2048, 8192 + 1, 1024)),
    2048: set(range(4096, 16384 + 1, 1024)),
    4096: set(range(8192, 30720 + 1, 1024)),
    8192: set(range(16384, 61440 + 1, 4096)),
    16384: set(range(32768, 122880 + 1, 8192)),
}


class RepositoryCredentials(EcsModel):
    credentialsParameter: LongString


class PortMapping(EcsModel):
    containerPort: Annotated[int, Field(ge=0, le=65535)] | None = None
    hostPort: Annotated[int, Field(ge=0, le=65535)] | None = None
    protocol: Literal["tcp", "udp"] | None = None
    name: Annotated[str, Field(pattern=r"^[a-z0-9_][a-z0-9_-]{0,63}$", max_length=64)] | None = None
    appProtocol: Literal["http", "http2", "grpc"] | None = None
    containerPortRange: Annotated[str, Field(max_length=64)] | None = None


class ContainerRestartPolicy(EcsModel):
    enabled: bool
    ignoredExitCodes: Annotated[list[int], Field(max_length=50)] | None = None
    restartAttemptPeriod: Annotated[int, Field(ge=60, le=1800)] | None = None


class EnvironmentFile(EcsModel):
    value: LongString
    type: Literal["s3"]


class MountPoint(EcsModel):
    sourceVolume: ShortString | None = None
    containerPath: LongString | None = None
    readOnly: bool | None = None


class VolumeFrom(EcsModel):
    sourceContainer: ShortString | None = None
    readOnly: bool | None = None


class KernelCapabilities(EcsModel):
    add: Annotated[list[ShortString], Field(max_length=64)] | None = None
    drop: Annotated[list[ShortString], Field(max_length=64)] | None = None


class Device(EcsModel):
    hostPath: LongString
    containerPath: LongString | None = None
    permissions: Annotated[list[Literal["read", "write", "mknod"]], Field(max_length=3)] | None = None


class Tmpfs(EcsModel):
    containerPath: LongString
    size: Annotated[int, Field(ge=0)]
    mountOptions: Annotated[list[ShortString], Field(max_length=64)] | None = None


class LinuxParameters(EcsModel):
    capabilities: KernelCapabilities | None = None
    devices: Annotated[list[Device], Field(max_length=100)] | None = None
    initProcessEnabled: bool | None = None
    sharedMemorySize: Annotated[int, Field(ge=0)] | None = None
    tmpfs: Annotated[list[Tmpfs], Field(max_length=100)] | None = None
    maxSwap: Annotated[int, Field(ge=0)] | None = None
    swappiness: Annotated[int, Field(ge=0, le=100)] | None = None


class Secret(EcsModel):
    name: LongString
    valueFrom: LongString


class ContainerDependency(EcsModel):
    containerName: EcsName
    condition: Literal["START", "COMPLETE", "SUCCESS", "HEALTHY"]


class HostEntry(EcsModel):
    hostname: ShortString
    ipAddress: ShortString


class Ulimit(EcsModel):
    name: Literal[
        "core",
        "cpu",
        "data",
        "fsize",
        "locks",
        "memlock",
        "msgqueue",
        "nice",
        "nofile",
        "nproc",
        "rss",
        "rtprio",
        "rttime",
        "sigpending",
        "stack",
    ]
    softLimit: int
    hardLimit: int


class LogConfiguration(EcsModel):
    logDriver: Literal[
        "json-file", "syslog", "journald", "gelf", "fluentd", "awslogs", "splunk", "awsfirelens"
    ]
    options: StringMap | None = None
    secretOptions: Annotated[list[Secret], Field(max_length=100)] | None = None


class HealthCheck(EcsModel):
    command: Annotated[list[LongString], Field(min_length=1, max_length=100)]
    interval: Annotated[int, Field(ge=5, le=300)] = 30
    # The API reference now says 2..120 (older pages: 2..60); accept the wider range.
    timeout: Annotated[int, Field(ge=2, le=60)] = 5
    retries: Annotated[int, Field(ge=1, le=10)] = 3
    startPeriod: Annotated[int, Field(ge=0, le=300)] | None = None

    @model_validator(mode="after")
    def _command_kind(self) -> HealthCheck:
        if self.command[0] not in ("CMD", "CMD-SHELL"):
            raise ValueError("healthCheck.command must start with CMD or CMD-SHELL")
        return self


class SystemControl(EcsModel):
    namespace: ShortString | None = None
    value: LongString | None = None


class ResourceRequirement(EcsModel):
    value: ShortString
    type: Literal["GPU", "InferenceAccelerator", "NeuronDevice"]
    sharingStrategy: ShortString | None = None


class FirelensConfiguration(EcsModel):
    type: Literal["fluentd", "fluentbit"]
    options: StringMap | None = None


class ContainerDefinition(EcsModel):
    """An ECS ContainerDefinition: all 42 members, ECS names and defaults."""

    name: EcsName
    image: LongString | None = None
    repositoryCredentials: RepositoryCredentials | None = None
    cpu: Annotated[int, Field(ge=0)] | None = None
    memory: Annotated[int, Field(ge=0)] | None = None
    memoryReservation: Annotated[int, Field(ge=0)] | None = None
    links: StringList | None = None
    portMappings: Annotated[list[PortMapping], Field(max_length=100)] | None = None
    essential: bool = True
    restartPolicy: ContainerRestartPolicy | None = None
    entryPoint: StringList | None = None
    command: StringList | None = None
    environment: Annotated[list[KeyValuePair], Field(max_length=1000)] | None = None
    environmentFiles: Annotated[list[EnvironmentFile], Field(max_length=10)] | None = None
    mountPoints: Annotated[list[MountPoint], Field(max_length=100)] | None = None
    volumesFrom: Annotated[list[VolumeFrom], Field(max_length=100)] | None = None
    linuxParameters: LinuxParameters | None = None
    secrets: Annotated[list[Secret], Field(max_length=1000)] | None = None
    dependsOn: Annotated[list[ContainerDependency], Field(max_length=MAX_CONTAINERS)] | None = None
    startTimeout: Annotated[int, Field(ge=0)] | None = None
    stopTimeout: Annotated[int, Field(ge=0)] | None = None
    versionConsistency: Literal["enabled", "disabled"] | None = None
    hostname: ShortString | None = None
    user: ShortString | None = None
    workingDirectory: LongString | None = None
    disableNetworking: bool | None = None
    privileged: bool | None = None
    readonlyRootFilesystem: bool | None = None
    dnsServers: StringList | None = None
    dnsSearchDomains: StringList | None = None
    extraHosts: Annotated[list[HostEntry], Field(max_length=100)] | None = None
    dockerSecurityOptions: StringList | None = None
    interactive: bool | None = None
    pseudoTerminal: bool | None = None
    dockerLabels: StringMap | None = None
    ulimits: Annotated[list[Ulimit], Field(max_length=20)] | None = None
    logConfiguration: LogConfiguration | None = None
    healthCheck: HealthCheck | None = None
    systemControls: Annotated[list[SystemControl], Field(max_length=100)] | None = None
    resourceRequirements: Annotated[list[ResourceRequirement], Field(max_length=10)] | None = None
    firelensConfiguration: FirelensConfiguration | None = None
    credentialSpecs: Annotated[list[LongString], Field(max_length=1)] | None = None

    @model_validator(mode="after")
    def _memory_above_reservation(self) -> ContainerDefinition:
        both = self.memory is not None and self.memoryReservation is not None
        if both and self.memory <= self.memoryReservation:  # type: ignore[operator]
            raise ValueError(
                f"container {self.name}: memory ({self.memory}) must be greater than "
                f"memoryReservation ({self.memoryReservation})"
            )
        return self


class HostVolumeProperties(EcsModel):
    sourcePath: LongString | None = None


class DockerVolumeConfiguration(EcsModel):
    scope: Literal["task", "shared"] | None = None
    autoprovision: bool | None = None
    driver: ShortString | None = None
    driverOpts: StringMap | None = None
    labels: StringMap | None = None


class EFSAuthorizationConfig(EcsModel):
    accessPointId: ShortString | None = None
    iam: Literal["ENABLED", "DISABLED"] | None = None


class EFSVolumeConfiguration(EcsModel):
    fileSystemId: ShortString
    rootDirectory: LongString | None = None
    transitEncryption: Literal["ENABLED", "DISABLED"] | None = None
    transitEncryptionPort: Annotated[int, Field(ge=0, le=65535)] | None = None
    authorizationConfig: EFSAuthorizationConfig | None = None


class FSxWindowsFileServerAuthorizationConfig(EcsModel):
    credentialsParameter: LongString
    domain: ShortString


class FSxWindowsFileServerVolumeConfiguration(EcsModel):
    fileSystemId: ShortString
    rootDirectory: LongString
    authorizationConfig: FSxWindowsFileServerAuthorizationConfig


class S3FilesVolumeConfiguration(EcsModel):
    bucketArn: LongString | None = None
    prefix: LongString | None = None
    readOnly: bool | None = None


class Volume(EcsModel):
    name: ShortString
    host: HostVolumeProperties | None = None
    dockerVolumeConfiguration: DockerVolumeConfiguration | None = None
    efsVolumeConfiguration: EFSVolumeConfiguration | None = None
    fsxWindowsFileServerVolumeConfiguration: FSxWindowsFileServerVolumeConfiguration | None = None
    s3filesVolumeConfiguration: S3FilesVolumeConfiguration | None = None
    configuredAtLaunch: bool | None = None


class ProxyConfiguration(EcsModel):
    type: Literal["APPMESH"] | None = None
    containerName: EcsName
    properties: Annotated[list[KeyValuePair], Field(max_length=100)] | None = None


class InferenceAccelerator(EcsModel):
    deviceName: ShortString
    deviceType: ShortString


class EphemeralStorage(EcsModel):
    sizeInGiB: Annotated[int, Field(ge=21, le=200)]


class RuntimePlatform(EcsModel):
    cpuArchitecture: Literal["X86_64", "ARM64"] | None = None
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


class TaskDefinitionPlacementConstraint(PlacementConstraint):
    type: Literal["memberOf"]  # type: ignore[assignment]  # task definitions allow only memberOf


class TrustedExecutionConfiguration(EcsModel):
    enabled: bool | None = None


Compatibility = Literal["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"]


class TaskDefinitionSpec(EcsModel):
    """The ECS RegisterTaskDefinition input, field for field. `family` defaults to metadata.name."""

    family: EcsName | None = None
    taskRoleArn: LongString | None = None
    executionRoleArn: LongString | None = None
    networkMode: Literal["bridge", "host", "awsvpc", "none"] | None = None
    # ECS service quota: at most 10 containers per task definition (it also bounds the CEL cost).
    containerDefinitions: Annotated[list[ContainerDefinition], Field(min_length=1, max_length=MAX_CONTAINERS)]
    volumes: Annotated[list[Volume], Field(max_length=100)] | None = None
    placementConstraints: Annotated[list[TaskDefinitionPlacementConstraint], Field(max_length=10)] | None = (
        None
    )
    requiresCompatibilities: Annotated[list[Compatibility], Field(max_length=4)] | None = None
    cpu: Annotated[str, Field(max_length=64)] | None = None
    memory: Annotated[str, Field(max_length=64)] | None = None
    tags: Tags | None = None
    pidMode: Literal["host", "task"] | None = None
    ipcMode: Literal["host", "task", "none"] | None = None
    proxyConfiguration: ProxyConfiguration | None = None
    inferenceAccelerators: Annotated[list[InferenceAccelerator], Field(max_length=10)] | None = None
    ephemeralStorage: EphemeralStorage | None = None
    runtimePlatform: RuntimePlatform | None = None
    enableFaultInjection: bool | None = None
    trustedExecutionConfiguration: TrustedExecutionConfiguration | None = None

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
        if "FARGATE" in (self.requiresCompatibilities or []):
            self._check_fargate()
        return self

    def _check_fargate(self) -> None:
        if self.networkMode is not None and self.networkMode != "awsvpc":
            raise ValueError("FARGATE requires networkMode awsvpc")
        if self.cpu is None or self.memory is None:
            raise ValueError("FARGATE requires task-level cpu and memory")
        cpu, memory = task_cpu_units(self.cpu), task_memory_mib(self.memory)
        if cpu is None or memory is None:
            return  # sizes ECS converts with units we do not parse are left to ECS's own semantics
        if cpu not in FARGATE_SIZES or memory not in FARGATE_SIZES[cpu]:
            raise ValueError(
                f"FARGATE task size: cpu {self.cpu} with memory {self.memory} is not a valid Fargate "
                "combination (see the Fargate task size table)"
            )
        for c in self.containerDefinitions:
            if c.stopTimeout is not None and c.stopTimeout > 120:
                raise ValueError(f"container {c.name}: stopTimeout on FARGATE is at most 120 seconds")


def task_cpu_units(value: str) -> int | None:
    """`"1024"` or `"1 vCPU"` / `"0.25 vcpu"` -> CPU units; None when not a size."""
    text = value.strip().lower()
    try:
        if text.endswith("vcpu"):
            return round(float(text[:-4].strip()) * 1024)
        return int(text)
    except ValueError:
        return None


def task_memory_mib(value: str) -> int | None:
    """`"2048"` or `"2 GB"` -> MiB; None when not a size."""
    text = value.strip().lower()
    try:
        if text.endswith("gb"):
            return round(float(text[:-2].strip()) * 1024)
        return int(text)
    except ValueError:
        return None


class TaskDefinitionStatus(StatusModel):
    revision: int | None = None
    taskDefinitionArn: str | None = None  # `family:N`
    status: Literal["ACTIVE", "INACTIVE"] | None = None
    family: str | None = None
    unsupportedFields: list[FieldIssue] | None = None
