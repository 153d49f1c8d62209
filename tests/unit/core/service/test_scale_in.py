from hypothesis import given
from hypothesis import strategies as st

from ecs_operator.core.placement.capacity_split import split
from ecs_operator.core.service.scale_in import tasks_to_stop

STRATEGY = [
    {"capacityProvider": "FARGATE", "base": 2, "weight": 1},
    {"capacityProvider": "FARGATE_SPOT", "weight": 3},
]


def test_each_provider_above_its_new_share_loses_exactly_the_difference():
    # Written out by hand: 10 tasks are 4/6 (base 2, then 8 split 1:3); 4 tasks are 3/1 (base 2,
    # then 2 split 1:3 = 0.5/1.5, the tied remainder going to the provider listed first).
    assert tasks_to_stop({"FARGATE": 4, "FARGATE_SPOT": 6}, {"FARGATE": 3, "FARGATE_SPOT": 1}) == {
        "FARGATE": 1,
        "FARGATE_SPOT": 5,
    }


def test_a_provider_at_or_below_its_share_stops_nothing_and_a_missing_share_is_zero():
    assert tasks_to_stop({"FARGATE": 2, "FARGATE_SPOT": 1}, {"FARGATE": 2, "FARGATE_SPOT": 3}) == {}
    assert tasks_to_stop({"FARGATE": 2, "EC2": 3}, {"FARGATE": 2}) == {"EC2": 3}


@given(st.integers(0, 4), st.integers(0, 8), st.integers(1, 8), st.integers(0, 60), st.integers(0, 60))
def test_with_two_providers_scale_in_only_stops_and_the_base_provider_loses_last(
    base, weight, spot_weight, fewer, more
):
    fewer, more = sorted((fewer, more))
    strategy = [
        {"capacityProvider": "FARGATE", "base": base, "weight": weight},
        {"capacityProvider": "FARGATE_SPOT", "weight": spot_weight},
    ]
    before, after = split(strategy, more), split(strategy, fewer)
    stops = tasks_to_stop(before, after)
    assert sum(stops.values()) == more - fewer  # nothing starts anywhere
    assert after["FARGATE"] >= min(base, fewer)  # the base is the last to go
