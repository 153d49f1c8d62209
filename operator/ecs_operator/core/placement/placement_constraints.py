"""Pod-spec scheduling fragments: where a task may run (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement-constraints.html).

Three sources, each a plain dict in pod-spec shape (`nodeSelector`, `tolerations`, `affinity`,
`topologySpreadConstraints`):

* the capacity provider's node pool (`pool_scheduling`);
* the Service's and task definition's ECS placement constraints and strategy (`task_placement`):
  `distinctInstance` -> pod anti-affinity per node, `memberOf` -> node affinity translated from the
  ECS cluster query language, `spread` -> topology spread; `binpack`/`random` are reported as ignored;
* `merge_scheduling` combines them so a pod satisfies all of them at once.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Any

from ecs_operator.core.placement.cluster_query_language import (
    HOSTNAME,
    PlacementError,
    PlacementExpressionError,
    attribute_label,
    node_selector_terms,
    unique,
)


@dataclass
class PlacementResult:
    """The pod-spec pieces for a task's ECS placement settings, plus what had to be ignored."""

    affinity: dict[str, Any] = field(default_factory=dict)
    topology_spread_constraints: list[dict[str, Any]] = field(default_factory=list)
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)

    def as_fragment(self) -> dict[str, Any]:
        """A pod-spec fragment for merge_scheduling (only keys that are set)."""
        fragment: dict[str, Any] = {}
        if self.affinity:
            fragment["affinity"] = copy.deepcopy(self.affinity)
        if self.topology_spread_constraints:
            fragment["topologySpreadConstraints"] = copy.deepcopy(self.topology_spread_constraints)
        return fragment


def _selector(pod_labels: Mapping[str, str], path: str) -> dict[str, Any]:
    if not pod_labels:
        # An empty selector matches every pod in the namespace, which is never what the task meant.
        raise PlacementError(f"{path}: needs the pod labels of the service to select its own tasks")
    return {"matchLabels": dict(pod_labels)}


def _spread_key(field_name: str, path: str) -> str:
    if field_name in ("instanceId", "host"):
        return HOSTNAME
    if field_name.startswith("attribute:"):
        try:
            return attribute_label(field_name.removeprefix("attribute:"), field_name)
        except PlacementExpressionError as error:
            raise PlacementError(f"{path}: spread field {field_name!r}: {error.reason}") from error
    raise PlacementError(
        f"{path}: spread field {field_name!r} is neither instanceId, host nor attribute:<name>"
    )


def task_placement(
    placement_constraints: Sequence[Mapping[str, Any]],
    placement_strategy: Sequence[Mapping[str, Any]],
    pod_labels: Mapping[str, str],
) -> PlacementResult:
    """Translate ECS placementConstraints and placementStrategy into pod scheduling.

    `pod_labels` select the service's own pods (anti-affinity, spread). Several memberOf constraints
    must all hold, so their terms are ANDed. Raises PlacementError (PlacementExpressionError for an
    untranslatable memberOf expression).
    """
    result = PlacementResult()
    required_terms: list[dict[str, Any]] | None = None
    for index, constraint in enumerate(placement_constraints):
        path = f"placementConstraints[{index}]"
        kind = constraint.get("type")
        if kind == "distinctInstance":
            if constraint.get("expression"):
                raise PlacementError(f"{path}: distinctInstance takes no expression")
            term = {"labelSelector": _selector(pod_labels, path), "topologyKey": HOSTNAME}
            anti = result.affinity.setdefault("podAntiAffinity", {})
            existing = anti.setdefault("requiredDuringSchedulingIgnoredDuringExecution", [])
            if term not in existing:
                existing.append(term)
        elif kind == "memberOf":
            expression = constraint.get("expression")
            if not expression:
                raise PlacementError(f"{path}: memberOf needs an expression")
            terms = node_selector_terms(str(expression))
            required_terms = terms if required_terms is None else _and_terms(required_terms, terms)
        else:
            raise PlacementError(f"{path}: unknown constraint type {kind!r} (distinctInstance or memberOf)")
    if required_terms is not None:
        result.affinity["nodeAffinity"] = {
            "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": required_terms}
        }
    for index, rule in enumerate(placement_strategy):
        path = f"placementStrategy[{index}]"
        kind = rule.get("type")
        if kind == "spread":
            field_name = rule.get("field")
            if not field_name:
                raise PlacementError(f"{path}: spread needs a field")
            constraint = {
                "maxSkew": 1,
                "topologyKey": _spread_key(str(field_name), path),
                # ECS spread is best effort: it never leaves a task unplaced to keep the balance.
                "whenUnsatisfiable": "ScheduleAnyway",
                "labelSelector": _selector(pod_labels, path),
            }
            result.topology_spread_constraints = _unique_spread(
                [*result.topology_spread_constraints, constraint]
            )
        elif kind in ("binpack", "random"):
            detail = f"binpack on {rule.get('field', 'memory')}" if kind == "binpack" else "random"
            result.ignored.append((path, f"{detail} has no per-pod equivalent in Kubernetes; ignored"))
        else:
            raise PlacementError(f"{path}: unknown strategy type {kind!r} (spread, binpack or random)")
    return result


