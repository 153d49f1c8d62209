"""The deployment circuit breaker
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html
): failed tasks of one deployment against ECS's threshold.

ECS replaces a failed task; Kubernetes restarts the container in place or leaves the pod failed.
So a "failed task" is counted as:
- every death of an essential container: each restart, plus the one it is down from now
  (`PodState.essential_failures`), and a Failed pod once: each is a task ECS would have replaced;
- a pod still not Ready `healthCheckGracePeriodSeconds` plus the time its health check needs to
  call it UNHEALTHY after it started, once. ECS marks a task UNHEALTHY after `startPeriod` and
  `retries` failed checks `interval` apart (each up to `timeout`): `unhealthy_after` of the task
  definition, the slowest essential container. A task definition without a health check gets
  NOT_READY_SECONDS (ECS counts such a task healthy 40 s after RUNNING; 120 s leaves slack for a
  slow start). A pod that dies later adds only its further deaths.
Pods the scheduler cannot place are not failures: ECS creates no task it cannot place (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html).

Counting is level-based: the state carries, per pod, how many failures were already counted, so
each death counts once however often the controller reconciles. With `resetOnHealthyTask` (default
true) the count starts again from 0 whenever a task of the deployment becomes Ready; the reset is
applied before this look's new failures are added.

The controller stores `BreakerState.as_dict()` (ECS fields plus the bookkeeping) in its own status
bookkeeping and shows `BreakerState.ecs()` as `deployments[].circuitBreaker`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from fractions import Fraction
from math import ceil
from typing import Any

from ecs_operator.core.task.state import PodState, deployment_label
from ecs_operator.core.task_definition.health_check import DEFAULT_INTERVAL, DEFAULT_RETRIES, DEFAULT_TIMEOUT

NOT_READY_SECONDS = 120
MONITORING = "MONITORING"
TRIGGERED = "TRIGGERED"
MONITORING_COMPLETE = "MONITORING_COMPLETE"
DISABLED = "DISABLED"


def threshold(config: Mapping[str, Any] | None, desired_count: int) -> int:
    """Failures that fail the deployment. Default BOUNDED_PERCENT 50: min(200, max(3, ceil(desired/2))).

    Percent types take `value`% of desiredCount, rounded up (SILENT in ECS; DERIVED). BOUNDED clamps
    to [3, 200]; UNBOUNDED does not, but is at least 1, as is COUNT: a threshold of 0 would fail a
    deployment before anything went wrong.
    """
    settings = (config or {}).get("thresholdConfiguration") or {}
    kind = settings.get("type") or "BOUNDED_PERCENT"
    value = settings.get("value")
    value = 50 if value is None else value
    if kind == "COUNT":
        return max(1, int(value))
    share = ceil(Fraction(str(value)) * desired_count / 100)
    if kind == "UNBOUNDED_PERCENT":
        return max(1, share)
    return min(200, max(3, share))


def _number(value: Any, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except (TypeError, ValueError):
        return default


def unhealthy_after(task_definition: Mapping[str, Any] | None) -> int:
    """Seconds after start by which a task that never passed its health check is UNHEALTHY in ECS:
    startPeriod + retries x (interval + timeout), the slowest essential container with a health
    check; NOT_READY_SECONDS when no essential container has one."""
    windows = []
    for container in (task_definition or {}).get("containerDefinitions") or []:
        check = container.get("healthCheck")
        if not check or container.get("essential") is False:
            continue
        retries = _number(check.get("retries"), DEFAULT_RETRIES)
        interval = _number(check.get("interval"), DEFAULT_INTERVAL)
        timeout = _number(check.get("timeout"), DEFAULT_TIMEOUT)
        windows.append(_number(check.get("startPeriod"), 0) + retries * (interval + timeout))
    return max(windows) if windows else NOT_READY_SECONDS


@dataclass(frozen=True)
class BreakerState:
    status: str
    failure_count: int
    threshold: int
    failed_tasks: int = 0  # every failure of the deployment, never reset: Deployment.failedTasks
    counted: Mapping[str, int] = field(default_factory=dict)  # pod name -> failures already counted
    healthy: tuple[str, ...] = ()  # pods Ready at the last look; joining this set = "became healthy"

    def ecs(self) -> dict[str, Any]:
        return {"status": self.status, "failureCount": self.failure_count, "threshold": self.threshold}

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.ecs(),
            "failedTasks": self.failed_tasks,
            "counted": dict(self.counted),
            "healthy": list(self.healthy),
        }

    @classmethod
    def from_dict(cls, stored: Mapping[str, Any] | None) -> BreakerState | None:
        if not stored:
            return None
        return cls(
            status=stored.get("status", MONITORING),
            failure_count=int(stored.get("failureCount", 0)),
            threshold=int(stored.get("threshold", 0)),
            failed_tasks=int(stored.get("failedTasks", 0)),
            counted={str(k): int(v) for k, v in (stored.get("counted") or {}).items()},
            healthy=tuple(stored.get("healthy") or ()),
        )

    def complete(self) -> BreakerState:
        """The deployment reached steady state: ECS stops monitoring it."""
        return self if self.status == DISABLED else replace(self, status=MONITORING_COMPLETE)

    @property
    def triggered(self) -> bool:
        return self.status == TRIGGERED


def _failures(pod: PodState, now: datetime, not_ready_after: timedelta) -> int:
    if pod.essential_failures:
        return pod.essential_failures
    started = pod.started_at
    overdue = started is not None and not pod.ready and not pod.deleting and now - started >= not_ready_after
    return 1 if overdue else 0


def evaluate(
    previous: Mapping[str, Any] | None,
    pods: Sequence[PodState],
    *,
    deployment_id: str,
    config: Mapping[str, Any] | None,
    desired_count: int,
    grace_seconds: int,
    now: datetime,
    not_ready_seconds: int = NOT_READY_SECONDS,
) -> BreakerState:
    """The breaker after one more look at the pods. `pods` may hold the whole service's pods: only
    those labelled with `deployment_id` count. A TRIGGERED or MONITORING_COMPLETE state is final."""
    before = BreakerState.from_dict(previous)
    if before is not None and before.status in (TRIGGERED, MONITORING_COMPLETE):
        return before
    label = deployment_label(deployment_id)
    mine = [p for p in pods if p.deployment_id in (label, deployment_id)]
    counted_before = before.counted if before else {}
    not_ready_after = timedelta(seconds=max(0, grace_seconds) + not_ready_seconds)

    counted: dict[str, int] = {}
    new_failures = 0
    for pod in mine:
        seen = counted_before.get(pod.name, 0)
        observed = max(seen, _failures(pod, now, not_ready_after))
        new_failures += observed - seen
        counted[pod.name] = observed

    healthy = tuple(sorted(p.name for p in mine if p.ready and not p.deleting))
    became_healthy = bool(set(healthy) - set(before.healthy if before else ()))
    reset_on_healthy = (config or {}).get("resetOnHealthyTask", True) is not False
    count = 0 if before is None or (reset_on_healthy and became_healthy) else before.failure_count
    count += new_failures
    limit = threshold(config, desired_count)
    if not (config or {}).get("enable"):
        status = DISABLED
    elif count >= limit:
        status = TRIGGERED
    else:
        status = MONITORING
    return BreakerState(
        status=status,
        failure_count=count,
        threshold=limit,
        failed_tasks=(before.failed_tasks if before else 0) + new_failures,
        counted=counted,
        healthy=healthy,
    )


def next_failure_in(
    pods: Sequence[PodState],
    *,
    deployment_id: str,
    grace_seconds: int,
    now: datetime,
    not_ready_seconds: int = NOT_READY_SECONDS,
) -> float | None:
    """Seconds until the next task of the deployment that is not Ready yet would count as failed
    (so the controller looks again right then, not at its next periodic look); None if none will."""
    label = deployment_label(deployment_id)
    not_ready_after = timedelta(seconds=max(0, grace_seconds) + not_ready_seconds)
    dues = [
        (p.started_at + not_ready_after - now).total_seconds()
        for p in pods
        if p.deployment_id in (label, deployment_id)
        and p.started_at is not None
        and not p.ready
        and not p.deleting
        and not p.essential_failures
    ]
    upcoming = [d for d in dues if d > 0]
    return min(upcoming) if upcoming else None


def look_again_in(
    config: Mapping[str, Any] | None,
    primary: Mapping[str, Any],
    pods: Sequence[PodState],
    *,
    grace_seconds: int,
    now: datetime,
    not_ready_seconds: Callable[[str], int],
) -> float | None:
    """While the breaker watches the PRIMARY's rollout: seconds until its next task would count as
    failed, so the controller looks again right then. `not_ready_seconds`: as for
    `deployments.reconcile_deployments`, per `family:N`."""
    if not (config or {}).get("enable") or primary.get("rolloutState") != "IN_PROGRESS":
        return None
    due = next_failure_in(
        pods,
        deployment_id=primary["id"],
        grace_seconds=grace_seconds,
        now=now,
        not_ready_seconds=not_ready_seconds(primary["taskDefinition"]),
    )
    # Timestamps have whole seconds: one more makes sure the task is overdue by then.
    return None if due is None else due + 1
