from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecs_operator.core.placement.capacity_split import StrategyError, explain, split, validate_strategy

OD_BASE2_SPOT = [
    {"capacityProvider": "OD", "base": 2, "weight": 1},
    {"capacityProvider": "SPOT", "weight": 3},
]


# --- the worked examples AWS publishes (docs/design.md#rounding) -----------------------------------


def test_ecs_example_s1_base_then_weights_at_ten_tasks():
    assert split(OD_BASE2_SPOT, 10) == {"OD": 4, "SPOT": 6}


def test_ecs_example_s2_scale_in_to_four_tasks():
    assert split(OD_BASE2_SPOT, 4) == {"OD": 3, "SPOT": 1}


def test_ecs_example_s3_fargate_three_to_one():
    strategy = [
        {"capacityProvider": "FARGATE", "weight": 3},
        {"capacityProvider": "FARGATE_SPOT", "weight": 1},
    ]
    assert split(strategy, 4) == {"FARGATE": 3, "FARGATE_SPOT": 1}


# --- rounding and ordering ------------------------------------------------------------------------


def test_equal_remainders_go_to_the_provider_listed_first():
    a_first = [{"capacityProvider": "A", "weight": 1}, {"capacityProvider": "B", "weight": 1}]
    b_first = list(reversed(a_first))
    assert split(a_first, 3) == {"A": 2, "B": 1}
    assert split(b_first, 3) == {"B": 2, "A": 1}


def test_largest_remainder_beats_listed_order():
    # 4 tasks at 1:2:2 -> exact 0.8, 1.6, 1.6: floors 0,1,1; the leftovers go to the .8 and the first .6
    strategy = [
        {"capacityProvider": "A", "weight": 1},
        {"capacityProvider": "B", "weight": 2},
        {"capacityProvider": "C", "weight": 2},
    ]
    assert split(strategy, 4) == {"A": 1, "B": 2, "C": 1}


def test_keys_keep_strategy_order_and_spelling_with_zeros():
    strategy = [
        {"capacityProvider": "fargate-spot", "weight": 1},
        {"capacityProvider": "FARGATE", "base": 1},
    ]
    result = split(strategy, 1)
    assert list(result.items()) == [("fargate-spot", 0), ("FARGATE", 1)]


def test_weight_zero_provider_gets_only_its_base():
    strategy = [
        {"capacityProvider": "FARGATE", "base": 1, "weight": 0},
        {"capacityProvider": "FARGATE_SPOT", "weight": 1},
    ]
    assert split(strategy, 10) == {"FARGATE": 1, "FARGATE_SPOT": 9}


def test_desired_below_base_puts_every_task_on_the_base_provider():
    strategy = [{"capacityProvider": "OD", "base": 5}, {"capacityProvider": "SPOT", "weight": 1}]
    assert split(strategy, 3) == {"OD": 3, "SPOT": 0}


def test_single_provider_with_weight_zero_runs_every_task():
    assert split([{"capacityProvider": "FARGATE"}], 7) == {"FARGATE": 7}


def test_zero_desired_places_nothing():
    assert split(OD_BASE2_SPOT, 0) == {"OD": 0, "SPOT": 0}


def test_negative_desired_count_is_an_error():
    with pytest.raises(StrategyError) as caught:
        split(OD_BASE2_SPOT, -1)
    assert caught.value.rule == "desired-count-out-of-range"


def test_explain_gives_exact_shares():
    rows = explain(OD_BASE2_SPOT, 4)
    assert [(r.provider, r.base_tasks, r.weighted_share, r.exact_share, r.count) for r in rows] == [
        ("OD", 2, Fraction(1, 2), Fraction(5, 2), 3),
        ("SPOT", 0, Fraction(3, 2), Fraction(3, 2), 1),
    ]


# --- validation -----------------------------------------------------------------------------------


def _rule_of(strategy) -> str:
    with pytest.raises(StrategyError) as caught:
        validate_strategy(strategy)
    assert str(caught.value).startswith(caught.value.rule + ": ")
    assert "\n" not in str(caught.value)
    return caught.value.rule


@pytest.mark.parametrize(
    ("strategy", "rule"),
    [
        ([{"capacityProvider": f"P{i}", "weight": 1} for i in range(21)], "too-many-items"),
        ([{"capacityProvider": "A", "base": 100_001, "weight": 1}], "base-out-of-range"),
        ([{"capacityProvider": "A", "base": -1}], "base-out-of-range"),
        ([{"capacityProvider": "A", "weight": 1001}], "weight-out-of-range"),
        ([{"capacityProvider": "A", "weight": -1}], "weight-out-of-range"),
        (
            [{"capacityProvider": "A", "base": 1, "weight": 1}, {"capacityProvider": "B", "base": 1}],
            "more-than-one-base",
        ),
        ([{"capacityProvider": "A"}, {"capacityProvider": "B"}], "no-positive-weight"),
        (
            [{"capacityProvider": "A", "weight": 1}, {"capacityProvider": "A", "weight": 2}],
            "duplicate-provider",
        ),
        (
            [{"capacityProvider": "FARGATE_SPOT", "weight": 1}, {"capacityProvider": "fargate-spot"}],
            "duplicate-provider",
        ),
        ([{"weight": 1}], "missing-provider"),
        ([{"capacityProvider": "A", "weight": "3"}], "not-an-integer"),
        ([{"capacityProvider": "A", "weight": True}], "not-an-integer"),
        (["FARGATE"], "not-an-item"),
        ({"capacityProvider": "A"}, "not-a-list"),
        ([], "no-strategy"),
    ],
)
def test_invalid_strategies_name_the_broken_rule(strategy, rule):
    assert _rule_of(strategy) == rule


