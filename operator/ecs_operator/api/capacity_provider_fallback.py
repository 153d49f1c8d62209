"""capacityProviderFallback: not ECS, the opt-in spot fallback of docs/design.md#beyond-ecs."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from ecs_operator.api.common import EcsModel, EcsName


class CapacityProviderFallback(EcsModel):
    """Not ECS: move a provider's tasks to another provider while its pods stay unschedulable."""

    capacityProvider: EcsName
    """Provider whose tasks may move (usually the spot one), ECS or Kubernetes name."""
    fallbackCapacityProvider: EcsName
    """Provider that runs them meanwhile (usually on-demand); must differ."""
    unschedulableSeconds: Annotated[int, Field(ge=0, le=86_400)] = 60
    """Seconds, 0-86400 (default 60), the provider's pods must stay unschedulable before they move; the return
    waits at least as long."""
