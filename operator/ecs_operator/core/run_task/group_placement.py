"""The capacity provider of each new task of a `group`, decided once, when it is placed.

ECS splits the `count` of one RunTask call over the strategy as it splits a Service's desiredCount
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html), and
this operator uses that split for a group: base first, then weights, by the rounding of
`core/placement/capacity_split.py` (docs/design.md#rounding). A placed task never moves, so the
group is brought towards the split of its new size: each new task goes to the provider furthest
below its share (ties to the one listed first). Tasks placed together (one `run-task --count N`)
therefore get exactly the split of N; placed one by one, a two-provider group still ends on the
split (FARGATE base 2 weight 1 / FARGATE_SPOT weight 3: 10 tasks end 4/6). With three or more
weighted providers the largest remainder is not monotone (capacity_split's docstring), so a group
grown one task at a time can end one task away from the split of its size; it never moves a task
to get there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from ecs_operator.api.names import k8s_name
from ecs_operator.core.placement.capacity_split import StrategyItem, split


def providers_for(strategy: Sequence[StrategyItem], placed: Iterable[str], new: int) -> list[str]:
    """The providers (as the strategy spells them) of `new` tasks joining a group whose tasks run on
    `placed` (provider names, ECS or Kubernetes form; names outside the strategy are not counted)."""
    names = [item.capacity_provider for item in strategy]
    have = Counter(k8s_name(name) for name in placed)
    held = {name: have[k8s_name(name)] for name in names}
    target = split(strategy, sum(held.values()) + new)
    chosen = []
    for _ in range(new):
        # max() keeps the first of equal deficits: ties go to the provider listed first.
        best = max(names, key=lambda name: target[name] - held[name])
        held[best] += 1
        chosen.append(best)
    return chosen
