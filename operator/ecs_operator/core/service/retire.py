"""Children that left the plan (a provider dropped from the strategy, a scheduling strategy
changed): deleted, but workloads only once the children that stay have all their tasks Ready, so
moving tasks between providers never loses one (as ECS starts replacements before it stops)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from ecs_operator.core.task.state import Counts, PodState

WORKLOADS = ("Deployment", "DaemonSet")


def retired(
    live: Iterable[tuple[str, str]],
    wanted: Iterable[Mapping[str, Any]],
    pods: Sequence[PodState],
    providers: Collection[str],
    desired: int,
) -> list[tuple[str, str]]:
    """(kind, name) of the `live` children to delete now. `wanted`: the children of this plan;
    `providers`: the CapacityProvider objects they run on; `desired`: the tasks they must have."""
    keep = {(o["kind"], o["metadata"]["name"]) for o in wanted}
    replacements_up = Counts.of(p for p in pods if (p.provider or "") in providers).ready >= desired
    return [key for key in live if key not in keep and (key[0] not in WORKLOADS or replacements_up)]
