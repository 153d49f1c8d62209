"""Which capacity provider strategy a Service runs with (docs/design.md#the-mapping, `launchType`;
https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html).

In order: the Service's `capacityProviderStrategy`; else its `launchType` as a one-provider strategy;
else the Cluster's `defaultCapacityProviderStrategy`. Every reference is resolved to a CapacityProvider
object, so the result names each provider by its canonical ECS name and its Kubernetes object name.
DAEMON services resolve the same way (one DaemonSet per provider; weights do not matter there).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ecs_operator.api.names import same_object
from ecs_operator.core.placement.capacity_split import StrategyError, StrategyItem, validate_strategy

ON_DEMAND = "on-demand"


@dataclass(frozen=True, eq=False)
class ResolvedItem(StrategyItem, Mapping[str, Any]):
    """A validated strategy item resolved to its CapacityProvider object: `capacity_provider` is the
    provider's ECS name, `k8s_name` its object name. `split` takes these as they are.

    It also reads as its ECS JSON item, `{"capacityProvider", "base", "weight", "k8sName"}`, the
    shape the Service plan indexes.
    """

    k8s_name: str = field(kw_only=True)

    def _json(self) -> dict[str, Any]:
        return {
            "capacityProvider": self.capacity_provider,
            "base": self.base,
            "weight": self.weight,
            "k8sName": self.k8s_name,
        }

    def __getitem__(self, key: str) -> Any:
        return self._json()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._json())

    def __len__(self) -> int:
        return len(self._json())

    __eq__ = Mapping.__eq__


def provider_ecs_name(object_name: str, provider_spec: Mapping[str, Any]) -> str:
    """A CapacityProvider's ECS name: `spec.name`, defaulting to its Kubernetes object name."""
    return str(provider_spec.get("name") or object_name)


def _resolve(reference: str, providers: Mapping[str, Mapping[str, Any]]) -> str | None:
    """The Kubernetes name of the provider a reference (ECS or Kubernetes form) names, if any."""
    for object_name, spec in providers.items():
        if same_object(reference, provider_ecs_name(object_name, spec)):
            return object_name
    return None


def _associated(
    cluster_spec: Mapping[str, Any] | None, providers: Mapping[str, Mapping[str, Any]]
) -> list[str]:
    """Kubernetes names of the providers the Cluster lists, in its order (unknown entries skipped)."""
    listed = (cluster_spec or {}).get("capacityProviders") or []
    resolved = (_resolve(reference, providers) for reference in listed)
    return [name for name in resolved if name is not None]


def _launch_type_strategy(
    launch_type: str, cluster_spec: Mapping[str, Any] | None, providers: Mapping[str, Mapping[str, Any]]
) -> list[dict[str, Any]]:
    named = _resolve(launch_type, providers)
    if named is None:
        on_demand = [
            name
            for name in _associated(cluster_spec, providers)
            if providers[name].get("capacityType", ON_DEMAND) == ON_DEMAND
        ]
        if not on_demand:
            raise StrategyError(
                "no-strategy",
                f"launchType {launch_type} names no CapacityProvider and the Cluster associates "
                "no on-demand provider",
            )
        named = on_demand[0]
    # A one-provider strategy; the weight is irrelevant to the split but 1 reads as "all tasks here".
    return [{"capacityProvider": provider_ecs_name(named, providers[named]), "weight": 1}]


def _chosen_strategy(
    service_spec: Mapping[str, Any],
    cluster_spec: Mapping[str, Any] | None,
    providers: Mapping[str, Mapping[str, Any]],
) -> tuple[Sequence[Mapping[str, Any]], bool]:
    """The raw strategy that applies, and whether it must be associated with the Cluster."""
    # An empty list means "not given", as in ECS (UpdateService `[]` returns to the default).
    service_strategy = service_spec.get("capacityProviderStrategy") or []
    launch_type = service_spec.get("launchType")
    if service_strategy and launch_type:
        raise StrategyError(
            "launch-type-and-strategy", "launchType and capacityProviderStrategy are mutually exclusive"
        )
    if service_strategy:
        return service_strategy, True
    if launch_type:
        # ECS: a launch type bypasses capacity providers, so it needs no association with the Cluster.
        return _launch_type_strategy(str(launch_type), cluster_spec, providers), False
    default = (cluster_spec or {}).get("defaultCapacityProviderStrategy") or []
    if default:
        return default, True
    raise StrategyError(
        "no-strategy",
        "the Service has neither capacityProviderStrategy nor launchType and the Cluster has no "
        "defaultCapacityProviderStrategy",
    )


def effective_strategy(
    service_spec: Mapping[str, Any],
    cluster_spec: Mapping[str, Any] | None,
    providers: Mapping[str, Mapping[str, Any]],
) -> list[ResolvedItem]:
    """The strategy a Service runs with, read and validated once, then resolved.

    `providers` maps CapacityProvider object names to their specs (`name` may be missing).
    Returns one ResolvedItem per item, in strategy order. Raises StrategyError
    (`launch-type-and-strategy`, `no-strategy`, the placement rules, `unknown-provider`,
    `not-associated`).
    """
    strategy, must_be_associated = _chosen_strategy(service_spec, cluster_spec, providers)
    items = validate_strategy(strategy)
    # A Cluster that lists no providers restricts nothing (there is nothing to be associated with).
    cluster_lists_providers = bool((cluster_spec or {}).get("capacityProviders"))
    associated = _associated(cluster_spec, providers)
    resolved = []
    for item in items:
        object_name = _resolve(item.capacity_provider, providers)
        if object_name is None:
            raise StrategyError("unknown-provider", f"no CapacityProvider named {item.capacity_provider}")
        if must_be_associated and cluster_lists_providers and object_name not in associated:
            raise StrategyError(
                "not-associated", f"{item.capacity_provider} is not in the Cluster's capacityProviders"
            )
        resolved.append(
            ResolvedItem(
                provider_ecs_name(object_name, providers[object_name]),
                item.base,
                item.weight,
                k8s_name=object_name,
            )
        )
    return resolved
