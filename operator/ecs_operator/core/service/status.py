"""A Service's status: ECS's counts, deployments and events
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html), one entry per capacity
provider, the fields accepted with no effect, and the Kubernetes conditions Ready and Progressing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from ecs_operator.core.k8s.conditions import condition, merge_conditions
from ecs_operator.core.k8s.timestamps import format_time
from ecs_operator.core.placement.node_pool import node_in_pool, node_ready
from ecs_operator.core.service import children as build
from ecs_operator.core.service import events
from ecs_operator.core.service.deployments import DeploymentsDecision
from ecs_operator.core.service.events import ServiceEvent
from ecs_operator.core.service.fallback import FallbackPlan
from ecs_operator.core.service.ignored_fields import ignored_service_fields
from ecs_operator.core.service.rollout import RolloutPlan
from ecs_operator.core.task.state import Counts, PodState

LOOK_AGAIN_SECONDS = 5.0  # while a deployment or a fallback waits on time


def ignored_fields(
    spec: Mapping[str, Any], parts: build.PodTemplateParts, capped_grace: bool
) -> list[dict[str, str]]:
    """Everything accepted with no (or a changed) effect: the Service's own fields under `spec.`,
    its task definition's under `taskDefinition.`, so a reader can tell them apart."""
    out = [*ignored_service_fields(spec), *parts.ignored]
    out += [{"path": f"taskDefinition.{u['path']}", "reason": u["reason"]} for u in parts.unsupported]
    if capped_grace:
        out.append(
            {
                "path": "taskDefinition.containerDefinitions[].stopTimeout",
                "reason": f"capped at {build.SPOT_MAX_GRACE_SECONDS} s on spot capacity "
                "(Fargate Spot's two-minute interruption notice)",
            }
        )
    return out


def _provider_entries(
    targets: Mapping[str, int],
    k8s_of: Mapping[str, str],
    by_provider: Mapping[str, Sequence[PodState]],
    fallback_plan: FallbackPlan | None,
) -> list[dict[str, Any]]:
    origins = fallback_plan.fallback_from() if fallback_plan is not None else {}
    out = []
    for ecs, replicas in targets.items():
        counts = Counts.of(by_provider.get(k8s_of[ecs], []))
        entry: dict[str, Any] = {
            "capacityProvider": ecs,
            "desiredCount": replicas,
            "runningCount": counts.running,
            "pendingCount": counts.pending,
            "unplacedCount": counts.unplaced,
        }
        if origins.get(ecs):
            entry["fallbackFrom"] = origins[ecs]
        out.append(entry)
    return out


def _unplaced_events(
    ecs_name: str,
    k8s_of: Mapping[str, str],
    by_provider: Mapping[str, Sequence[PodState]],
    providers: Mapping[str, Mapping[str, Any]],
    nodes: Sequence[Mapping[str, Any]],
) -> list[ServiceEvent]:
    """One "unable to place a task" per provider with unplaced tasks."""
    out = []
    for k8s in dict.fromkeys(k8s_of.values()):
        stuck = [p for p in by_provider.get(k8s, []) if p.unplaced]
        if not stuck:
            continue
        provider_spec = providers.get(k8s) or {}
        if provider_spec.get("capacityType") == "spot" and not any(
            node_in_pool(provider_spec, n) and node_ready(n) for n in nodes
        ):
            # No spot capacity at all: what Fargate Spot says then (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html).
            out.append(events.capacity_unavailable(ecs_name))
        else:
            reasons = sorted({p.unschedulable_message for p in stuck if p.unschedulable_message})
            out.append(events.unable_to_place(ecs_name, reasons[0] if reasons else "no capacity"))
    return out


def _ready(
    ecs_name: str,
    plan_rollout: RolloutPlan,
    primary: Mapping[str, Any],
    unplaced: int,
    steady: bool,
    total: Counts,
    desired: int,
    generation: int | None,
) -> dict[str, Any]:
    if plan_rollout.blocked:
        message = plan_rollout.event.message if plan_rollout.event else ""
        return condition("Ready", False, "DeploymentConfigurationBlocked", message, generation)
    if primary.get("rolloutState") == "FAILED":
        return condition(
            "Ready", False, "DeploymentFailed", primary.get("rolloutStateReason", ""), generation
        )
    if unplaced:
        message = f"{unplaced} tasks could not be placed on their capacity providers"
        return condition("Ready", False, "TasksUnplaced", message, generation)
    if steady:
        message = f"service {ecs_name} has reached a steady state."
        return condition("Ready", True, "SteadyState", message, generation)
    message = f"{total.running} of {desired} tasks running, {total.ready} ready"
    return condition("Ready", False, "TasksStarting", message, generation)


