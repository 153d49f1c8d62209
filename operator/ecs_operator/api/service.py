"""Service: the ECS CreateService request
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html
), plus UpdateService's `forceNewDeployment`.

`cluster` is not a spec field: the namespace is the cluster. One field is ours, not ECS's:
`capacityProviderFallback`, the opt-in spot fallback of docs/design.md#beyond-ecs.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from ecs_operator.api.capacity_provider_fallback import CapacityProviderFallback
from ecs_operator.api.common import (
    CapacityProviderStrategy,
    EcsModel,
    EcsName,
    FieldIssue,
    FreeForm,
    LongString,
    PlacementConstraint,
    ShortString,
    StatusModel,
    Tags,
    check_strategy,
)
from ecs_operator.api.deployment_configuration import DeploymentConfiguration, DeploymentController
from ecs_operator.api.names import k8s_name, same_object
from ecs_operator.api.service_networking import (
    LoadBalancer,
    NetworkConfiguration,
    ServiceConnectConfiguration,
    ServiceRegistry,
    VpcLatticeConfiguration,
)

TASK_DEFINITION_REF_PATTERN = r"^[a-zA-Z0-9_-]{1,255}(:[1-9][0-9]{0,9})?$"
"""`family` (latest ACTIVE revision) or `family:N`."""


class PlacementStrategy(EcsModel):
    type: Literal["random", "spread", "binpack"]
    """spread (becomes a best-effort topologySpreadConstraint), binpack or random (no per-pod equivalent,
    listed in status.ignoredFields)."""
    field: ShortString | None = None
    """spread: instanceId/host (per node) or attribute:<name> such as attribute:ecs.availability-zone (per
    zone); binpack: cpu or memory."""


class EBSTagSpecification(EcsModel):
    resourceType: Literal["volume"]
    """Always volume."""
    tags: Tags | None = None
    """Tags for the volume."""
    propagateTags: Literal["TASK_DEFINITION", "SERVICE", "NONE"] | None = None
    """Copy tags from TASK_DEFINITION, SERVICE or NONE."""


class ManagedEBSVolume(EcsModel):
    encrypted: bool | None = None
    """Encrypt the volume."""
    kmsKeyId: LongString | None = None
    """KMS key for encryption."""
    volumeType: ShortString | None = None
    """EBS volume type, e.g. gp3."""
    sizeInGiB: Annotated[int, Field(ge=1)] | None = None
    """Size in GiB."""
    snapshotId: ShortString | None = None
    """Snapshot to create the volume from."""
    volumeInitializationRate: int | None = None
    """MiB/s at which a snapshot is loaded."""
    iops: int | None = None
    """Provisioned IOPS."""
    throughput: int | None = None
    """Throughput in MiB/s (gp3)."""
    tagSpecifications: Annotated[list[EBSTagSpecification], Field(max_length=10)] | None = None
    """Tags for the volume."""
    roleArn: LongString
    """IAM role ECS uses to manage the volume."""
    filesystemType: Literal["ext3", "ext4", "xfs", "ntfs"] | None = None
    """ext3, ext4, xfs or ntfs."""


class ServiceVolumeConfiguration(EcsModel):
    name: ShortString
    """Name of the task definition's configuredAtLaunch volume."""
    managedEBSVolume: ManagedEBSVolume | None = None
    """EBS volume to create for each task."""


