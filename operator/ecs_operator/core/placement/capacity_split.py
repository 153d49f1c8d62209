"""The capacity provider split: how many of a Service's tasks each provider runs
(docs/design.md#the-capacity-split).

ECS documents `base` and `weight` but not the rounding, so this module defines it:

1. the provider with a base gets `min(base, desired)` tasks first;
2. the rest is split among the providers with `weight > 0` by the largest-remainder method
   (each gets the floor of its exact share; the leftover tasks go one each to the largest
   fractional remainders, ties to the provider listed first);
3. providers with weight 0 get only their base.

This matches every worked example AWS publishes
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html
; docs/design.md#rounding); S2 (2 tasks, weights
1:3 -> 1/1) is what rules out D'Hondt and "round towards the bigger weight".

Scale-in is the same function at the new count, so the base provider is the last to lose tasks.
Arithmetic is exact (integers and Fractions); no float ever decides a count.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ecs_operator.api.names import k8s_name

MAX_ITEMS = 20
MAX_BASE = 100_000
MAX_WEIGHT = 1_000


class StrategyError(ValueError):
    """A capacity provider strategy ECS would reject (or one we cannot place tasks with).

    `rule` is a short stable id (`too-many-items`, `unknown-provider`, ...) that status conditions,
    events and the CLI show; the message is one line and starts with the rule.
    """

    def __init__(self, rule: str, detail: str) -> None:
        super().__init__(f"{rule}: {detail}")
        self.rule = rule
        self.detail = detail


@dataclass(frozen=True)
class StrategyItem:
    """One strategy item with ECS's API defaults applied (base 0, weight 0)."""

    capacity_provider: str
    base: int = 0
    weight: int = 0


@dataclass(frozen=True)
class ShareRow:
    """Why one provider gets its count: the `placement --explain` table, one row per provider."""

    provider: str
    base: int
    weight: int
    base_tasks: int  # tasks placed by `base`
    weighted_share: Fraction  # exact share of the tasks left after base
    count: int

    @property
    def exact_share(self) -> Fraction:
        return self.base_tasks + self.weighted_share


def _integer_field(item: Mapping[str, Any], field: str, index: int) -> int:
    value = item.get(field, 0)
    if value is None:
        return 0
    # bool is an int in Python, but `"weight": true` is a mistake, not a weight of 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise StrategyError("not-an-integer", f"item {index} {field} must be an integer, got {value!r}")
    return value


def strategy_items(strategy: Sequence[Mapping[str, Any]]) -> list[StrategyItem]:
    """Read a strategy in ECS camelCase shape, applying ECS's defaults; shape errors raise."""
    if isinstance(strategy, (str, bytes, Mapping)) or not isinstance(strategy, Sequence):
        raise StrategyError(
            "not-a-list", f"a capacity provider strategy is a list of items, got {strategy!r}"
        )
    items = []
    for index, item in enumerate(strategy):
        if not isinstance(item, Mapping):
            raise StrategyError("not-an-item", f"item {index} must be an object, got {item!r}")
        provider = item.get("capacityProvider")
        if not isinstance(provider, str) or not provider:
            raise StrategyError("missing-provider", f"item {index} has no capacityProvider")
        items.append(
            StrategyItem(
                capacity_provider=provider,
                base=_integer_field(item, "base", index),
                weight=_integer_field(item, "weight", index),
            )
        )
    return items


