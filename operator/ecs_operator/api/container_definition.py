"""ECS ContainerDefinition and the objects inside it, field for field (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html).

Part of the TaskDefinition model (`api.taskdefinition`); each field's docstring says what it becomes
on Kubernetes (docs/design.md#the-mapping).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from ecs_operator.api.common import EcsModel, EcsName, FreeString, KeyValuePair, LongString, ShortString

StringList = Annotated[list[LongString], Field(max_length=100)]
CommandList = Annotated[list[FreeString], Field(max_length=100)]
ENV_NAME_RULE = "an environment variable name is printable ASCII without '=', as Kubernetes requires"
# https://kubernetes.io/docs/tasks/inject-data-application/define-environment-variable-container/
# (RelaxedEnvironmentVariableValidation, GA in 1.34): any printable ASCII character but `=`.
# At admission only the `=` (a regex over 10 x 1,000 names is over the CEL budget); the models check all.
ENV_NAME_CEL = "!self.contains('=')"
_ENV_NAME = re.compile(r"[ -<>-~]+")


def _env_name(name: str) -> str:
    if not _ENV_NAME.fullmatch(name):
        raise ValueError(f"{ENV_NAME_RULE}: {name!r}")
    return name


# 2 KiB keeps the admission check of 10 x 1,000 names in the CEL budget (4 KiB was 1.6 times over);
# ECS bounds names only by the task definition's 64 KiB, and no real name comes near 2 KiB.
EnvName = Annotated[str, Field(max_length=2048), AfterValidator(_env_name)]
StringMap = dict[str, LongString]
MAX_CONTAINERS = 10


class RepositoryCredentials(EcsModel):
    credentialsParameter: LongString
    """ARN or name of the Secrets Manager secret holding the registry credentials."""


class PortMapping(EcsModel):
    containerPort: Annotated[int, Field(ge=0, le=65535)] | None = None
    """Port the container listens on, 0-65535; becomes a container port and a port of the core Service over
    the task."""
    hostPort: Annotated[int, Field(ge=0, le=65535)] | None = None
    """Host port (bridge: 0 or unset = ephemeral; host and awsvpc: equal to containerPort); not mapped except
    under host networking, the task is reached through its core Service."""
    protocol: Literal["tcp", "udp"] | None = None
    """tcp (default) or udp."""
    name: Annotated[str, Field(pattern=r"^[a-z0-9_][a-z0-9_-]{0,63}$", max_length=64)] | None = None
    """Port name, up to 64 of [a-z0-9_-] (used by Service Connect); names the container port and the core
    Service port (shortened to 15 characters when needed)."""
    appProtocol: Literal["http", "http2", "grpc"] | None = None
    """http, http2 or grpc; becomes the core Service port's appProtocol (http2 as kubernetes.io/h2c)."""
    containerPortRange: Annotated[str, Field(max_length=64)] | None = None
    """Port range such as `8000-8010` instead of containerPort; not mapped (listed in
    status.unsupportedFields)."""


class ContainerRestartPolicy(EcsModel):
    enabled: bool
    """Restart the container in place when it exits."""
    ignoredExitCodes: Annotated[list[int], Field(max_length=50)] | None = None
    """Exit codes that do not cause a restart, at most 50."""
    restartAttemptPeriod: Annotated[int, Field(ge=60, le=1800)] | None = None
    """Seconds, 60-1800 (default 300), a container must run before a restart is attempted."""


class EnvironmentFile(EcsModel):
    value: LongString
    """ARN of the S3 object holding the `.env` file (VAR=VALUE lines)."""
    type: Literal["s3"]
    """Always s3."""


class MountPoint(EcsModel):
    sourceVolume: ShortString | None = None
    """Name of a volume in the task definition's `volumes`."""
    containerPath: LongString | None = None
    """Path in the container to mount the volume at; becomes volumeMounts[].mountPath."""
    readOnly: bool | None = None
    """Mount read-only (default false)."""


class VolumeFrom(EcsModel):
    sourceContainer: ShortString | None = None
    """Container of this task definition whose mounts this container also gets."""
    readOnly: bool | None = None
    """Make the copied mounts read-only (default false)."""


class KernelCapabilities(EcsModel):
    add: Annotated[list[ShortString], Field(max_length=64)] | None = None
    """Linux capabilities to add, e.g. SYS_PTRACE (the only one Fargate allows); becomes
    securityContext.capabilities.add."""
    drop: Annotated[list[ShortString], Field(max_length=64)] | None = None
    """Linux capabilities to drop; becomes securityContext.capabilities.drop."""


