"""Cluster status: which capacity providers it associates, and whether its default strategy holds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ecs_operator.api.cluster import ClusterSpec
from ecs_operator.api.validation import InvalidSpec, parse
from ecs_operator.core.k8s.conditions import condition, merge_conditions
from ecs_operator.core.placement.capacity_split import StrategyError
from ecs_operator.core.placement.strategy import effective_strategy, provider_ecs_name


def cluster_status(
    body: Mapping[str, Any],
    providers: Mapping[str, Mapping[str, Any]],
    *,
    running_tasks: int,
    active_services: int,
    now: str,
    in_effect: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """`in_effect`: the namespace's Cluster that services use (see `cluster_of`); another one in the
    same namespace is reported, not obeyed (an ECS cluster is the namespace)."""
    generation = body["metadata"].get("generation")
    spec_data = body.get("spec") or {}
    resolved: list[str] = []
    try:
        spec = parse(ClusterSpec, spec_data).to_ecs()
        by_k8s = {name: provider_ecs_name(name, p) for name, p in providers.items()}
        missing = []
        for ref in spec.get("capacityProviders") or []:
            match = next((ecs for k8s, ecs in by_k8s.items() if k8s == ref.lower().replace("_", "-")), None)
            if match is None:
                missing.append(ref)
            else:
                resolved.append(match)
        if missing:
            raise InvalidSpec(f"spec.capacityProviders: no CapacityProvider named {', '.join(missing)}")
        if spec.get("defaultCapacityProviderStrategy"):
            effective_strategy({}, spec, providers)
        ok, reason, message = True, "Active", f"{len(resolved)} capacity providers associated"
        if in_effect is not None and in_effect["metadata"]["name"] != body["metadata"]["name"]:
            ok, reason, message = (
                False,
                "DuplicateCluster",
                (
                    f"Cluster {in_effect['metadata']['name']} already configures this namespace; "
                    "at most one Cluster per namespace is used"
                ),
            )
    except InvalidSpec as exc:
        ok, reason, message = False, "InvalidSpec", str(exc)
    except StrategyError as exc:
        ok, reason, message = False, "InvalidDefaultStrategy", str(exc)
    return {
        "observedGeneration": generation,
        "capacityProviders": resolved,
        "runningTasksCount": running_tasks,
        "activeServicesCount": active_services,
        "conditions": merge_conditions(
            (body.get("status") or {}).get("conditions"),
            [condition("Ready", ok, reason, message, generation)],
            now,
        ),
    }


def cluster_of(clusters: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """At most one Cluster per namespace (docs/design.md#the-mapping); with several, the oldest wins."""
    if not clusters:
        return None
    return sorted(
        clusters, key=lambda c: (c["metadata"].get("creationTimestamp", ""), c["metadata"]["name"])
    )[0]
