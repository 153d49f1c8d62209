"""How a Service deploys: deploymentConfiguration (rolling limits, circuit breaker, alarms, hooks,
traffic-shift settings) and deploymentController
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from ecs_operator.api.common import EcsModel, LongString, ShortString


class ThresholdConfiguration(EcsModel):
    type: Literal["COUNT", "BOUNDED_PERCENT", "UNBOUNDED_PERCENT"] = "BOUNDED_PERCENT"
    """How value is read: BOUNDED_PERCENT (default; percent of desiredCount, kept within 3-200),
    UNBOUNDED_PERCENT (percent, not clamped) or COUNT (a number of failed tasks)."""
    value: Annotated[int, Field(ge=0)] = 50
    """Threshold value (default 50); percent types round up."""


class DeploymentCircuitBreaker(EcsModel):
    enable: bool
    """Fail a deployment whose tasks keep failing (pods that fail, crash-loop or never become Ready)."""
    rollback: bool
    """On failure, roll the children back to the last COMPLETED deployment; the spec is not rewritten."""
    resetOnHealthyTask: bool = True
    """Reset the failure count when a task becomes healthy (default true); false counts over the whole
    deployment."""
    thresholdConfiguration: ThresholdConfiguration | None = None
    """Failed tasks that fail the deployment (default BOUNDED_PERCENT 50: min(200, max(3, ceil(desiredCount /
    2))))."""


class DeploymentAlarms(EcsModel):
    # ECS's own exports leave alarmNames out when there are none.
    alarmNames: Annotated[list[ShortString], Field(max_length=100)] | None = None
    """CloudWatch alarms to watch."""
    rollback: bool
    """Roll back when an alarm fires."""
    enable: bool
    """Use alarm-based failure detection."""


class DeploymentLifecycleHook(EcsModel):
    hookTargetArn: LongString | None = None
    """Lambda function to invoke."""
    roleArn: LongString | None = None
    """IAM role ECS uses to invoke it."""
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
    """Stages of the deployment that invoke the hook."""
    hookDetails: Any = None
    """Free-form data passed to the hook."""


class LinearConfiguration(EcsModel):
    stepPercent: float | None = None
    """Percent of traffic shifted per step."""
    stepBakeTimeInMinutes: Annotated[int, Field(ge=0)] | None = None
    """Minutes to wait after each step."""


class CanaryConfiguration(EcsModel):
    canaryPercent: float | None = None
    """Percent of traffic shifted to the canary."""
    canaryBakeTimeInMinutes: Annotated[int, Field(ge=0)] | None = None
    """Minutes to wait before shifting the rest."""


class EarlySuccessCriteria(EcsModel):
    enable: bool | None = None
    """Complete a rolling deployment early."""
    healthyPercent: Annotated[int, Field(ge=0, le=100)] | None = None
    """Healthy percent (0-100, at least minimumHealthyPercent) that counts as success."""
    sourceServiceRevisionCleanup: Literal["BLOCKING", "DEFERRED"] | None = None
    """BLOCKING or DEFERRED cleanup of the old revision."""


class DeploymentConfiguration(EcsModel):
    deploymentCircuitBreaker: DeploymentCircuitBreaker | None = None
    """Deployment circuit breaker: failed tasks of the new deployment are counted against a threshold, with
    optional rollback."""
    # Defaults depend on schedulingStrategy (REPLICA 200/100, DAEMON 100/0): applied by the controller.
    maximumPercent: Annotated[int, Field(ge=0)] | None = None
    """Upper bound of running+pending tasks during a deployment, in percent of desiredCount rounded down
    (default 200; DAEMON 100, the only allowed value); becomes the children's maxSurge."""
    minimumHealthyPercent: Annotated[int, Field(ge=0)] | None = None
    """Lower bound of healthy tasks during a deployment, in percent of desiredCount rounded up (default 100;
    DAEMON 0); becomes the children's maxUnavailable and a PodDisruptionBudget."""
    alarms: DeploymentAlarms | None = None
    """CloudWatch alarm failure detection; accepted, no effect on Kubernetes."""
    strategy: Literal["ROLLING", "BLUE_GREEN", "LINEAR", "CANARY"] | None = None
    """ROLLING (default), BLUE_GREEN, LINEAR or CANARY; accepted, no effect on Kubernetes, deployments always
    roll."""
    bakeTimeInMinutes: Annotated[int, Field(ge=0, le=1440)] | None = None
    """Minutes, 0-1440, to watch a finished BLUE_GREEN deployment; accepted, no effect on Kubernetes."""
    lifecycleHooks: Annotated[list[DeploymentLifecycleHook], Field(max_length=10)] | None = None
    """Lambda hooks run at deployment stages; accepted, no effect on Kubernetes."""
    linearConfiguration: LinearConfiguration | None = None
    """Traffic steps of a LINEAR deployment; accepted, no effect on Kubernetes."""
    canaryConfiguration: CanaryConfiguration | None = None
    """Traffic split of a CANARY deployment; accepted, no effect on Kubernetes."""
    earlySuccessCriteria: EarlySuccessCriteria | None = None
    """Lets a rolling deployment complete early; accepted, no effect on Kubernetes."""


class DeploymentController(EcsModel):
    type: Literal["ECS", "CODE_DEPLOY", "EXTERNAL"]
    """ECS (default, rolling deployments), CODE_DEPLOY or EXTERNAL (taskDefinition may then be omitted); the
    operator always deploys the ECS way."""
