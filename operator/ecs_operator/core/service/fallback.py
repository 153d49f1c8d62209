"""Spot fallback and return (docs/design.md#beyond-ecs; ECS never falls back:
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html). Opt-in.

Policy items `{capacityProvider, fallbackCapacityProvider, unschedulableSeconds}`. Per item:
- out: once the provider has had unschedulable pods for `unschedulableSeconds`, its unplaced
  replicas move to the fallback provider (its Deployment shrinks, and Kubernetes removes unscheduled
  pods first; the fallback's grows). If more of its pods become unplaced later, they move too.
- back, surge-first: when the controller says the provider has room again (and the fallback has
  held at least `unschedulableSeconds`, so a wrong "room" signal cannot make it flap faster), the
  provider goes back to its full share while the fallback keeps the moved replicas; only when the
  provider runs its full share does the fallback give them up. Running tasks never drop on the way
  back. If the returning pods stay unschedulable for `unschedulableSeconds`, the return is given up.
- the moved count never exceeds the provider's current share (scale-in shrinks it; at 0 it ends).
Without a policy the split is returned unchanged, as in ECS.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ecs_operator.api.names import k8s_name, same_object
from ecs_operator.core.k8s.timestamps import format_time, parse_time
from ecs_operator.core.service import events


@dataclass(frozen=True)
class FallbackPlan:
    targets: dict[str, int]  # replicas per provider after fallbacks; may add a fallback provider
    state: dict[str, Any]  # store as status.fallback and pass back: {"fallbacks": [entry, ...]}
    events: list[str]

    def fallback_from(self) -> dict[str, str]:
        """Fallback provider -> the provider whose replicas it runs (for ProviderStatus.fallbackFrom)."""
        return {e["fallbackCapacityProvider"]: e["capacityProvider"] for e in self.state["fallbacks"]}


def _key(name: str, known: Iterable[str]) -> str:
    """The key under which the caller knows this provider (ECS or Kubernetes form, docs/design.md#names)."""
    return next((k for k in known if same_object(name, k)), k8s_name(name))


def plan_fallback(
    targets: Mapping[str, int],
    policy: Sequence[Mapping[str, Any]] | None,
    previous_state: Mapping[str, Any] | None,
    *,
    unplaced: Mapping[str, int],
    unplaced_since: Mapping[str, datetime | None],
    running: Mapping[str, int],
    room_available: Mapping[str, bool],
    now: datetime,
    service_name: str,
) -> FallbackPlan:
    """`targets`: the split (provider -> replicas). `unplaced`/`unplaced_since`: per provider, its
    unschedulable pods and since when it has had them. `running`: running tasks per provider.
    `room_available`: per provider, whether its pool could take more pods now (the controller's view
    of ready nodes and free capacity)."""
    adjusted = dict(targets)
    known = [*targets, *unplaced, *running]
    previous = {e["capacityProvider"]: e for e in (previous_state or {}).get("fallbacks") or []}
    kept: list[dict[str, Any]] = []
    messages: list[str] = []

    for item in policy or []:
        source = _key(item["capacityProvider"], known)
        fallback = _key(item["fallbackCapacityProvider"], known)
        hold_for = timedelta(seconds=int(item.get("unschedulableSeconds", 60)))
        share = targets.get(source, 0)
        before = previous.get(source)
        if before is not None and before.get("fallbackCapacityProvider") != fallback:
            before = None  # the policy now names another fallback: start over from the split
        moved = min(int(before["replicas"]), share) if before else 0
        returning = bool(before and before.get("returning"))
        since = parse_time(before.get("since")) if before else None
        stuck_since = unplaced_since.get(source)
        stuck = unplaced.get(source, 0) > 0 and stuck_since is not None and now - stuck_since >= hold_for
        waited = int((now - stuck_since).total_seconds()) if stuck_since is not None else 0

        if returning and running.get(source, 0) >= share:
            messages.append(events.fallback_returned(service_name, source, moved, fallback))
            moved = 0
        elif returning and stuck:
            messages.append(events.fallback_return_failed(service_name, source, fallback))
            returning, since = False, now
        elif stuck and moved < share:
            more = min(unplaced.get(source, 0), share - moved)
            messages.append(events.fallback_started(service_name, source, more, waited, fallback))
            moved += more
            since = since or now
        elif moved and not returning and room_available.get(source) and since and now - since >= hold_for:
            messages.append(events.fallback_returning(service_name, source, moved, fallback))
            returning = True

        if moved == 0:
            continue
        # Returning: the provider gets its full share back first; the fallback lets go afterwards.
        adjusted[source] = share if returning else share - moved
        adjusted[fallback] = targets.get(fallback, 0) + moved
        kept.append(
            {
                "capacityProvider": source,
                "fallbackCapacityProvider": fallback,
                "replicas": moved,
                "since": format_time(since or now),
                "returning": returning,
            }
        )
    return FallbackPlan(targets=adjusted, state={"fallbacks": kept}, events=messages)
