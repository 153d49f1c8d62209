"""Scale-in (docs/design.md#scale-in): ECS documents no separate order, so scale-in is the capacity
split at the new count. Each provider above its new share loses exactly the difference; the
provider with the base keeps `min(base, desired)` and so loses tasks last. Example, FARGATE base 2
weight 1 / FARGATE_SPOT weight 3: 10 tasks are 4/6; at 4 they are 3/1, so FARGATE stops 1 and
FARGATE_SPOT 5.

With two providers no share ever grows as the count drops. With three or more weighted providers
the largest remainder can (the Alabama paradox): weights 1:3:3 are 0/2/2 at 4 tasks and 1/1/1 at 3,
so that scale-in starts one task on the first provider while the others stop one each.

The pipeline needs no step of its own for it: each child's replicas are its share, and Kubernetes
stops a child's surplus. `tasks_to_stop` states what that does, per provider.
"""

from __future__ import annotations

from collections.abc import Mapping


def tasks_to_stop(running: Mapping[str, int], shares: Mapping[str, int]) -> dict[str, int]:
    """Per provider above its new share, the tasks it stops (a provider absent from `shares` has
    a share of 0); providers at or below their share are not listed."""
    return {
        provider: count - shares.get(provider, 0)
        for provider, count in running.items()
        if count > shares.get(provider, 0)
    }
