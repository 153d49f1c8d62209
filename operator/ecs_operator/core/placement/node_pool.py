"""A capacity provider's node pool: which nodes its tasks may use, and the pod-spec fragment that puts
them there (nodeSelector, tolerations, node affinity)."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any


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


def _as_affinity(affinity: Mapping[str, Any]) -> dict[str, Any]:
    # A provider may give a full Affinity ({"nodeAffinity": ...}) or just the NodeAffinity inside it.
    if any(key in affinity for key in ("nodeAffinity", "podAffinity", "podAntiAffinity")):
        return copy.deepcopy(dict(affinity))
    return {"nodeAffinity": copy.deepcopy(dict(affinity))}


def pool_scheduling(provider_spec: Mapping[str, Any]) -> dict[str, Any]:
    """The pod-spec fragment that puts a pod on a CapacityProvider's node pool (only keys that are set)."""
    fragment: dict[str, Any] = {}
    if provider_spec.get("nodeSelector"):
        fragment["nodeSelector"] = dict(provider_spec["nodeSelector"])
    if provider_spec.get("tolerations"):
        fragment["tolerations"] = copy.deepcopy(list(provider_spec["tolerations"]))
    if provider_spec.get("affinity"):
        fragment["affinity"] = _as_affinity(provider_spec["affinity"])
    return fragment
