"""ECS service events
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages-list.html
) and the `status.events` list: newest first.

Each helper returns a `ServiceEvent` that knows its own Kubernetes type and reason, so nothing has
to read them back out of the text.

ECS writes "service (name) ..." with the name in place of "(name)"; docs/design.md shows them as
"service web has reached a steady state.". The texts ECS documents are kept word for word; the
deployment and fallback texts are ours, in the same voice.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ecs_operator.core.k8s.timestamps import format_time, parse_time

EVENT_LIMIT = 100  # ECS keeps the newest 100 (BOTO:Service.events)
STATUS_LIMIT = 20  # the newest ECS events kept in status (all of them go out as Kubernetes Events)
REPEAT_AFTER = timedelta(hours=6)  # ECS repeats "steady state" about every six hours
CAPACITY_UNAVAILABLE = (
    "Capacity is unavailable at this time. Please try again later or in a different availability zone"
)
NORMAL, WARNING = "Normal", "Warning"


@dataclass(frozen=True)
class ServiceEvent:
    """One event: `message` is ECS's text (what `status.events` stores); `type` and `reason` are
    what the Kubernetes Event carries."""

    type: str
    reason: str
    message: str


def steady_state(service: str) -> ServiceEvent:
    return ServiceEvent(NORMAL, "SteadyState", f"service {service} has reached a steady state.")


def unable_to_place(service: str, reason: str) -> ServiceEvent:
    return ServiceEvent(
        WARNING,
        "UnableToPlace",
        f"service {service} was unable to place a task. Reason: {reason.rstrip('.')}.",
    )


def capacity_unavailable(service: str) -> ServiceEvent:
    """What ECS says when spot capacity is not there (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html)."""
    return unable_to_place(service, CAPACITY_UNAVAILABLE)


def unable_to_stop_or_start(service: str) -> ServiceEvent:
    return ServiceEvent(
        WARNING,
        "DeploymentConfigurationBlocked",
        f"service {service} was unable to stop or start tasks during a deployment because of the service "
        "deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again.",
    )


def deployment_completed(service: str, deployment_id: str) -> ServiceEvent:
    return ServiceEvent(
        NORMAL, "DeploymentCompleted", f"service {service} (deployment {deployment_id}) deployment completed."
    )


def deployment_failed(service: str, deployment_id: str) -> ServiceEvent:
    return ServiceEvent(
        WARNING,
        "DeploymentFailed",
        f"service {service} (deployment {deployment_id}) deployment failed: tasks failed to start.",
    )


def rolling_back(service: str, failed_id: str, target_id: str) -> ServiceEvent:
    return ServiceEvent(
        WARNING,
        "RollingBack",
        f"service {service} (deployment {failed_id}) deployment failed: tasks failed to start; "
        f"rolling back to deployment {target_id}.",
    )


def deployment_stalled(service: str, deployment_id: str) -> ServiceEvent:
    return ServiceEvent(
        WARNING,
        "DeploymentFailed",
        f"service {service} (deployment {deployment_id}) deployment failed: tasks failed to start; "
        "there is no COMPLETED deployment to roll back to, so no new tasks are started until the next "
        "deployment.",
    )


def fallback_started(service: str, provider: str, count: int, seconds: int, fallback: str) -> ServiceEvent:
    return ServiceEvent(
        WARNING,
        "CapacityProviderFallback",
        f"service {service} capacity provider {provider} could not place {count} tasks for {seconds}s; "
        f"running them on {fallback}.",
    )


def fallback_returning(service: str, provider: str, count: int, fallback: str) -> ServiceEvent:
    return ServiceEvent(
        NORMAL,
        "CapacityProviderReturning",
        f"service {service} capacity provider {provider} has room again; starting {count} tasks there "
        f"before stopping them on {fallback}.",
    )


def fallback_returned(service: str, provider: str, count: int, fallback: str) -> ServiceEvent:
    return ServiceEvent(
        NORMAL,
        "CapacityProviderReturned",
        f"service {service} moved {count} tasks back from {fallback} to capacity provider {provider}.",
    )


def fallback_return_failed(service: str, provider: str, fallback: str) -> ServiceEvent:
    return ServiceEvent(
        WARNING,
        "CapacityProviderReturnFailed",
        f"service {service} capacity provider {provider} still cannot place tasks; "
        f"they keep running on {fallback}.",
    )


# Kubernetes Events only: not ECS service events, so never in `status.events`.


def ignored_fields(ignored: Sequence[Mapping[str, str]]) -> ServiceEvent:
    paths = ", ".join(i["path"] for i in ignored[:8]) + (
        f" (and {len(ignored) - 8} more)" if len(ignored) > 8 else ""
    )
    return ServiceEvent(WARNING, "IgnoredFields", f"accepted with no effect on Kubernetes: {paths}")


def not_owned(conflicts: Sequence[str]) -> ServiceEvent:
    return ServiceEvent(
        WARNING,
        "ErrResourceExists",
        f"not managed by this Service, left untouched: {', '.join(conflicts)}",
    )


def event_id(message: str, created_at: str) -> str:
    """Deterministic and UUID-shaped like ECS's: the same event written twice is the same event."""
    digest = hashlib.sha256(f"{created_at}\n{message}".encode()).digest()
    return str(uuid.UUID(bytes=digest[:16]))


def append_event(
    events: Sequence[Mapping[str, Any]] | None, message: str, now: datetime, limit: int = EVENT_LIMIT
) -> list[dict[str, Any]]:
    created_at = format_time(now)
    newest = {"id": event_id(message, created_at), "createdAt": created_at, "message": message}
    return [newest, *(dict(e) for e in events or [])][:limit]


def should_emit(
    previous_events: Sequence[Mapping[str, Any]] | None,
    message: str,
    now: datetime,
    repeat_after: timedelta = REPEAT_AFTER,
) -> bool:
    """False while the same message was already written within `repeat_after`, so a condition that
    holds across reconciles (steady state, unable to place) is reported once, then periodically."""
    for event in previous_events or []:
        if event.get("message") != message:
            continue
        written = parse_time(event.get("createdAt"))
        if written is not None and now - written < repeat_after:
            return False
    return True


def record(
    history: Sequence[Mapping[str, Any]] | None, new: Sequence[ServiceEvent], now: datetime
) -> tuple[list[dict[str, Any]], list[ServiceEvent]]:
    """`status.events` with this reconcile's ECS events added, and the ones to post as Kubernetes
    Events: each event not already written within `REPEAT_AFTER`, once."""
    kept = [dict(e) for e in history or []]
    posted: list[ServiceEvent] = []
    for event in new:
        if should_emit(kept, event.message, now):
            kept = append_event(kept, event.message, now, STATUS_LIMIT)
            posted.append(event)
    return kept, posted
