from collections import Counter

import pytest

from ecs_operator.core.placement.capacity_split import split, validate_strategy
from ecs_operator.core.run_task.group_placement import providers_for

ECS_EXAMPLE = validate_strategy(
    [
        {"capacityProvider": "FARGATE", "base": 2, "weight": 1},
        {"capacityProvider": "FARGATE_SPOT", "weight": 3},
    ]
)


def test_a_group_of_ten_placed_together_splits_like_one_run_task_count():
    chosen = providers_for(ECS_EXAMPLE, [], 10)
    assert Counter(chosen) == {"FARGATE": 4, "FARGATE_SPOT": 6}


def test_a_group_grown_one_task_at_a_time_ends_on_the_same_split():
    placed: list[str] = []
    for _ in range(10):
        placed += providers_for(ECS_EXAMPLE, placed, 1)
    assert Counter(placed) == {"FARGATE": 4, "FARGATE_SPOT": 6}
    assert placed[:3] == ["FARGATE", "FARGATE", "FARGATE_SPOT"]


@pytest.mark.parametrize("size", range(1, 25))
def test_two_providers_stay_on_the_split_at_every_size(size):
    placed: list[str] = []
    for _ in range(size):
        placed += providers_for(ECS_EXAMPLE, placed, 1)
    assert Counter(placed) == Counter(split(ECS_EXAMPLE, size))


def test_placed_tasks_count_in_either_name_form_and_strangers_do_not():
    placed = ["fargate", "fargate", "fargate-spot", "EC2_OLD"]
    # The group holds 2/1 of the strategy's providers; at 6 tasks the split is 3/3.
    assert providers_for(ECS_EXAMPLE, placed, 3) == ["FARGATE_SPOT", "FARGATE", "FARGATE_SPOT"]


def test_three_weighted_providers_never_move_a_task_to_reach_the_split():
    strategy = validate_strategy(
        [
            {"capacityProvider": "A", "weight": 1},
            {"capacityProvider": "B", "weight": 3},
            {"capacityProvider": "C", "weight": 3},
        ]
    )
    placed = ["A", "B", "C"]  # split(3) is 1/1/1, split(4) is 0/2/2: A keeps its task
    assert providers_for(strategy, placed, 1) == ["B"]  # furthest below, ties to the one listed first
    assert Counter(providers_for(strategy, [], 4)) == {"B": 2, "C": 2}  # together: exactly the split
