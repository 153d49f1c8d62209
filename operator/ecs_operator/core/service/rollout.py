"""Deployment limits
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html
): ECS's minimumHealthyPercent/maximumPercent as Kubernetes numbers.

A service is one Deployment per capacity provider ("child"), and Kubernetes rolls each child on its
own. ECS's limits are service-wide, so the service-wide budgets are split between the children:
- may stop:  desired - ceil(desired * min% / 100)   -> the children's maxUnavailable add up to it;
- may start: floor(desired * max% / 100) - desired  -> the children's maxSurge add up to it.
Every child that rolls needs maxSurge or maxUnavailable above 0 (Kubernetes refuses 0/0). When the
budget has fewer units than children, each rolling child gets one unit in the order given (children
already rolling first) and the rest wait (`hold`): the controller keeps their current pod template
until an earlier child is done. When the budget is empty the deployment is stuck, as in ECS.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import ceil, floor
from typing import Any

from ecs_operator.core.placement.capacity_split import largest_remainder
from ecs_operator.core.service import events
from ecs_operator.core.service.events import ServiceEvent

REPLICA_DEFAULTS = (100, 200)  # (minimumHealthyPercent, maximumPercent), ECS's defaults
DAEMON_DEFAULTS = (0, 100)  # DAEMON: max "must be 100"; min 0 via the API


def minimum_healthy(desired: int, minimum_healthy_percent: int) -> int:
    """Tasks that must stay healthy: rounded up."""
    return ceil(Fraction(desired * minimum_healthy_percent, 100))


def maximum_tasks(desired: int, maximum_percent: int) -> int:
    """Tasks that may run at once: rounded down."""
    return floor(Fraction(desired * maximum_percent, 100))


@dataclass(frozen=True)
class ChildRollout:
    replicas: int
    max_surge: int
    max_unavailable: int
    hold: bool  # keep this child's current pod template: no budget is left for it yet


@dataclass(frozen=True)
class RolloutPlan:
    minimum_healthy: int
    maximum_tasks: int
    children: dict[str, ChildRollout]
    blocked: bool  # neither a start nor a stop is allowed: submit no new template anywhere
    event: ServiceEvent | None  # ECS's service event when blocked


def _share(budget: int, weights: Mapping[str, int], room: Mapping[str, int]) -> dict[str, int]:
    """Split `budget` in proportion to `weights` (largest remainder, ties to the first listed),
    never giving a child more than its `room`; what a full child cannot take goes to the others."""
    given = dict.fromkeys(weights, 0)
    while budget > 0:
        open_ = [k for k in weights if weights[k] > 0 and room[k] > given[k]]
        if not open_:
            break
        take = largest_remainder(budget, [weights[k] for k in open_], [room[k] - given[k] for k in open_])
        for k, extra in zip(open_, take, strict=True):
            given[k] += extra
        budget -= sum(take)
    return given


def rolling_update(
    desired_total: int,
    child_replicas: Mapping[str, int],
    minimum_healthy_percent: int | None = None,
    maximum_percent: int | None = None,
    daemon: bool = False,
    *,
    rolling: Sequence[str] | None = None,
    service_name: str = "",
) -> RolloutPlan:
    """Per-child maxSurge/maxUnavailable keeping the whole service within ECS's limits.

    `child_replicas`: provider -> replicas (the split; for DAEMON, pods per provider's nodes).
    `rolling`: children whose pods still need the new template, those already rolling first;
    None = every child with replicas.
    """
    default_min, default_max = DAEMON_DEFAULTS if daemon else REPLICA_DEFAULTS
    min_percent = default_min if minimum_healthy_percent is None else minimum_healthy_percent
    max_percent = 100 if daemon else (default_max if maximum_percent is None else maximum_percent)
    floor_tasks = minimum_healthy(desired_total, min_percent)
    ceiling_tasks = maximum_tasks(desired_total, max_percent)
    stop_budget = max(0, desired_total - floor_tasks)
    start_budget = max(0, ceiling_tasks - desired_total)

    order = [c for c in (child_replicas if rolling is None else rolling) if child_replicas.get(c, 0) > 0]
    surge = dict.fromkeys(child_replicas, 0)
    unavailable = dict.fromkeys(child_replicas, 0)
    moving: list[str] = []
    for child in order:
        if start_budget > 0:
            surge[child], start_budget = 1, start_budget - 1
        elif stop_budget > 0:
            unavailable[child], stop_budget = 1, stop_budget - 1
        else:
            continue
        moving.append(child)
    weights = {c: child_replicas[c] for c in moving}
    # Beyond its replicas a child can use neither more surge nor more unavailability.
    extra_surge = _share(start_budget, weights, {c: weights[c] - surge[c] for c in moving})
    extra_unavailable = _share(stop_budget, weights, {c: weights[c] - unavailable[c] for c in moving})
    for child in moving:
        surge[child] += extra_surge[child]
        unavailable[child] += extra_unavailable[child]

    blocked = bool(order) and not moving
    children = {
        child: ChildRollout(
            replicas=replicas,
            max_surge=surge[child],
            max_unavailable=unavailable[child],
            hold=child in order and child not in moving,
        )
        for child, replicas in child_replicas.items()
    }
    event = events.unable_to_stop_or_start(service_name) if blocked else None
    return RolloutPlan(floor_tasks, ceiling_tasks, children, blocked, event)


def pdb_spec(
    selector: Mapping[str, str], desired_count: int, minimum_healthy_percent: int
) -> dict[str, Any] | None:
    """One PodDisruptionBudget over the whole service (all children), so node drains keep
    ceil(desired * min% / 100) tasks, the number ECS keeps during deployments and drains.

    One budget over the service label is exact where per-child budgets would have to round each
    child's share (and could block a drain the service-wide number allows). An integer minAvailable
    works over pods of several Deployments. Unhealthy pods may always be evicted: keeping a broken
    pod protects nothing. None when nothing needs protecting (the controller deletes the PDB).
    """
    keep = minimum_healthy(desired_count, minimum_healthy_percent)
    if keep <= 0:
        return None
    return {
        "minAvailable": keep,
        "selector": {"matchLabels": dict(selector)},
        "unhealthyPodEvictionPolicy": "AlwaysAllow",
    }
