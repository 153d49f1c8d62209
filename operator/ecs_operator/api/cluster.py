"""Cluster (namespaced, at most one per namespace): the namespace's capacity providers (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PutClusterCapacityProviders.html).

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
    """containerInsights."""
    value: ShortString
    """enabled, enhanced or disabled; accepted, no effect on Kubernetes."""


class ClusterSpec(EcsModel):
    """The namespace's capacity providers and default strategy (PutClusterCapacityProviders)."""

    clusterName: EcsName | None = None  # defaults to the namespace
    """ECS cluster name (default: the namespace); the namespace is the cluster."""
    capacityProviders: Annotated[list[EcsName], Field(max_length=100)] | None = None
    """CapacityProviders the namespace's Services may use, by ECS or Kubernetes name, each once; the list
    replaces the previous one (PutClusterCapacityProviders)."""
    defaultCapacityProviderStrategy: CapacityProviderStrategy | None = None
    """Strategy of Services with neither launchType nor capacityProviderStrategy; up to 20 items, each
    provider in capacityProviders; [] means none."""
    settings: Annotated[list[ClusterSetting], Field(max_length=10)] | None = None
    """Cluster settings (containerInsights); accepted, no effect on Kubernetes."""
    configuration: dict[str, Any] | None = None
    """Execute command and managed storage configuration; accepted, no effect on Kubernetes."""
    serviceConnectDefaults: dict[str, Any] | None = None
    """Default Service Connect namespace; accepted, no effect on Kubernetes."""
    tags: Tags | None = None
    """Up to 50 AWS resource tags; accepted, no effect on Kubernetes."""

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
    """Written by the operator: the associated capacity providers and counts."""

    capacityProviders: list[str] | None = None
    """ECS names of the associated capacity providers."""
    runningTasksCount: int | None = None
    """Running pods in the namespace."""
    activeServicesCount: int | None = None
    """Services in the namespace."""