def _check_items(items: Sequence[StrategyItem]) -> None:
    if not items:
        raise StrategyError("no-strategy", "the capacity provider strategy is empty")
    if len(items) > MAX_ITEMS:
        raise StrategyError("too-many-items", f"at most {MAX_ITEMS} items, got {len(items)}")
    seen: dict[str, str] = {}
    for item in items:
        name = item.capacity_provider
        if not 0 <= item.base <= MAX_BASE:
            raise StrategyError("base-out-of-range", f"{name} base {item.base} is outside 0..{MAX_BASE}")
        if not 0 <= item.weight <= MAX_WEIGHT:
            raise StrategyError(
                "weight-out-of-range", f"{name} weight {item.weight} is outside 0..{MAX_WEIGHT}"
            )
        # FARGATE_SPOT and fargate-spot name the same object (docs/design.md#names): duplicates too.
        key = k8s_name(name)
        if key in seen:
            raise StrategyError("duplicate-provider", f"{name} is listed twice (also as {seen[key]})")
        seen[key] = name
    with_base = [item.capacity_provider for item in items if item.base > 0]
    if len(with_base) > 1:
        # ECS: "Only one capacity provider ... can have a base defined"; an explicit base 0 does not count.
        raise StrategyError(
            "more-than-one-base", f"only one provider may have a base, got {', '.join(with_base)}"
        )
    if len(items) > 1 and not any(item.weight > 0 for item in items):
        raise StrategyError(
            "no-positive-weight", "with more than one provider at least one weight must be > 0"
        )


def validate_strategy(strategy: Sequence[Mapping[str, Any]]) -> None:
    """Raise StrategyError unless ECS would accept this strategy (docs/design.md#strategy-rules).

    An empty strategy is `no-strategy`: it cannot place a task. Whether the providers exist and are
    associated with the Cluster is checked by `core.strategy.effective_strategy`.
    """
    _check_items(strategy_items(strategy))


def _weighted_shares(items: Sequence[StrategyItem], tasks: int) -> list[int]:
    """Largest-remainder split of `tasks` by weight; weight-0 items get 0."""
    total_weight = sum(item.weight for item in items)
    if total_weight == 0:
        return [0] * len(items)
    # Over the common denominator total_weight, floor and remainder are exact integer arithmetic.
    floors = [tasks * item.weight // total_weight for item in items]
    remainders = [tasks * item.weight % total_weight for item in items]
    leftover = tasks - sum(floors)
    candidates = [index for index, item in enumerate(items) if item.weight > 0]
    # sorted() is stable: equal remainders keep strategy order, so ties go to the provider listed first.
    for index in sorted(candidates, key=lambda i: -remainders[i])[:leftover]:
        floors[index] += 1
    return floors


def explain(strategy: Sequence[Mapping[str, Any]], desired_count: int) -> list[ShareRow]:
    """The split with its reasons: one row per provider, in strategy order."""
    if isinstance(desired_count, bool) or not isinstance(desired_count, int) or desired_count < 0:
        raise StrategyError(
            "desired-count-out-of-range", f"desiredCount must be an integer >= 0, got {desired_count!r}"
        )
    items = strategy_items(strategy)
    _check_items(items)
    if len(items) == 1:
        # ECS is silent here: a single provider with weight 0 is accepted by the API.
        # Decision: a one-item strategy runs every task on its provider, whatever its base and weight.
        only = items[0]
        return [
            ShareRow(
                only.capacity_provider, only.base, only.weight, 0, Fraction(desired_count), desired_count
            )
        ]
    remaining = desired_count
    base_tasks = []
    for item in items:
        taken = min(item.base, remaining)
        base_tasks.append(taken)
        remaining -= taken
    total_weight = sum(item.weight for item in items)
    weighted = _weighted_shares(items, remaining)
    return [
        ShareRow(
            provider=item.capacity_provider,
            base=item.base,
            weight=item.weight,
            base_tasks=taken,
            weighted_share=Fraction(remaining * item.weight, total_weight),
            count=taken + extra,
        )
        for item, taken, extra in zip(items, base_tasks, weighted, strict=True)
    ]


def split(strategy: Sequence[Mapping[str, Any]], desired_count: int) -> dict[str, int]:
    """Tasks per capacity provider for `desired_count` tasks (docs/design.md#rounding).

    Keys are the `capacityProvider` strings as given, in strategy order, zeros included.
    Raises StrategyError for an invalid strategy or a negative count.
    """
    return {row.provider: row.count for row in explain(strategy, desired_count)}
