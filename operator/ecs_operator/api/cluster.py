"""Cluster (namespaced, at most one per namespace): the namespace's capacity providers (ref §5.3).

PutClusterCapacityProviders semantics: the lists replace; `defaultCapacityProviderStrategy: []`
means no default strategy.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from ecs_operator.api.common import (
    CapacityProviderStrategy,
    EcsModel,
    EcsName,
    ShortString,
    StatusModel,
    Tags,
    check_strategy,
)
from ecs_operator.api.names import k8s_name


class ClusterSetting(EcsModel):
    name: Literal["containerInsights"]
    value: ShortString


class ClusterSpec(EcsModel):
    """The namespace's capacity providers and default strategy (PutClusterCapacityProviders)."""

    clusterName: EcsName | None = None  # defaults to the namespace
    capacityProviders: Annotated[list[EcsName], Field(max_length=100)] | None = None
    defaultCapacityProviderStrategy: CapacityProviderStrategy | None = None
    settings: Annotated[list[ClusterSetting], Field(max_length=10)] | None = None
    configuration: dict[str, Any] | None = None
    serviceConnectDefaults: dict[str, Any] | None = None
    tags: Tags | None = None

    @model_validator(mode="after")
    def _strategy_uses_associated_providers(self) -> ClusterSpec:
        check_strategy(self.defaultCapacityProviderStrategy)
        listed = [k8s_name(p) for p in self.capacityProviders or []]
        if len(set(listed)) != len(listed):
            raise ValueError("capacityProviders: a capacity provider may be listed only once")
        associated = set(listed)
        for item in self.defaultCapacityProviderStrategy or []:
            if k8s_name(item.capacityProvider) not in associated:
                raise ValueError(
                    f"defaultCapacityProviderStrategy: {item.capacityProvider} is not in capacityProviders"
                )
        return self


class ClusterStatus(StatusModel):
    capacityProviders: list[str] | None = None
    runningTasksCount: int | None = None
    activeServicesCount: int | None = None
