"""The pure core, without a cluster: split decisions per second and render time per Service."""

from __future__ import annotations

import timeit
from datetime import UTC, datetime
from typing import Any

from bench import workload
from ecs_operator.core.placement.capacity_split import split
from ecs_operator.core.render import render


def split_rate(repeats: int = 5, number: int = 2000) -> list[float]:
    """Decisions per second: one decision = split(strategy, desiredCount), over 2 strategies x 50 counts."""
    cases = [(s, n) for s in workload.STRATEGIES for n in range(1, 51)]

    def batch() -> None:
        for strategy, desired in cases:
            split(strategy, desired)

    times = timeit.repeat(batch, number=max(1, number // len(cases)), repeat=repeats)
    per_batch = max(1, number // len(cases)) * len(cases)
    return [per_batch / t for t in times]


def render_per_service(services: int = 100, repeats: int = 5) -> list[float]:
    """Seconds per Service for `render` of the benchmark workload (task definitions included)."""
    docs: list[dict[str, Any]] = workload.capacity_providers() + workload.ecs_objects(services, "bench")
    now = datetime.now(UTC).replace(microsecond=0)
    times = timeit.repeat(lambda: render(docs, namespace="bench", now=now), number=1, repeat=repeats)
    return [t / services for t in times]
