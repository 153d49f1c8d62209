"""Service: the ECS CreateService request (ref §4.1), plus UpdateService's `forceNewDeployment`.

`cluster` is not a spec field: the namespace is the cluster. One field is ours, not ECS's:
`capacityProviderFallback`, the opt-in spot fallback of DESIGN.md §4.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from ecs_operator.api.common import (
    CapacityProviderStrategy,
    EcsModel,
    EcsName,
    FieldIssue,
    LongString,
    PlacementConstraint,
    ShortString,
    StatusModel,
    Tags,
    check_strategy,
)
from ecs_operator.api.names import k8s_name, same_object

TASK_DEFINITION_REF_PATTERN = r"^[a-zA-Z0-9_-]{1,255}(:[1-9][0-9]{0,9})?$"
"""`family` (latest ACTIVE revision) or `family:N`."""

FreeForm = dict[str, Any]


class ThresholdConfiguration(EcsModel):
    type: Literal["COUNT", "BOUNDED_PERCENT", "UNBOUNDED_PERCENT"] = "BOUNDED_PERCENT"
    value: Annotated[int, Field(ge=0)] = 50


class DeploymentCircuitBreaker(EcsModel):
    enable: bool
    rollback: bool
    resetOnHealthyTask: bool = True
    thresholdConfiguration: ThresholdConfiguration | None = None


class DeploymentAlarms(EcsModel):
    # ECS's own exports leave alarmNames out when there are none.
    alarmNames: Annotated[list[ShortString], Field(max_length=100)] | None = None
    rollback: bool
    enable: bool


class DeploymentLifecycleHook(EcsModel):
    hookTargetArn: LongString | None = None
    roleArn: LongString | None = None
    lifecycleStages: (
        Annotated[
            list[
                Literal[
                    "RECONCILE_SERVICE",
                    "PRE_SCALE_UP",
                    "POST_SCALE_UP",
                    "TEST_TRAFFIC_SHIFT",
                    "POST_TEST_TRAFFIC_SHIFT",
                    "PRODUCTION_TRAFFIC_SHIFT",
                    "POST_PRODUCTION_TRAFFIC_SHIFT",
                ]
            ],
            Field(max_length=10),
        ]
        | None
    ) = None
    hookDetails: Any = None


class LinearConfiguration(EcsModel):
    stepPercent: float | None = None
    stepBakeTimeInMinutes: Annotated[int, Field(ge=0)] | None = None


class CanaryConfiguration(EcsModel):
    canaryPercent: float | None = None
    canaryBakeTimeInMinutes: Annotated[int, Field(ge=0)] | None = None


class EarlySuccessCriteria(EcsModel):
    enable: bool | None = None
    healthyPercent: Annotated[int, Field(ge=0, le=100)] | None = None
    sourceServiceRevisionCleanup: Literal["BLOCKING", "DEFERRED"] | None = None


class DeploymentConfiguration(EcsModel):
    deploymentCircuitBreaker: DeploymentCircuitBreaker | None = None
    # Defaults depend on schedulingStrategy (REPLICA 200/100, DAEMON 100/0): applied by the controller.
    maximumPercent: Annotated[int, Field(ge=0)] | None = None
    minimumHealthyPercent: Annotated[int, Field(ge=0)] | None = None
    alarms: DeploymentAlarms | None = None
    strategy: Literal["ROLLING", "BLUE_GREEN", "LINEAR", "CANARY"] | None = None
    bakeTimeInMinutes: Annotated[int, Field(ge=0, le=1440)] | None = None
    lifecycleHooks: Annotated[list[DeploymentLifecycleHook], Field(max_length=10)] | None = None
    linearConfiguration: LinearConfiguration | None = None
    canaryConfiguration: CanaryConfiguration | None = None
    earlySuccessCriteria: EarlySuccessCriteria | None = None


class DeploymentController(EcsModel):
    type: Literal["ECS", "CODE_DEPLOY", "EXTERNAL"]


class AdvancedConfiguration(EcsModel):
    alternateTargetGroupArn: LongString | None = None
    productionListenerRule: LongString | None = None
    testListenerRule: LongString | None = None
    roleArn: LongString | None = None


class LoadBalancer(EcsModel):
    targetGroupArn: LongString | None = None
    loadBalancerName: ShortString | None = None
    containerName: EcsName | None = None
    containerPort: Annotated[int, Field(ge=0, le=65535)] | None = None
    advancedConfiguration: AdvancedConfiguration | None = None


class ServiceRegistry(EcsModel):
    registryArn: LongString | None = None
    port: Annotated[int, Field(ge=0, le=65535)] | None = None
    containerName: EcsName | None = None
    containerPort: Annotated[int, Field(ge=0, le=65535)] | None = None


class PlacementStrategy(EcsModel):
    type: Literal["random", "spread", "binpack"]
    field: ShortString | None = None


class AwsVpcConfiguration(EcsModel):
    subnets: Annotated[list[ShortString], Field(max_length=16)]
    securityGroups: Annotated[list[ShortString], Field(max_length=5)] | None = None
    assignPublicIp: Literal["ENABLED", "DISABLED"] | None = None


class NetworkConfiguration(EcsModel):
    awsvpcConfiguration: AwsVpcConfiguration | None = None


class ServiceConnectClientAlias(EcsModel):
    port: Annotated[int, Field(ge=1, le=65535)]
    dnsName: ShortString | None = None
    testTrafficRules: FreeForm | None = None


class ServiceConnectService(EcsModel):
    portName: ShortString
    discoveryName: ShortString | None = None
    clientAliases: Annotated[list[ServiceConnectClientAlias], Field(max_length=100)] | None = None
    ingressPortOverride: Annotated[int, Field(ge=0, le=65535)] | None = None
    timeout: FreeForm | None = None
    tls: FreeForm | None = None


class ServiceConnectConfiguration(EcsModel):
    enabled: bool
    namespace: ShortString | None = None
    services: Annotated[list[ServiceConnectService], Field(max_length=100)] | None = None
    logConfiguration: FreeForm | None = None
    accessLogConfiguration: FreeForm | None = None


class EBSTagSpecification(EcsModel):
    resourceType: Literal["volume"]
    tags: Tags | None = None
    propagateTags: Literal["TASK_DEFINITION", "SERVICE", "NONE"] | None = None


class ManagedEBSVolume(EcsModel):
    encrypted: bool | None = None
    kmsKeyId: LongString | None = None
    volumeType: ShortString | None = None
    sizeInGiB: Annotated[int, Field(ge=1)] | None = None
    snapshotId: ShortString | None = None
    volumeInitializationRate: int | None = None
    iops: int | None = None
    throughput: int | None = None
    tagSpecifications: Annotated[list[EBSTagSpecification], Field(max_length=10)] | None = None
    roleArn: LongString
    filesystemType: Literal["ext3", "ext4", "xfs", "ntfs"] | None = None


class ServiceVolumeConfiguration(EcsModel):
    name: ShortString
    managedEBSVolume: ManagedEBSVolume | None = None


class VpcLatticeConfiguration(EcsModel):
    roleArn: LongString
    targetGroupArn: LongString
    portName: ShortString


class CapacityProviderFallback(EcsModel):
    """Not ECS: move a provider's tasks to another provider while its pods stay unschedulable."""

    capacityProvider: EcsName
    fallbackCapacityProvider: EcsName
    unschedulableSeconds: Annotated[int, Field(ge=0, le=86_400)] = 60


