"""The DAEMON scheduling strategy
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_services.html#service_scheduler_daemon):
one task on each ready node of each capacity provider's pool, so the strategy's base and weight do
not apply."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ecs_operator.core.placement.node_pool import node_in_pool, node_ready


def daemon_targets(
    strategy: Sequence[Mapping[str, Any]],
    providers: Mapping[str, Mapping[str, Any]],
    nodes: Sequence[Mapping[str, Any]],
) -> dict[str, int]:
    """Tasks per provider (ECS name): its pool's ready nodes."""
    return {
        item["capacityProvider"]: sum(
            1 for n in nodes if node_in_pool(providers[item["k8sName"]], n) and node_ready(n)
        )
        for item in strategy
    }
