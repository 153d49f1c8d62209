"""Property: a capacity provider strategy is accepted exactly when it obeys ECS's rules (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from ecs_operator.api import ServiceSpec

items = st.lists(
    st.fixed_dictionaries(
        {
            "capacityProvider": st.sampled_from(
                ["OD", "SPOT", "FARGATE", "FARGATE_SPOT", "fargate-spot", "x1"]
            ),
            "base": st.integers(min_value=-1, max_value=100_001),
            "weight": st.integers(min_value=-1, max_value=1_001),
        }
    ),
    max_size=22,
)


def obeys_ecs_rules(strategy: list[dict]) -> bool:
    names = [item["capacityProvider"].lower().replace("_", "-") for item in strategy]
    return (
        len(strategy) <= 20
        and all(0 <= item["base"] <= 100_000 and 0 <= item["weight"] <= 1_000 for item in strategy)
        and sum(1 for item in strategy if item["base"] > 0) <= 1
        and (len(strategy) <= 1 or any(item["weight"] > 0 for item in strategy))
        and len(set(names)) == len(names)
    )


@given(items)
def test_strategy_is_accepted_iff_it_obeys_the_rules(strategy: list[dict]) -> None:
    spec = {"taskDefinition": "web", "desiredCount": 1, "capacityProviderStrategy": strategy}
    try:
        ServiceSpec.model_validate(spec)
        accepted = True
    except ValidationError:
        accepted = False
    assert accepted == obeys_ecs_rules(strategy)