# --- merging fragments ----------------------------------------------------------------------------


def _unique_spread(constraints: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    # Kubernetes rejects two constraints with the same topologyKey and whenUnsatisfiable; first wins.
    by_key: dict[tuple[Any, Any], dict[str, Any]] = {}
    for constraint in constraints:
        by_key.setdefault(
            (constraint.get("topologyKey"), constraint.get("whenUnsatisfiable")), dict(constraint)
        )
    return list(by_key.values())


def _and_terms(left: Sequence[Mapping[str, Any]], right: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Both term lists must hold. Terms are ORed, requirements inside a term ANDed: a cross product."""
    combined = []
    for a, b in product(left, right):
        term: dict[str, Any] = {}
        for key in ("matchExpressions", "matchFields"):
            requirements = list(unique([*a.get(key, []), *b.get(key, [])]))
            if requirements:
                term[key] = requirements
        if term not in combined:
            combined.append(term)
    return combined


def merge_scheduling(*fragments: Mapping[str, Any]) -> dict[str, Any]:
    """One pod-spec fragment satisfying every given fragment (pool and task placement).

    nodeSelector is the union (a conflicting value raises PlacementError: no node could match);
    tolerations, pod (anti-)affinity terms, preferred node affinity and topology spread are
    concatenated without duplicates; required node affinity is ANDed (cross product of terms).
    Only those four keys are read, so a whole pod spec may be passed; the result holds only them.
    """
    node_selector: dict[str, str] = {}
    tolerations: list[Any] = []
    required_terms: list[dict[str, Any]] | None = None
    preferred_node: list[Any] = []
    pod_terms: dict[str, dict[str, list[Any]]] = {}
    spread: list[dict[str, Any]] = []
    for fragment in fragments:
        for key, value in (fragment.get("nodeSelector") or {}).items():
            if node_selector.get(key, value) != value:
                raise PlacementError(f"nodeSelector {key} is both {node_selector[key]!r} and {value!r}")
            node_selector[key] = value
        tolerations.extend(fragment.get("tolerations") or [])
        affinity = fragment.get("affinity") or {}
        node_affinity = affinity.get("nodeAffinity") or {}
        required = (node_affinity.get("requiredDuringSchedulingIgnoredDuringExecution") or {}).get(
            "nodeSelectorTerms"
        )
        if required:
            required_terms = (
                list(required) if required_terms is None else _and_terms(required_terms, required)
            )
        preferred_node.extend(node_affinity.get("preferredDuringSchedulingIgnoredDuringExecution") or [])
        for kind in ("podAffinity", "podAntiAffinity"):
            for when, terms in (affinity.get(kind) or {}).items():
                pod_terms.setdefault(kind, {}).setdefault(when, []).extend(terms)
        spread.extend(fragment.get("topologySpreadConstraints") or [])

    merged: dict[str, Any] = {}
    if node_selector:
        merged["nodeSelector"] = node_selector
    if tolerations:
        merged["tolerations"] = list(unique(tolerations))
    merged_affinity: dict[str, Any] = {}
    node_part: dict[str, Any] = {}
    if required_terms:
        node_part["requiredDuringSchedulingIgnoredDuringExecution"] = {"nodeSelectorTerms": required_terms}
    if preferred_node:
        node_part["preferredDuringSchedulingIgnoredDuringExecution"] = list(unique(preferred_node))
    if node_part:
        merged_affinity["nodeAffinity"] = node_part
    for kind, by_when in pod_terms.items():
        kept = {when: list(unique(terms)) for when, terms in by_when.items() if terms}
        if kept:
            merged_affinity[kind] = kept
    if merged_affinity:
        merged["affinity"] = merged_affinity
    if spread:
        merged["topologySpreadConstraints"] = _unique_spread(spread)
    return copy.deepcopy(merged)