class ServiceSpec(EcsModel):
    """The ECS CreateService input (the namespace is the cluster), plus capacityProviderFallback."""

    serviceName: EcsName | None = None  # defaults to metadata.name
    """ECS service name, up to 255 letters, digits, `_` and `-`; defaults to metadata.name and must map to it
    (lowercase, `_` -> `-`)."""
    taskDefinition: Annotated[str, Field(pattern=TASK_DEFINITION_REF_PATTERN, max_length=266)] | None = None
    """TaskDefinition in this namespace: `family` (latest ACTIVE revision) or `family:N`; required unless
    deploymentController.type is EXTERNAL; a new revision starts a new deployment."""
    availabilityZoneRebalancing: Literal["ENABLED", "DISABLED"] | None = None
    """ENABLED or DISABLED; accepted, no effect on Kubernetes."""
    loadBalancers: Annotated[list[LoadBalancer], Field(max_length=10)] | None = None
    """Load balancer target groups, at most 10; accepted, no effect on Kubernetes except that a change starts
    a new deployment, as in ECS; the core Service over the task's ports is the Kubernetes entry point."""
    serviceRegistries: Annotated[list[ServiceRegistry], Field(max_length=1)] | None = None
    """Cloud Map registry, at most 1; accepted, no effect on Kubernetes except that a change starts a new
    deployment, as in ECS."""
    desiredCount: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    """Number of tasks, 0-1000000, required for REPLICA and not allowed for DAEMON; split over the capacity
    providers into their Deployments' replicas (the scale subresource, for HPA/KEDA)."""
    clientToken: Annotated[str, Field(max_length=36)] | None = None
    """Idempotency token, at most 36 characters; accepted, no effect on Kubernetes."""
    launchType: Literal["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"] | None = None
    """EC2, FARGATE, EXTERNAL or MANAGED_INSTANCES, exclusive with capacityProviderStrategy: the provider of
    that ECS name, else the first on-demand provider of the Cluster."""
    capacityProviderStrategy: CapacityProviderStrategy | None = None
    """Up to 20 {capacityProvider, base, weight} items: base tasks first, the rest split by weight, one
    Deployment per provider; neither this nor launchType means the Cluster's
    defaultCapacityProviderStrategy."""
    platformVersion: ShortString | None = None
    """Fargate platform version (default LATEST); accepted, no effect on Kubernetes except that a change
    starts a new deployment, as in ECS."""
    role: LongString | None = None
    """Legacy load balancer IAM role; accepted, no effect on Kubernetes."""
    deploymentConfiguration: DeploymentConfiguration | None = None
    """Rolling deployment limits (minimumHealthyPercent, maximumPercent) and the deployment circuit breaker.
    """
    placementConstraints: Annotated[list[PlacementConstraint], Field(max_length=10)] | None = None
    """At most 10 (with the task definition's): distinctInstance becomes pod anti-affinity per node, memberOf
    node affinity."""
    placementStrategy: Annotated[list[PlacementStrategy], Field(max_length=5)] | None = None
    """At most 5 rules (not for DAEMON): spread becomes topology spread, binpack and random are listed in
    status.ignoredFields."""
    networkConfiguration: NetworkConfiguration | None = None
    """awsvpc subnets, security groups and public IP; accepted, no effect on Kubernetes except that a change
    starts a new deployment, as in ECS."""
    healthCheckGracePeriodSeconds: Annotated[int, Field(ge=0, le=2_147_483_647)] | None = None
    """Seconds (default 0) added to the health check's own time before a task that is still not Ready
    counts as failed for the circuit breaker."""
    schedulingStrategy: Literal["REPLICA", "DAEMON"] = "REPLICA"
    """REPLICA (default: desiredCount tasks, a Deployment per capacity provider) or DAEMON (one task per node
    of each provider's pool, a DaemonSet per provider)."""
    deploymentController: DeploymentController | None = None
    """Deployment controller; only ECS rolling deployments are implemented."""
    tags: Tags | None = None
    """Up to 50 AWS resource tags; accepted, no effect on Kubernetes."""
    enableECSManagedTags: bool | None = None
    """Add ECS managed tags to tasks; accepted, no effect on Kubernetes."""
    propagateTags: Literal["TASK_DEFINITION", "SERVICE", "NONE"] | None = None
    """TASK_DEFINITION, SERVICE or NONE (default); accepted, no effect on Kubernetes."""
    enableExecuteCommand: bool | None = None
    """ECS Exec; accepted, no effect on Kubernetes (kubectl exec needs no opt-in)."""
    serviceConnectConfiguration: ServiceConnectConfiguration | None = None
    """Service Connect; accepted, no effect on Kubernetes except that a change starts a new deployment, as in
    ECS."""
    volumeConfigurations: Annotated[list[ServiceVolumeConfiguration], Field(max_length=1)] | None = None
    """EBS volumes for configuredAtLaunch volumes, at most 1; accepted, no effect on Kubernetes except that a
    change starts a new deployment, as in ECS."""
    vpcLatticeConfigurations: Annotated[list[VpcLatticeConfiguration], Field(max_length=10)] | None = None
    """VPC Lattice target groups; accepted, no effect on Kubernetes except that a change starts a new
    deployment, as in ECS."""
    gatewayConnectors: Annotated[list[FreeForm], Field(max_length=1)] | None = None
    """At most 1 gateway connector; accepted, no effect on Kubernetes."""
    monitoring: FreeForm | None = None
    """Service metrics resolution; accepted, no effect on Kubernetes."""
    forceNewDeployment: bool | None = None
    """Any change of its value starts a new deployment without other changes (the declarative form of
    UpdateService's flag)."""
    capacityProviderFallback: Annotated[list[CapacityProviderFallback], Field(max_length=20)] | None = None
    """Not ECS, opt-in: move a provider's tasks to a fallback provider while its pods stay unschedulable, and
    back once it has room (REPLICA only)."""

    def effective_service_name(self, metadata_name: str) -> str:
        return self.serviceName or metadata_name

    @model_validator(mode="after")
    def _ecs_rules(self) -> ServiceSpec:
        if self.launchType is not None and self.capacityProviderStrategy:
            raise ValueError("launchType and capacityProviderStrategy are mutually exclusive")
        check_strategy(self.capacityProviderStrategy)
        controller = self.deploymentController.type if self.deploymentController else "ECS"
        if self.taskDefinition is None and controller != "EXTERNAL":
            raise ValueError(f"taskDefinition is required with the {controller} deployment controller")
        if self.schedulingStrategy == "DAEMON":
            self._check_daemon(controller)
        elif self.desiredCount is None:
            raise ValueError("desiredCount is required when schedulingStrategy is REPLICA")
        fallbacks = self.capacityProviderFallback or []
        sources = [k8s_name(f.capacityProvider) for f in fallbacks]
        if len(set(sources)) != len(sources):
            raise ValueError("capacityProviderFallback: a capacity provider may have only one fallback")
        for fallback in fallbacks:
            if same_object(fallback.capacityProvider, fallback.fallbackCapacityProvider):
                raise ValueError(
                    f"capacityProviderFallback: {fallback.capacityProvider} cannot fall back to itself"
                )
        return self

    def _check_daemon(self, controller: str) -> None:
        if self.desiredCount is not None:
            raise ValueError("schedulingStrategy DAEMON takes no desiredCount (one task per node)")
        if self.deploymentConfiguration and self.deploymentConfiguration.maximumPercent not in (None, 100):
            raise ValueError("schedulingStrategy DAEMON needs deploymentConfiguration.maximumPercent 100")
        if controller != "ECS":
            raise ValueError(f"schedulingStrategy DAEMON is not allowed with controller {controller}")
        if self.launchType == "FARGATE":
            raise ValueError("schedulingStrategy DAEMON is not allowed with launchType FARGATE")
        if self.placementStrategy:
            raise ValueError("schedulingStrategy DAEMON takes no placementStrategy")