class ServiceSpec(EcsModel):
    """The ECS CreateService input (the namespace is the cluster), plus capacityProviderFallback."""

    serviceName: EcsName | None = None  # defaults to metadata.name
    taskDefinition: Annotated[str, Field(pattern=TASK_DEFINITION_REF_PATTERN, max_length=266)] | None = None
    availabilityZoneRebalancing: Literal["ENABLED", "DISABLED"] | None = None
    loadBalancers: Annotated[list[LoadBalancer], Field(max_length=10)] | None = None
    serviceRegistries: Annotated[list[ServiceRegistry], Field(max_length=1)] | None = None
    desiredCount: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    clientToken: Annotated[str, Field(max_length=36)] | None = None
    launchType: Literal["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"] | None = None
    capacityProviderStrategy: CapacityProviderStrategy | None = None
    platformVersion: ShortString | None = None
    role: LongString | None = None
    deploymentConfiguration: DeploymentConfiguration | None = None
    placementConstraints: Annotated[list[PlacementConstraint], Field(max_length=10)] | None = None
    placementStrategy: Annotated[list[PlacementStrategy], Field(max_length=5)] | None = None
    networkConfiguration: NetworkConfiguration | None = None
    healthCheckGracePeriodSeconds: Annotated[int, Field(ge=0, le=2_147_483_647)] | None = None
    schedulingStrategy: Literal["REPLICA", "DAEMON"] = "REPLICA"
    deploymentController: DeploymentController | None = None
    tags: Tags | None = None
    enableECSManagedTags: bool | None = None
    propagateTags: Literal["TASK_DEFINITION", "SERVICE", "NONE"] | None = None
    enableExecuteCommand: bool | None = None
    serviceConnectConfiguration: ServiceConnectConfiguration | None = None
    volumeConfigurations: Annotated[list[ServiceVolumeConfiguration], Field(max_length=1)] | None = None
    vpcLatticeConfigurations: Annotated[list[VpcLatticeConfiguration], Field(max_length=10)] | None = None
    gatewayConnectors: Annotated[list[FreeForm], Field(max_length=1)] | None = None
    monitoring: FreeForm | None = None
    forceNewDeployment: bool | None = None
    capacityProviderFallback: Annotated[list[CapacityProviderFallback], Field(max_length=20)] | None = None

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
    desiredCount: int = 0
    runningCount: int = 0
    pendingCount: int = 0
    unplacedCount: int = 0
    fallbackFrom: str | None = None


class CircuitBreakerStatus(StatusModel):
    status: Literal["TRIGGERED", "MONITORING", "MONITORING_COMPLETE", "DISABLED"] | None = None
    failureCount: int = 0
    threshold: int | None = None


class DeploymentStatus(StatusModel):
    id: str
    status: Literal["PRIMARY", "ACTIVE", "INACTIVE"]
    taskDefinition: str | None = None
    desiredCount: int = 0
    runningCount: int = 0
    pendingCount: int = 0
    failedTasks: int = 0
    rolloutState: Literal["IN_PROGRESS", "COMPLETED", "FAILED"] | None = None
    rolloutStateReason: str | None = None
    createdAt: str | None = None
    updatedAt: str | None = None
    capacityProviderStrategy: list[dict[str, Any]] | None = None
    circuitBreaker: CircuitBreakerStatus | None = None


class ServiceEvent(StatusModel):
    id: str
    createdAt: str
    message: str


class ServiceStatus(StatusModel):
    desiredCount: int | None = None
    runningCount: int | None = None
    pendingCount: int | None = None
    selector: str | None = None
    taskDefinition: str | None = None  # `family:N`
    rolloutState: Literal["IN_PROGRESS", "COMPLETED", "FAILED"] | None = None
    providers: list[ProviderStatus] | None = None
    deployments: list[DeploymentStatus] | None = None
    events: list[ServiceEvent] | None = None
    ignoredFields: list[FieldIssue] | None = None
