"""The capacity provider split: how many of a Service's tasks each provider runs
(docs/design.md#the-capacity-split).

ECS documents `base` and `weight` but not the rounding, so this module defines it:

1. the provider with a base gets `min(base, desired)` tasks first;
2. the rest is split among the providers with `weight > 0` by the largest-remainder method
   (each gets the floor of its exact share; the leftover tasks go one each to the largest
   fractional remainders, ties to the provider listed first);
3. providers with weight 0 get only their base.

This matches every worked example AWS publishes (docs/design.md#rounding;
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html);
2 tasks at weights 1:3 -> 1/1 is what rules out D'Hondt and "round towards the bigger weight".

Scale-in (docs/design.md#scale-in) is this same split at the new count: ECS documents no separate
order. Each provider above its new share loses exactly the difference (its Deployment's replicas
drop to the share), and the provider with the base keeps `min(base, desired)`, so it loses tasks
last. FARGATE base 2 weight 1 / FARGATE_SPOT weight 3: 10 tasks are 4/6, at 4 they are 3/1. With
two providers no share grows as the count drops; with three or more weighted providers the largest
remainder can (weights 1:3:3 are 0/2/2 at 4 tasks and 1/1/1 at 3: scale-in then starts one task on
the first provider while the others stop one each).
Arithmetic is exact (integers and Fractions); no float ever decides a count.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, cast

from ecs_operator.api.strategy_rules import StrategyItem, violations

__all__ = [
    "ShareRow",
    "Strategy",
    "StrategyError",
    "StrategyItem",
    "explain",
    "largest_remainder",
    "split",
    "strategy_items",
    "validate_strategy",
]

Strategy = Sequence[StrategyItem] | Sequence[Mapping[str, Any]]
"""Validated StrategyItems (used as they are) or a raw strategy in ECS JSON (read and checked)."""


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


def validate_strategy(strategy: Sequence[Mapping[str, Any]]) -> list[StrategyItem]:
    """The strategy's items, read once and checked once; StrategyError unless ECS would accept it
    (api.strategy_rules, docs/design.md#strategy-rules).

    An empty strategy is `no-strategy`: it cannot place a task. Whether the providers exist and are
    associated with the Cluster is checked by `core.placement.strategy.effective_strategy`.
    """
    items = strategy_items(strategy)
    if not items:
        raise StrategyError("no-strategy", "the capacity provider strategy is empty")
    for rule, detail in violations(items):
        raise StrategyError(rule.id, detail)
    return items


def largest_remainder(total: int, weights: Sequence[int], caps: Sequence[int] | None = None) -> list[int]:
    """Split `total` in proportion to `weights` by the largest-remainder method (docs/design.md#rounding).

    Each entry gets the floor of its exact share, at most its cap; the tasks left go one each to the
    largest fractional remainders among the entries with weight > 0 still under their cap, ties to the
    entry listed first. Weight-0 entries get 0. With caps the sum may fall short of `total`.
    """
    total_weight = sum(weights)
    if total_weight == 0:
        return [0] * len(weights)
    limits = caps if caps is not None else [total] * len(weights)
    # Over the common denominator total_weight, floor and remainder are exact integer arithmetic.
    shares = [min(total * weight // total_weight, cap) for weight, cap in zip(weights, limits, strict=True)]
    remainders = [total * weight % total_weight for weight in weights]
    leftover = total - sum(shares)
    # sorted() is stable: equal remainders keep their order, so ties go to the entry listed first.
    for index in sorted(range(len(weights)), key=lambda i: -remainders[i]):
        if leftover == 0:
            break
        if weights[index] > 0 and shares[index] < limits[index]:
            shares[index] += 1
            leftover -= 1
    return shares


def _items(strategy: Strategy) -> Sequence[StrategyItem]:
    """StrategyItems come validated (from validate_strategy or effective_strategy): used as they are.
    Raw ECS JSON is read and checked here."""
    if (
        isinstance(strategy, (list, tuple))
        and strategy
        and all(isinstance(item, StrategyItem) for item in strategy)
    ):
        return cast(Sequence[StrategyItem], strategy)
    return validate_strategy(cast(Sequence[Mapping[str, Any]], strategy))


def explain(strategy: Strategy, desired_count: int) -> list[ShareRow]:
    """The split with its reasons: one row per provider, in strategy order."""
    if isinstance(desired_count, bool) or not isinstance(desired_count, int) or desired_count < 0:
        raise StrategyError(
            "desired-count-out-of-range", f"desiredCount must be an integer >= 0, got {desired_count!r}"
        )
    items = _items(strategy)
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
    weighted = largest_remainder(remaining, [item.weight for item in items])
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


def split(strategy: Strategy, desired_count: int) -> dict[str, int]:
    """Tasks per capacity provider for `desired_count` tasks (docs/design.md#rounding).

    `strategy` is validated StrategyItems or raw ECS JSON (checked here). Keys are the
    `capacityProvider` strings as given, in strategy order, zeros included.
    Raises StrategyError for an invalid strategy or a negative count.
    """
    return {row.provider: row.count for row in explain(strategy, desired_count)}
