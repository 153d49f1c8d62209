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
from ecs_operator.core.k8s.quantity import quantity
from ecs_operator.core.k8s.timestamps import format_time, parse_time
from ecs_operator.core.placement.node_pool import node_in_pool, node_ready
from ecs_operator.core.service import events
from ecs_operator.core.service.events import ServiceEvent
from ecs_operator.core.service.problems import ServiceProblem
from ecs_operator.core.task import state
from ecs_operator.core.task.state import PodState, summarize


@dataclass(frozen=True)
class FallbackPlan:
    targets: dict[str, int]  # replicas per provider after fallbacks; may add a fallback provider
    state: dict[str, Any]  # store as status.fallback and pass back: {"fallbacks": [entry, ...]}
    events: list[ServiceEvent]

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
    messages: list[ServiceEvent] = []

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


def pod_requests(pod_spec: Mapping[str, Any]) -> tuple[float, float]:
    """(cpu, memory) one task asks for: its containers' requests added up."""
    cpu = memory = 0.0
    for container in pod_spec.get("containers") or []:
        requests = (container.get("resources") or {}).get("requests") or {}
        cpu += quantity(requests.get("cpu"))
        memory += quantity(requests.get("memory"))
    return cpu, memory


def pool_has_room(
    provider: Mapping[str, Any],
    nodes: Sequence[Mapping[str, Any]],
    pods: Sequence[PodState],
    request: tuple[float, float],
) -> bool:
    """Could one more task start in this pool now? Free = allocatable minus the requests of the
    tasks we know on each node (the operator's own pods; other workloads are not watched)."""
    cpu_need, memory_need = request
    for node in nodes:
        if not (node_in_pool(provider, node) and node_ready(node)):
            continue
        allocatable = (node.get("status") or {}).get("allocatable") or {}
        on_node = [p for p in pods if p.node_name == node["metadata"]["name"] and not p.deleting]
        free_cpu = quantity(allocatable.get("cpu")) - cpu_need * len(on_node)
        free_memory = quantity(allocatable.get("memory")) - memory_need * len(on_node)
        if free_cpu >= cpu_need and free_memory >= memory_need:
            return True
    return False


def fallback_for_service(
    targets: Mapping[str, int],
    policy: Sequence[Mapping[str, Any]],
    previous_state: Mapping[str, Any] | None,
    *,
    k8s_of: Mapping[str, str],
    providers: Mapping[str, Mapping[str, Any]],
    pods: Sequence[PodState],
    nodes: Sequence[Mapping[str, Any]],
    pod_spec: Mapping[str, Any],
    now: datetime,
    service_name: str,
) -> tuple[FallbackPlan, dict[str, str]]:
    """`plan_fallback` over what the controller observed, and `k8s_of` (ECS provider name ->
    CapacityProvider object) with the fallback providers added."""
    names = dict(k8s_of)
    for item in policy:
        ecs = item["fallbackCapacityProvider"]
        names.setdefault(ecs, k8s_name(ecs))
        if names[ecs] not in providers:
            raise ServiceProblem(
                "UnknownFallbackProvider", f"capacityProviderFallback names {ecs}, which does not exist"
            )
    counts = summarize(pods, key=lambda p: p.provider)
    since = state.unplaced_since(pods)
    request = pod_requests(pod_spec)
    plan = plan_fallback(
        targets,
        policy,
        previous_state,
        unplaced={ecs: counts[k8s].unplaced if k8s in counts else 0 for ecs, k8s in names.items()},
        unplaced_since={ecs: since.get(k8s) for ecs, k8s in names.items()},
        running={ecs: counts[k8s].running if k8s in counts else 0 for ecs, k8s in names.items()},
        room_available={
            ecs: pool_has_room(providers[k8s], nodes, pods, request) for ecs, k8s in names.items()
        },
        now=now,
        service_name=service_name,
    )
    return plan, names