class Device(EcsModel):
    hostPath: LongString
    """Path of the device on the host."""
    containerPath: LongString | None = None
    """Path of the device in the container."""
    permissions: Annotated[list[Literal["read", "write", "mknod"]], Field(max_length=3)] | None = None
    """read, write and/or mknod (default all three)."""


class Tmpfs(EcsModel):
    containerPath: LongString
    """Path in the container to mount the tmpfs at."""
    size: Annotated[int, Field(ge=0)]
    """Maximum size in MiB; becomes the sizeLimit of a memory-backed emptyDir."""
    mountOptions: Annotated[list[ShortString], Field(max_length=64)] | None = None
    """tmpfs mount options such as noexec; not mapped (listed in status.unsupportedFields)."""


class LinuxParameters(EcsModel):
    capabilities: KernelCapabilities | None = None
    """Linux capabilities to add and drop; becomes securityContext.capabilities."""
    devices: Annotated[list[Device], Field(max_length=100)] | None = None
    """Host devices for the container (not on Fargate); not mapped, Kubernetes uses device plugins (listed in
    status.unsupportedFields)."""
    initProcessEnabled: bool | None = None
    """Run an init process that reaps zombies; becomes shareProcessNamespace (the pod's pause process is PID
    1)."""
    sharedMemorySize: Annotated[int, Field(ge=0)] | None = None
    """Size of /dev/shm in MiB (not on Fargate); becomes a memory-backed emptyDir at /dev/shm."""
    tmpfs: Annotated[list[Tmpfs], Field(max_length=100)] | None = None
    """tmpfs mounts; each becomes a memory-backed emptyDir."""
    maxSwap: Annotated[int, Field(ge=0)] | None = None
    """Swap in MiB (0 = none, unset = host default; not on Fargate); not mapped, swap is a node setting
    (listed in status.unsupportedFields)."""
    swappiness: Annotated[int, Field(ge=0, le=100)] | None = None
    """0-100 (default 60), used only with maxSwap; not mapped (listed in status.unsupportedFields)."""


class Secret(EcsModel):
    name: LongString
    """Environment variable to set (in secretOptions: the log driver option)."""
    valueFrom: LongString
    """Secrets Manager secret ARN, SSM parameter ARN or name, or `name:key`; in `secrets` it becomes a
    secretKeyRef to the Kubernetes Secret of that name (key `value`, or the ARN's JSON key)."""


class SecretVariable(Secret):
    name: EnvName
    """Environment variable to set: printable ASCII without `=`."""


class EnvironmentVariable(KeyValuePair):
    name: EnvName | None = None
    """Environment variable name: printable ASCII without `=`."""


class ContainerDependency(EcsModel):
    containerName: EcsName
    """Container of this task definition to wait for."""
    condition: Literal["START", "COMPLETE", "SUCCESS", "HEALTHY"]
    """START (started), COMPLETE (exited), SUCCESS (exited 0; COMPLETE and SUCCESS not on an essential
    container) or HEALTHY (passed its healthCheck); COMPLETE/SUCCESS targets become init containers,
    START/HEALTHY targets native sidecars."""


class HostEntry(EcsModel):
    hostname: ShortString
    """Host name to add to /etc/hosts; becomes a pod hostAliases entry."""
    ipAddress: ShortString
    """IP address of that host name."""


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
    """Resource limit, e.g. nofile or nproc."""
    softLimit: int
    """Soft limit."""
    hardLimit: int
    """Hard limit."""


class LogConfiguration(EcsModel):
    logDriver: Literal[
        "json-file", "syslog", "journald", "gelf", "fluentd", "awslogs", "splunk", "awsfirelens"
    ]
    """awslogs, splunk or awsfirelens (Fargate), or json-file, syslog, journald, gelf, fluentd (EC2)."""
    options: StringMap | None = None
    """Driver options, e.g. awslogs-group."""
    secretOptions: Annotated[list[Secret], Field(max_length=100)] | None = None
    """Driver options read from secrets ({name, valueFrom})."""


class HealthCheck(EcsModel):
    command: Annotated[list[FreeString], Field(min_length=1, max_length=100)]
    """`[CMD, args...]` or `[CMD-SHELL, command]` (run with sh -c); exit code 0 is healthy; becomes an exec
    probe."""
    interval: Annotated[int, Field(ge=5, le=300)] = 30
    """Seconds between checks, 5-300 (default 30); becomes periodSeconds."""
    # The API reference now says 2..120 (older pages: 2..60); accept the wider range.
    timeout: Annotated[int, Field(ge=2, le=60)] = 5
    """Seconds one check may take, 2-60 (default 5); becomes timeoutSeconds."""
    retries: Annotated[int, Field(ge=1, le=10)] = 3
    """Consecutive failures before the container is UNHEALTHY, 1-10 (default 3); becomes failureThreshold."""
    startPeriod: Annotated[int, Field(ge=0, le=300)] | None = None
    """Seconds after start, 0-300 (default off), in which failures do not count; becomes a startup probe."""

    @model_validator(mode="after")
    def _command_kind(self) -> HealthCheck:
        if self.command[0] not in ("CMD", "CMD-SHELL"):
            raise ValueError("healthCheck.command must start with CMD or CMD-SHELL")
        return self


