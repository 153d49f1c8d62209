"""CapacityProvider status: which nodes form its pool, and ECS's CapacityProviderReservation."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from ecs_operator.core.conditions import condition, merge_conditions
from ecs_operator.core.observed import PodState

_UNITS = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}


def quantity(value: str | int | float | None) -> float:
    """A Kubernetes quantity as a number (cpu in cores, memory in bytes)."""
    if value is None:
        return 0.0
    if isinstance(value, int | float):
        return float(value)
    text = str(value)
    if text.endswith("m"):
        return float(text[:-1]) / 1000
    for suffix, factor in _UNITS.items():
        if text.endswith(suffix):
            return float(text[: -len(suffix)]) * factor
    return float(text)


def _tolerated(taint: Mapping[str, Any], tolerations: Sequence[Mapping[str, Any]]) -> bool:
    if taint.get("effect") == "PreferNoSchedule":
        return True
    for tol in tolerations:
        if tol.get("effect") and tol.get("effect") != taint.get("effect"):
            continue
        if tol.get("operator") == "Exists" and (not tol.get("key") or tol.get("key") == taint.get("key")):
            return True
        if tol.get("key") == taint.get("key") and tol.get("value", "") == taint.get("value", ""):
            return True
    return False


def _term_matches(term: Mapping[str, Any], node_labels: Mapping[str, str]) -> bool:
    for expr in term.get("matchExpressions") or []:
        key, op, values = expr["key"], expr["operator"], expr.get("values") or []
        present = key in node_labels
        ok = {
            "In": present and node_labels.get(key) in values,
            "NotIn": not present or node_labels.get(key) not in values,
            "Exists": present,
            "DoesNotExist": not present,
            "Gt": present and float(node_labels[key]) > float(values[0]) if present else False,
            "Lt": present and float(node_labels[key]) < float(values[0]) if present else False,
        }.get(op, False)
        if not ok:
            return False
    return True


def node_in_pool(provider: Mapping[str, Any], node: Mapping[str, Any]) -> bool:
    """Could the scheduler put this provider's tasks on this node (selector, affinity, taints)?"""
    node_labels = node.get("metadata", {}).get("labels") or {}
    selector = provider.get("nodeSelector") or {}
    if any(node_labels.get(k) != v for k, v in selector.items()):
        return False
    required = (
        ((provider.get("affinity") or {}).get("requiredDuringSchedulingIgnoredDuringExecution")) or {}
    ).get("nodeSelectorTerms")
    if required and not any(_term_matches(t, node_labels) for t in required):
        return False
    taints = (node.get("spec") or {}).get("taints") or []
    return all(
        _tolerated(t, provider.get("tolerations") or [])
        for t in taints
        if t.get("effect") in ("NoSchedule", "NoExecute")
    )


def node_ready(node: Mapping[str, Any]) -> bool:
    if (node.get("spec") or {}).get("unschedulable"):
        return False
    conds = (node.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conds)


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