def test_limits_themselves_are_valid():
    validate_strategy([{"capacityProvider": f"P{i}", "weight": 1000} for i in range(20)])
    validate_strategy(
        [{"capacityProvider": "A", "base": 100_000}, {"capacityProvider": "B", "base": 0, "weight": 1}]
    )


# --- properties -----------------------------------------------------------------------------------


@st.composite
def strategies(draw, max_items: int = 6):
    size = draw(st.integers(1, max_items))
    weights = draw(st.lists(st.integers(0, 1000), min_size=size, max_size=size))
    if size > 1 and not any(weights):
        weights[draw(st.integers(0, size - 1))] = draw(st.integers(1, 1000))
    base_at = draw(st.none() | st.integers(0, size - 1))
    base = draw(st.integers(1, 100_000 if draw(st.booleans()) else 20))
    return [
        {"capacityProvider": f"P{i}", "weight": w, **({"base": base} if i == base_at else {})}
        for i, w in enumerate(weights)
    ]


desired_counts = st.integers(0, 500)


@settings(max_examples=300)
@given(strategies(), desired_counts)
def test_split_places_exactly_the_desired_count(strategy, desired):
    result = split(strategy, desired)
    assert sum(result.values()) == desired
    assert list(result) == [item["capacityProvider"] for item in strategy]
    assert all(count >= 0 for count in result.values())


@settings(max_examples=300)
@given(strategies(), desired_counts)
def test_base_provider_gets_at_least_min_of_base_and_desired(strategy, desired):
    result = split(strategy, desired)
    for item in strategy:
        assert result[item["capacityProvider"]] >= min(item.get("base", 0), desired)


@settings(max_examples=300)
@given(strategies(), desired_counts)
def test_weighted_providers_are_within_one_task_of_their_exact_share(strategy, desired):
    if len(strategy) == 1:
        return
    result = split(strategy, desired)
    base_tasks = {item["capacityProvider"]: min(item.get("base", 0), desired) for item in strategy}
    remaining = desired - sum(base_tasks.values())
    total_weight = sum(item["weight"] for item in strategy)
    for item in strategy:
        name = item["capacityProvider"]
        exact = Fraction(remaining * item["weight"], total_weight)
        assert abs(result[name] - base_tasks[name] - exact) < 1


@settings(max_examples=300)
@given(strategies(), desired_counts)
def test_weight_zero_providers_get_only_their_base(strategy, desired):
    if len(strategy) == 1:
        return
    result = split(strategy, desired)
    for item in strategy:
        if item["weight"] == 0:
            assert result[item["capacityProvider"]] == min(item.get("base", 0), desired)


@settings(max_examples=300)
@given(strategies(), desired_counts)
def test_scale_in_removes_base_tasks_last(strategy, desired):
    # Scale-in is split() at the new count, so until desired drops below base, the base provider keeps
    # its base; below it, every other provider is already empty.
    result = split(strategy, desired)
    for item in strategy:
        base = item.get("base", 0)
        if base and len(strategy) > 1:
            assert result[item["capacityProvider"]] >= min(base, desired)
            if desired <= base:
                assert [n for n, count in result.items() if count] in ([], [item["capacityProvider"]])


@settings(max_examples=300)
@given(st.integers(0, 1000), st.integers(1, 1000), st.integers(0, 300))
def test_two_weighted_providers_never_lose_a_task_when_desired_grows(weight_a, weight_b, desired):
    strategy = [{"capacityProvider": "A", "weight": weight_a}, {"capacityProvider": "B", "weight": weight_b}]
    now, grown = split(strategy, desired), split(strategy, desired + 1)
    assert grown["A"] >= now["A"] and grown["B"] >= now["B"]


@given(st.integers(0, 4), st.integers(0, 8), st.integers(1, 8), st.integers(0, 60), st.integers(0, 60))
def test_with_two_providers_scale_in_only_stops_tasks_and_the_base_provider_loses_last(
    base, weight, spot_weight, fewer, more
):
    fewer, more = sorted((fewer, more))
    strategy = [
        {"capacityProvider": "FARGATE", "base": base, "weight": weight},
        {"capacityProvider": "FARGATE_SPOT", "weight": spot_weight},
    ]
    before, after = split(strategy, more), split(strategy, fewer)
    assert all(after[p] <= before[p] for p in before)  # no provider starts a task on the way down
    assert after["FARGATE"] >= min(base, fewer)  # the base is the last to go


def test_with_three_weighted_providers_a_share_can_grow_on_scale_in():
    # The largest remainder's known paradox, written out by hand: 4 tasks at 1:3:3 are 0/2/2
    # (4/7, 12/7, 12/7: floors 0/1/1, the two largest remainders get one more), 3 are 1/1/1.
    strategy = [
        {"capacityProvider": "A", "weight": 1},
        {"capacityProvider": "B", "weight": 3},
        {"capacityProvider": "C", "weight": 3},
    ]
    assert split(strategy, 4) == {"A": 0, "B": 2, "C": 2}
    assert split(strategy, 3) == {"A": 1, "B": 1, "C": 1}