class SystemControl(EcsModel):
    namespace: ShortString | None = None
    """Kernel parameter, e.g. net.ipv4.tcp_keepalive_time."""
    value: LongString | None = None
    """Value of the kernel parameter."""


class ResourceRequirement(EcsModel):
    value: ShortString
    """How many GPUs (or the accelerator's device name)."""
    type: Literal["GPU", "InferenceAccelerator", "NeuronDevice"]
    """GPU (becomes limits nvidia.com/gpu), InferenceAccelerator or NeuronDevice (not mapped, listed in
    status.unsupportedFields)."""
    sharingStrategy: ShortString | None = None
    """GPU sharing strategy; not mapped, the device plugin configures sharing (listed in
    status.unsupportedFields)."""


class FirelensConfiguration(EcsModel):
    type: Literal["fluentd", "fluentbit"]
    """fluentd or fluentbit."""
    options: StringMap | None = None
    """FireLens options, e.g. enable-ecs-log-metadata."""


class ContainerDefinition(EcsModel):
    """An ECS ContainerDefinition: all 42 members, ECS names and defaults."""

    name: EcsName
    """Container name, up to 255 letters, digits, `_` and `-`, unique in the task definition; becomes the
    Kubernetes container name (lowercase, `_` -> `-`)."""
    image: LongString | None = None
    """Image, `repository/image[:tag]` or `repository/image@sha256:<digest>`; required to run."""
    repositoryCredentials: RepositoryCredentials | None = None
    """Secrets Manager secret with private registry credentials; no effect, use imagePullSecrets (listed in
    status.unsupportedFields)."""
    cpu: Annotated[int, Field(ge=0)] | None = None
    """CPU units reserved for the container (1024 = 1 vCPU); becomes requests.cpu (units/1024 cores)."""
    memory: Annotated[int, Field(ge=0)] | None = None
    """Hard memory limit in MiB (the container is killed above it; greater than memoryReservation); becomes
    limits.memory, and requests.memory when memoryReservation is unset."""
    memoryReservation: Annotated[int, Field(ge=0)] | None = None
    """Soft memory limit in MiB, used for placement; becomes requests.memory."""
    links: StringList | None = None
    """`name:alias` links to other containers (bridge mode); become hostAliases on 127.0.0.1, as a pod's
    containers share localhost."""
    portMappings: Annotated[list[PortMapping], Field(max_length=100)] | None = None
    """Ports the container listens on; become container ports and the ports of a core Service over the task.
    """
    essential: bool = True
    """Default true; at least one container must be essential, and ECS stops the task when one exits;
    Kubernetes restarts it in place and its failures count for the deployment circuit breaker."""
    restartPolicy: ContainerRestartPolicy | None = None
    """ECS in-place restart policy; no effect, Kubernetes restarts every exited container of a service pod
    (listed in status.unsupportedFields)."""
    entryPoint: CommandList | None = None
    """Overrides the image ENTRYPOINT; becomes the container's command."""
    command: CommandList | None = None
    """Overrides the image CMD; becomes the container's args."""
    environment: Annotated[list[EnvironmentVariable], Field(max_length=1000)] | None = None
    """Environment variables ({name, value}), winning over environmentFiles; become env."""
    environmentFiles: Annotated[list[EnvironmentFile], Field(max_length=10)] | None = None
    """Up to 10 S3 `.env` files; not fetched, use a ConfigMap or Secret (listed in status.unsupportedFields).
    """
    mountPoints: Annotated[list[MountPoint], Field(max_length=100)] | None = None
    """Volumes of this task definition to mount; become volumeMounts."""
    volumesFrom: Annotated[list[VolumeFrom], Field(max_length=100)] | None = None
    """Containers whose mounts this container also gets; their volumeMounts are copied."""
    linuxParameters: LinuxParameters | None = None
    """Linux settings: capabilities, initProcessEnabled, sharedMemorySize and tmpfs are mapped; devices,
    maxSwap and swappiness are not (listed in status.unsupportedFields)."""
    secrets: Annotated[list[SecretVariable], Field(max_length=1000)] | None = None
    """Environment variables from Secrets Manager or SSM ({name, valueFrom}); become env entries with
    secretKeyRef (see valueFrom)."""
    dependsOn: Annotated[list[ContainerDependency], Field(max_length=MAX_CONTAINERS)] | None = None
    """Containers to wait for before this one starts (stopped in reverse order), at most 10; they decide which
    containers become init containers and sidecars."""
    startTimeout: Annotated[int, Field(ge=0)] | None = None
    """Seconds to wait for dependencies before giving up (Fargate 2-120); no effect (listed in
    status.unsupportedFields)."""
    stopTimeout: Annotated[int, Field(ge=0)] | None = None
    """Seconds between SIGTERM and SIGKILL (default 30, Fargate at most 120); the largest becomes
    terminationGracePeriodSeconds (at most 120 on spot providers)."""
    versionConsistency: Literal["enabled", "disabled"] | None = None
    """enabled (default) resolves the image tag to a digest once per deployment, disabled does not; Kubernetes
    does not pin tags, so enabled is listed in status.unsupportedFields (use a digest in image)."""
    hostname: ShortString | None = None
    """Container host name (not with awsvpc); becomes the pod hostname (the first one set)."""
    user: ShortString | None = None
    """`user[:group]` or `uid[:gid]`; numeric ids and root become runAsUser/runAsGroup, names are listed in
    status.unsupportedFields."""
    workingDirectory: LongString | None = None
    """Working directory of the command; becomes workingDir."""
    disableNetworking: bool | None = None
    """Turn networking off; no effect, a pod's containers share one network (listed in
    status.unsupportedFields)."""
    privileged: bool | None = None
    """Run privileged (not on Fargate); becomes securityContext.privileged."""
    readonlyRootFilesystem: bool | None = None
    """Read-only root filesystem; becomes securityContext.readOnlyRootFilesystem."""
    dnsServers: StringList | None = None
    """DNS servers; replace the pod's resolvers (dnsPolicy None, at most 3 nameservers)."""
    dnsSearchDomains: StringList | None = None
    """DNS search domains; become dnsConfig.searches."""
    extraHosts: Annotated[list[HostEntry], Field(max_length=100)] | None = None
    """Extra /etc/hosts entries (not with awsvpc); become pod hostAliases."""
    dockerSecurityOptions: StringList | None = None
    """Docker security options (not on Fargate); no-new-privileges becomes allowPrivilegeEscalation false,
    others are listed in status.unsupportedFields."""
    interactive: bool | None = None
    """Keep stdin open; becomes stdin."""
    pseudoTerminal: bool | None = None
    """Allocate a TTY; becomes tty."""
    dockerLabels: StringMap | None = None
    """Docker labels; no effect, Kubernetes containers have no labels (listed in status.unsupportedFields)."""
    ulimits: Annotated[list[Ulimit], Field(max_length=20)] | None = None
    """Resource limits ({name, softLimit, hardLimit}; Fargate sets nofile 65535); no effect, the runtime's
    defaults apply (listed in status.unsupportedFields)."""
    logConfiguration: LogConfiguration | None = None
    """Log driver and options; accepted, no effect on Kubernetes, which captures stdout/stderr (listed in
    status.unsupportedFields)."""
    healthCheck: HealthCheck | None = None
    """Container health check; on an essential container it becomes exec readiness and liveness probes (plus a
    startup probe with startPeriod) and decides when a task is healthy."""
    systemControls: Annotated[list[SystemControl], Field(max_length=100)] | None = None
    """Namespaced kernel parameters ({namespace, value}); become pod sysctls when Kubernetes deems them safe,
    others are listed in status.unsupportedFields."""
    resourceRequirements: Annotated[list[ResourceRequirement], Field(max_length=10)] | None = None
    """GPUs and other accelerators; GPU becomes limits nvidia.com/gpu, other types are listed in
    status.unsupportedFields."""
    firelensConfiguration: FirelensConfiguration | None = None
    """FireLens log router settings; no effect, the container still runs (listed in status.unsupportedFields).
    """
    credentialSpecs: Annotated[list[LongString], Field(max_length=1)] | None = None
    """At most one ARN of an Active Directory credential spec; not mapped (listed in
    status.unsupportedFields)."""

    @model_validator(mode="after")
    def _memory_above_reservation(self) -> ContainerDefinition:
        both = self.memory is not None and self.memoryReservation is not None
        if both and self.memory <= self.memoryReservation:  # type: ignore[operator]
            raise ValueError(
                f"container {self.name}: memory ({self.memory}) must be greater than "
                f"memoryReservation ({self.memoryReservation})"
            )
        return self
