"""ECS's capacity provider strategy rules, declared once (docs/design.md#strategy-rules;
https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html).

Three layers check them: the models (`api.common.strategy_problems`), the core
(`core.placement.capacity_split.validate_strategy`, which raises `StrategyError(rule.id, detail)`)
and the apiserver, through each rule's twin in the CRD: a CEL rule on the strategy list (`cel`), or a
schema bound the models' Field limits generate (`schema`: maxItems, minimum/maximum).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from ecs_operator.api.names import k8s_name, k8s_name_cel

MAX_ITEMS = 20
MAX_BASE = 100_000
MAX_WEIGHT = 1_000


@dataclass(frozen=True)
class StrategyItem:
    """One strategy item with ECS's API defaults applied (base 0, weight 0)."""

    capacity_provider: str
    base: int = 0
    weight: int = 0


@dataclass(frozen=True)
class StrategyRule:
    """One rule: its stable id, the models' words and its twin in the CRD.

    `check` returns the core's one-line detail when the rule is broken, else None. A `list` rule
    judges the whole strategy; an `item` rule judges the last item of the strategy it is given
    against the items before it, so the core can report the first broken item in order.
    """

    id: str
    scope: Literal["size", "item", "list"]
    message: str
    check: Callable[[Sequence[StrategyItem]], str | None]
    cel: str | None = None  # on the strategy list (`self`), with `capacityProviderStrategy: message`
    schema: tuple[str, dict[str, int]] | None = None  # (property of an item or "" for the list, bounds)

    def cel_rule(self) -> dict[str, str]:
        """The CRD's `x-kubernetes-validations` entry (only for rules with `cel`)."""
        assert self.cel is not None
        return {"rule": self.cel, "message": f"capacityProviderStrategy: {self.message}"}


def _too_many(items: Sequence[StrategyItem]) -> str | None:
    return f"at most {MAX_ITEMS} items, got {len(items)}" if len(items) > MAX_ITEMS else None


def _base_out_of_range(items: Sequence[StrategyItem]) -> str | None:
    item = items[-1]
    if 0 <= item.base <= MAX_BASE:
        return None
    return f"{item.capacity_provider} base {item.base} is outside 0..{MAX_BASE}"


def _weight_out_of_range(items: Sequence[StrategyItem]) -> str | None:
    item = items[-1]
    if 0 <= item.weight <= MAX_WEIGHT:
        return None
    return f"{item.capacity_provider} weight {item.weight} is outside 0..{MAX_WEIGHT}"


def _duplicate(items: Sequence[StrategyItem]) -> str | None:
    # FARGATE_SPOT and fargate-spot name the same object (docs/design.md#names).
    *before, item = items
    key = k8s_name(item.capacity_provider)
    earlier = next((b.capacity_provider for b in before if k8s_name(b.capacity_provider) == key), None)
    return None if earlier is None else f"{item.capacity_provider} is listed twice (also as {earlier})"


def _more_than_one_base(items: Sequence[StrategyItem]) -> str | None:
    # ECS: "Only one capacity provider ... can have a base defined"; an explicit base 0 does not count.
    with_base = [item.capacity_provider for item in items if item.base > 0]
    return f"only one provider may have a base, got {', '.join(with_base)}" if len(with_base) > 1 else None


def _no_positive_weight(items: Sequence[StrategyItem]) -> str | None:
    if len(items) > 1 and not any(item.weight > 0 for item in items):
        return "with more than one provider at least one weight must be > 0"
    return None


# Declaration order is the models' and the CRD's order; the core reports size, item, list rules.
RULES = (
    StrategyRule(
        "too-many-items",
        "size",
        f"a strategy has at most {MAX_ITEMS} capacity providers",
        _too_many,
        schema=("", {"maxItems": MAX_ITEMS}),
    ),
    StrategyRule(
        "base-out-of-range",
        "item",
        f"base is 0-{MAX_BASE}",
        _base_out_of_range,
        schema=("base", {"minimum": 0, "maximum": MAX_BASE}),
    ),
    StrategyRule(
        "weight-out-of-range",
        "item",
        f"weight is 0-{MAX_WEIGHT}",
        _weight_out_of_range,
        schema=("weight", {"minimum": 0, "maximum": MAX_WEIGHT}),
    ),
    StrategyRule(
        "more-than-one-base",
        "list",
        "only one capacity provider in a strategy can have a base greater than 0",
        _more_than_one_base,
        cel="self.filter(i, has(i.base) && i.base > 0).size() <= 1",
    ),
    StrategyRule(
        "no-positive-weight",
        "list",
        "with more than one capacity provider, at least one weight must be greater than 0",
        _no_positive_weight,
        cel="self.size() <= 1 || self.exists(i, has(i.weight) && i.weight > 0)",
    ),
    StrategyRule(
        "duplicate-provider",
        "item",
        "a capacity provider may appear only once in a strategy",
        _duplicate,
        cel=f"self.all(i, self.exists_one(j, {k8s_name_cel('j.capacityProvider')} == "
        f"{k8s_name_cel('i.capacityProvider')}))",
    ),
)

CEL_RULES = [rule.cel_rule() for rule in RULES if rule.cel]
"""The `x-kubernetes-validations` of every capacityProviderStrategy in the CRDs."""


def violations(items: Sequence[StrategyItem]) -> Iterator[tuple[StrategyRule, str]]:
    """Every broken rule with its detail, in the core's order: the size, item by item, the whole list."""
    for rule in RULES:
        if rule.scope == "size" and (detail := rule.check(items)):
            yield rule, detail
    for end in range(1, len(items) + 1):
        for rule in RULES:
            if rule.scope == "item" and (detail := rule.check(items[:end])):
                yield rule, detail
    for rule in RULES:
        if rule.scope == "list" and (detail := rule.check(items)):
            yield rule, detail


def broken_rules(items: Sequence[StrategyItem]) -> list[StrategyRule]:
    """The rules a strategy breaks, each once, in declaration order."""
    broken = {rule.id for rule, _ in violations(items)}
    return [rule for rule in RULES if rule.id in broken]