# ---- status (written by the operator) ----


class ProviderStatus(StatusModel):
    capacityProvider: str
    """ECS name of the capacity provider."""
    desiredCount: int = 0
    """Tasks this provider should run."""
    runningCount: int = 0
    """Its tasks that are running."""
    pendingCount: int = 0
    """Its tasks that are not running yet."""
    unplacedCount: int = 0
    """Its tasks the scheduler cannot place."""
    fallbackFrom: str | None = None
    """Provider whose tasks this one runs under capacityProviderFallback."""


class CircuitBreakerStatus(StatusModel):
    status: Literal["TRIGGERED", "MONITORING", "MONITORING_COMPLETE", "DISABLED"] | None = None
    """TRIGGERED, MONITORING, MONITORING_COMPLETE or DISABLED."""
    failureCount: int = 0
    """Failed tasks counted so far."""
    threshold: int | None = None
    """Failed tasks that fail the deployment."""


class DeploymentStatus(StatusModel):
    id: str
    """Deployment ID, ecs-svc/<19 digits>."""
    status: Literal["PRIMARY", "ACTIVE", "INACTIVE"]
    """PRIMARY (the newest), ACTIVE (being replaced) or INACTIVE."""
    taskDefinition: str | None = None
    """`family:N` this deployment runs."""
    desiredCount: int = 0
    """Tasks this deployment should run."""
    runningCount: int = 0
    """Its running tasks."""
    pendingCount: int = 0
    """Its tasks not running yet."""
    failedTasks: int = 0
    """Its failed tasks, as the circuit breaker counts them."""
    rolloutState: Literal["IN_PROGRESS", "COMPLETED", "FAILED"] | None = None
    """IN_PROGRESS, COMPLETED or FAILED."""
    rolloutStateReason: str | None = None
    """Why, in ECS's words."""
    createdAt: str | None = None
    """When the deployment started (RFC 3339)."""
    updatedAt: str | None = None
    """When it last changed (RFC 3339)."""
    capacityProviderStrategy: list[dict[str, Any]] | None = None
    """Strategy in effect for this deployment."""
    circuitBreaker: CircuitBreakerStatus | None = None
    """Circuit breaker state of this deployment."""


class ServiceEvent(StatusModel):
    id: str
    """Event ID."""
    createdAt: str
    """When it happened (RFC 3339)."""
    message: str
    """ECS's message, e.g. service web has reached a steady state."""


class ServiceStatus(StatusModel):
    """Written by the operator: task counts, ECS deployments and events, and what was ignored."""

    desiredCount: int | None = None
    """Tasks the service should run (sum over the providers)."""
    runningCount: int | None = None
    """Tasks running."""
    pendingCount: int | None = None
    """Tasks not running yet."""
    selector: str | None = None
    """Label selector of the service's pods (for the scale subresource)."""
    taskDefinition: str | None = None  # `family:N`
    """`family:N` of the PRIMARY deployment."""
    rolloutState: Literal["IN_PROGRESS", "COMPLETED", "FAILED"] | None = None
    """Rollout state of the PRIMARY deployment: IN_PROGRESS, COMPLETED or FAILED."""
    providers: list[ProviderStatus] | None = None
    """Desired, running, pending and unplaced tasks per capacity provider."""
    deployments: list[DeploymentStatus] | None = None
    """ECS deployments, PRIMARY first."""
    events: list[ServiceEvent] | None = None
    """Newest ECS service events."""
    ignoredFields: list[FieldIssue] | None = None
    """Spec and task definition fields with no (or only part of their) effect, and why."""
