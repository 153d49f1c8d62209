"""CapacityProvider status: the nodes of its pool, and ECS's CapacityProviderReservation metric."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from ecs_operator.core.k8s.conditions import condition, merge_conditions
from ecs_operator.core.k8s.quantity import quantity
from ecs_operator.core.placement.node_pool import node_in_pool, node_ready
from ecs_operator.core.task.state import PodState


def reservation(instances_needed: int, instances_running: int) -> float:
    """ECS CapacityProviderReservation = M / N x 100, with ECS's special cases for N = 0."""
    if instances_running == 0:
        return 100.0 if instances_needed == 0 else 200.0
    return round(instances_needed / instances_running * 100, 1)


def capacity_provider_status(
    body: Mapping[str, Any],
    nodes: Sequence[Mapping[str, Any]],
    pods: Sequence[PodState],
    *,
    now: str,
) -> dict[str, Any]:
    spec = body.get("spec") or {}
    pool = [n for n in nodes if node_in_pool(spec, n)]
    ready = [n for n in pool if node_ready(n)]
    cpu = sum(quantity(((n.get("status") or {}).get("allocatable") or {}).get("cpu")) for n in ready)
    memory = sum(quantity(((n.get("status") or {}).get("allocatable") or {}).get("memory")) for n in ready)
    live = [p for p in pods if not p.deleting]
    running = [p for p in live if p.phase == "Running"]
    used_nodes = {p.node_name for p in live if p.node_name}
    unplaced = sum(1 for p in live if p.unschedulable)
    # Instances needed for running + pending tasks: the nodes in use, plus at least one more node
    # while tasks wait for room (ECS scales out from a pending task, not from a full node).
    needed = len(used_nodes) + (
        max(1, math.ceil(unplaced / max(1, len(live)) * len(used_nodes))) if unplaced else 0
    )
    generation = body["metadata"].get("generation")
    if not pool:
        ok, reason, message = (
            False,
            "NoMatchingNodes",
            "no node matches the nodeSelector, affinity and tolerations",
        )
    elif not ready:
        ok, reason, message = False, "NoReadyNodes", f"{len(pool)} matching nodes, none Ready"
    else:
        ok, reason, message = True, "NodesReady", f"{len(ready)} of {len(pool)} matching nodes are Ready"
    return {
        "observedGeneration": generation,
        "nodes": len(pool),
        "readyNodes": len(ready),
        "allocatable": {"cpu": f"{round(cpu * 1000)}m", "memory": f"{round(memory / 2**20)}Mi"},
        "tasks": len(running),
        "capacityProviderReservation": reservation(needed, len(ready)),
        "conditions": merge_conditions(
            (body.get("status") or {}).get("conditions"),
            [condition("Ready", ok, reason, message, generation)],
            now,
        ),
    }
