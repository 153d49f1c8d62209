"""Every strategy rule of api.strategy_rules is refused by the models and by the core, by its id."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ecs_operator.api import ServiceSpec
from ecs_operator.api.strategy_rules import RULES
from ecs_operator.core.placement.capacity_split import StrategyError, validate_strategy

# One strategy breaking each rule, and only that one.
BREAKS = {
    "too-many-items": [{"capacityProvider": f"P{i}", "weight": 1} for i in range(21)],
    "base-out-of-range": [{"capacityProvider": "A", "base": 100_001, "weight": 1}],
    "weight-out-of-range": [{"capacityProvider": "A", "weight": 1001}],
    "more-than-one-base": [
        {"capacityProvider": "A", "base": 1, "weight": 1},
        {"capacityProvider": "B", "base": 1},
    ],
    "no-positive-weight": [{"capacityProvider": "A"}, {"capacityProvider": "B"}],
    "duplicate-provider": [{"capacityProvider": "FARGATE", "weight": 1}, {"capacityProvider": "fargate"}],
}


def test_every_rule_has_an_example_and_a_unique_id() -> None:
    assert sorted(BREAKS) == sorted(rule.id for rule in RULES)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_the_core_refuses_with_the_rule_id(rule) -> None:
    with pytest.raises(StrategyError) as caught:
        validate_strategy(BREAKS[rule.id])
    assert caught.value.rule == rule.id


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_the_models_refuse_it(rule) -> None:
    spec = {"taskDefinition": "web", "desiredCount": 1, "capacityProviderStrategy": BREAKS[rule.id]}
    with pytest.raises(ValidationError) as caught:
        ServiceSpec.model_validate(spec)
    if rule.schema is None:  # the models' own words; schema bounds speak through pydantic's
        assert rule.message in str(caught.value)