def _progressing(
    decision: DeploymentsDecision, primary: Mapping[str, Any], generation: int | None
) -> dict[str, Any]:
    in_progress = primary.get("rolloutState") == "IN_PROGRESS" or len(decision.deployments) > 1
    if in_progress:
        reason = "DeploymentInProgress"
    else:
        reason = "DeploymentFailed" if primary.get("rolloutState") == "FAILED" else "DeploymentComplete"
    return condition("Progressing", in_progress, reason, primary.get("rolloutStateReason", ""), generation)


def service_status(
    body: Mapping[str, Any],
    *,
    now: datetime,
    ecs_name: str,
    spec: Mapping[str, Any],
    providers: Mapping[str, Mapping[str, Any]],
    nodes: Sequence[Mapping[str, Any]],
    pods: Sequence[PodState],
    by_provider: Mapping[str, Sequence[PodState]],
    targets: Mapping[str, int],
    k8s_of: Mapping[str, str],
    desired: int,
    decision: DeploymentsDecision,
    plan_rollout: RolloutPlan,
    parts: build.PodTemplateParts,
    fallback_plan: FallbackPlan | None,
) -> tuple[dict[str, Any], list[ServiceEvent], float | None]:
    """(status, Kubernetes Events to post, seconds until the next look or None)."""
    meta = body["metadata"]
    previous = body.get("status") or {}
    generation = meta.get("generation")
    capped_grace = parts.pod_spec.get(
        "terminationGracePeriodSeconds", 30
    ) > build.SPOT_MAX_GRACE_SECONDS and any(
        providers.get(k8s_of[e], {}).get("capacityType") == "spot" for e in targets
    )
    ignored = ignored_fields(spec, parts, capped_grace)
    entries = _provider_entries(targets, k8s_of, by_provider, fallback_plan)
    unplaced = sum(e["unplacedCount"] for e in entries)
    total = Counts.of(pods)
    primary: Mapping[str, Any] = next((d for d in decision.deployments if d.get("status") == "PRIMARY"), {})

    ecs_events: list[ServiceEvent] = list(decision.events)
    if fallback_plan is not None:
        ecs_events += fallback_plan.events
    if plan_rollout.blocked and plan_rollout.event:
        ecs_events.append(plan_rollout.event)
    for event in _unplaced_events(ecs_name, k8s_of, by_provider, providers, nodes):
        if event not in ecs_events:
            ecs_events.append(event)
    steady = decision.steady and total.unplaced == 0 and not plan_rollout.blocked
    if steady:
        ecs_events.append(events.steady_state(ecs_name))
    history, posted = events.record(previous.get("events"), ecs_events, now)
    if ignored and ignored != previous.get("ignoredFields"):
        posted.append(events.ignored_fields(ignored))

    ready = _ready(ecs_name, plan_rollout, primary, unplaced, steady, total, desired, generation)
    status: dict[str, Any] = {
        "observedGeneration": generation,
        "desiredCount": desired,
        "runningCount": total.running,
        "pendingCount": total.pending,
        "selector": build.selector_string(meta["name"]),
        "taskDefinition": primary.get("taskDefinition"),
        "rolloutState": primary.get("rolloutState"),
        "providers": entries,
        "deployments": list(decision.deployments),
        "events": history,
        "conditions": merge_conditions(
            previous.get("conditions"), [ready, _progressing(decision, primary, generation)], format_time(now)
        ),
        "ignoredFields": ignored,
    }
    if decision.tracking:
        status["deploymentTracking"] = decision.tracking
    if fallback_plan is not None and fallback_plan.state:
        status["fallback"] = fallback_plan.state
    # While a deployment is in progress, time matters (grace periods, breaker): look again soon.
    waiting = any(d.get("rolloutState") == "IN_PROGRESS" for d in decision.deployments) or (
        fallback_plan is not None and (unplaced or fallback_plan.state.get("fallbacks"))
    )
    return status, posted, LOOK_AGAIN_SECONDS if waiting else None


def with_ownership_conflict(
    status: Mapping[str, Any], conflicts: Sequence[str], body: Mapping[str, Any]
) -> dict[str, Any]:
    """Ready False while objects the Service would own belong to someone else."""
    generation = body["metadata"].get("generation")
    out = dict(status)
    message = f"objects exist that this Service does not own, left untouched: {', '.join(conflicts)}"
    conds = [c for c in out.get("conditions") or [] if c.get("type") != "Ready"]
    ready = condition("Ready", False, "ErrResourceExists", message, generation)
    previous = next(
        (c for c in (body.get("status") or {}).get("conditions") or [] if c.get("type") == "Ready"), None
    )
    ready["lastTransitionTime"] = (
        previous.get("lastTransitionTime")
        if previous and previous.get("status") == "False"
        else next((c.get("lastTransitionTime") for c in conds), None)
    )
    out["conditions"] = [ready, *conds]
    return out
