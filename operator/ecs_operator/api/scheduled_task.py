"""ScheduledTask: an EventBridge Scheduler schedule with an ECS RunTask target
(https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html), run as CronJobs.

Field names are the Scheduler's in camelCase (`ScheduleExpression` -> `scheduleExpression`,
`Target.EcsParameters.TaskCount` -> `target.ecsParameters.taskCount`), as Kubernetes spells them.
`name` is metadata.name. One field is ours, not AWS's: `concurrencyPolicy`, opt-in (docs/design-decisions.md).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from ecs_operator.api.common import (
    CapacityProviderStrategyItem,
    EcsModel,
    FieldIssue,
    LongString,
    PlacementConstraint,
    ShortString,
    StatusModel,
    check_strategy,
)
from ecs_operator.api.service import PlacementStrategy
from ecs_operator.api.service_networking import NetworkConfiguration
from ecs_operator.api.task import task_override_json

SCHEDULE_TASK_DEFINITION_PATTERN = (
    r"^(arn:[a-z0-9-]+:ecs:[a-z0-9-]*:[0-9]*:task-definition/)?[a-zA-Z0-9_-]{1,255}(:[1-9][0-9]{0,9})?$"
)
"""A task definition ARN as the Scheduler takes it, or `family` / `family:N` of this namespace."""


class EcsParameters(EcsModel):
    taskDefinitionArn: Annotated[str, Field(pattern=SCHEDULE_TASK_DEFINITION_PATTERN, max_length=1600)]
    """TaskDefinition to run: an ARN (its `family:N` is used), `family:N` or `family` (the latest ACTIVE
    revision when each run's CronJob is built)."""
    taskCount: Annotated[int, Field(ge=1, le=10)] = 1
    """Tasks per invocation, 1-10: each provider's share becomes its CronJob's parallelism and completions."""
    launchType: Literal["EC2", "FARGATE", "EXTERNAL"] | None = None
    """EC2, FARGATE or EXTERNAL, exclusive with capacityProviderStrategy."""
    capacityProviderStrategy: Annotated[list[CapacityProviderStrategyItem], Field(max_length=6)] | None = None
    """Up to 6 {capacityProvider, base, weight} items (the Scheduler's limit): each invocation's taskCount
    splits as a RunTask count does; neither this nor launchType means the Cluster's default."""
    networkConfiguration: NetworkConfiguration | None = None
    """awsvpc settings; accepted, no effect on Kubernetes."""
    platformVersion: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    """Fargate platform version; accepted, no effect on Kubernetes."""
    group: Annotated[str, Field(min_length=1, max_length=255)] | None = None
    """Task group of the runs, default `family:<family>`."""
    placementConstraints: Annotated[list[PlacementConstraint], Field(max_length=10)] | None = None
    """At most 10: distinctInstance and memberOf, as for a Task."""
    placementStrategy: Annotated[list[PlacementStrategy], Field(max_length=5)] | None = None
    """At most 5: spread within the group; binpack and random are listed in status."""
    enableECSManagedTags: bool | None = None
    """ECS managed tags; accepted, no effect on Kubernetes."""
    enableExecuteCommand: bool | None = None
    """ECS Exec; accepted, no effect on Kubernetes."""
    propagateTags: Literal["TASK_DEFINITION"] | None = None
    """TASK_DEFINITION; accepted, no effect on Kubernetes."""
    referenceId: Annotated[str, Field(max_length=1024)] | None = None
    """Reference for the runs; accepted, no effect."""
    tags: Annotated[list[dict[str, Annotated[str, Field(max_length=256)]]], Field(max_length=50)] | None = (
        None
    )
    """Up to 50 tags, each a {key: value} map as the Scheduler writes them; accepted, no effect."""


class RetryPolicy(EcsModel):
    maximumEventAgeInSeconds: Annotated[int, Field(ge=60, le=86_400)] | None = None
    """60-86400 (default 86400); retries of failed invocations, accepted: a failed task is never retried."""
    maximumRetryAttempts: Annotated[int, Field(ge=0, le=185)] | None = None
    """0-185 (default 185); as above."""


class DeadLetterConfig(EcsModel):
    arn: LongString | None = None
    """SQS queue for failed invocations; accepted, no effect on Kubernetes."""


class Target(EcsModel):
    arn: Annotated[str, Field(min_length=1, max_length=1600)] | None = None
    """The ECS cluster ARN; accepted (the namespace is the cluster)."""
    roleArn: Annotated[str, Field(min_length=1, max_length=1600)] | None = None
    """Role the Scheduler assumes to call RunTask; accepted, no effect on Kubernetes."""
    ecsParameters: EcsParameters
    """The RunTask parameters of each invocation."""
    input: Annotated[str, Field(max_length=8192)] | None = None
    """JSON of the tasks' overrides (containerOverrides, cpu, memory, taskRoleArn, ...), as RunTask takes
    them, at most 8192 characters."""
    retryPolicy: RetryPolicy | None = None
    """Retries of failed invocations; a failed task is never retried (backoffLimit 0)."""
    deadLetterConfig: DeadLetterConfig | None = None
    """Queue for failed invocations; accepted, no effect."""

    @field_validator("input")
    @classmethod
    def _overrides(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                task_override_json(value)
            except ValueError as error:  # json's and pydantic's errors both
                detail = (
                    "; ".join(e["msg"] for e in error.errors())
                    if isinstance(error, ValidationError)
                    else str(error)
                )
                raise ValueError(f"input is not a task override: {detail}") from None
        return value


class FlexibleTimeWindow(EcsModel):
    mode: Literal["OFF", "FLEXIBLE"]
    """OFF (on time) or FLEXIBLE (within maximumWindowInMinutes): the CronJob's startingDeadlineSeconds."""
    maximumWindowInMinutes: Annotated[int, Field(ge=1, le=1440)] | None = None
    """1-1440, required with FLEXIBLE: how late a run may still start."""

    @model_validator(mode="after")
    def _window(self) -> FlexibleTimeWindow:
        if (self.mode == "FLEXIBLE") != (self.maximumWindowInMinutes is not None):
            raise ValueError(
                "flexibleTimeWindow: maximumWindowInMinutes is required with FLEXIBLE, only then"
            )
        return self


class ScheduledTaskSpec(EcsModel):
    """The EventBridge Scheduler CreateSchedule input with an ECS target (the namespace is the cluster)."""

    scheduleExpression: Annotated[str, Field(min_length=1, max_length=256)]
    """cron(min hour day-of-month month day-of-week year), rate(n minute(s)|hour(s)|day(s)) or
    at(yyyy-mm-ddThh:mm:ss); what a CronJob cannot express (L, W, #, a year, a rate off the clock's grid,
    at() in the past) is refused in status."""
    scheduleExpressionTimezone: Annotated[str, Field(min_length=1, max_length=50)] | None = None
    """IANA time zone of cron() and at() (default UTC): the CronJob's timeZone."""
    startDate: Annotated[str, Field(max_length=64)] | None = None
    """RFC 3339 moment before which nothing runs (suspended); also the phase of a rate()."""
    endDate: Annotated[str, Field(max_length=64)] | None = None
    """RFC 3339 moment from which nothing runs (suspended)."""
    state: Literal["ENABLED", "DISABLED"] = "ENABLED"
    """ENABLED (default) or DISABLED (the CronJobs are suspended)."""
    flexibleTimeWindow: FlexibleTimeWindow
    """Required by the Scheduler: OFF, or FLEXIBLE with maximumWindowInMinutes."""
    target: Target
    """The ECS RunTask target."""
    description: Annotated[str, Field(max_length=512)] | None = None
    """Free text."""
    groupName: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    """Schedule group; accepted, no effect on Kubernetes."""
    kmsKeyArn: Annotated[str, Field(min_length=1, max_length=2048)] | None = None
    """Key that encrypts the target input; accepted, no effect on Kubernetes."""
    actionAfterCompletion: Literal["NONE", "DELETE"] | None = None
    """NONE or DELETE after a one-time schedule ran; accepted, the object stays (GitOps owns it)."""
    clientToken: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    """Idempotency token; accepted, no effect."""
    concurrencyPolicy: Literal["Allow", "Forbid", "Replace"] = "Allow"
    """Not AWS, opt-in: Allow (default, as EventBridge: runs may overlap), Forbid (skip a run while the last
    still runs) or Replace (stop the last run for the new one)."""

    @model_validator(mode="after")
    def _rules(self) -> ScheduledTaskSpec:
        ecs = self.target.ecsParameters
        if ecs.launchType is not None and ecs.capacityProviderStrategy:
            raise ValueError(
                "target.ecsParameters: launchType and capacityProviderStrategy are mutually exclusive"
            )
        check_strategy(ecs.capacityProviderStrategy)
        return self


class ScheduledTaskStatus(StatusModel):
    """Written by the operator: the schedule as the CronJobs run it, and what was ignored."""

    schedule: str | None = None
    """The CronJob schedule (five fields, day-of-week 0-6 = SUN-SAT)."""
    timeZone: str | None = None
    """The CronJob timeZone."""
    taskDefinitionArn: str | None = None
    """`family:N` the runs use."""
    suspended: bool | None = None
    """Whether the CronJobs are suspended (DISABLED, before startDate, after endDate, or at() done)."""
    lastScheduleTime: str | None = None
    """When a run last started (RFC 3339)."""
    cronJobs: list[ShortString] | None = None
    """Names of the CronJobs, one per capacity provider with a share of taskCount."""
    ignoredFields: list[FieldIssue] | None = None
    """Fields with no (or only part of their) effect, and why."""
