from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecs_operator.core.service import circuit_breaker
from ecs_operator.core.service.circuit_breaker import BreakerState, evaluate, threshold
from ecs_operator.core.task.state import PodState

START = datetime(2026, 11, 21, 22, 0, tzinfo=UTC)
DEPLOYMENT = "ecs-svc/1111"
ON = {"enable": True, "rollback": True}


def pod(name, *, deployment="ecs-svc-1111", ready=False, failures=0, started=START, **changes) -> PodState:
    state = PodState(
        name=name,
        provider="fargate",
        task_definition="web:2",
        deployment_id=deployment,
        phase="Running",
        ready=ready,
        scheduled=started is not None,
        unschedulable=False,
        unschedulable_message="",
        unschedulable_since=None,
        node_name="node-1",
        restart_count=failures,
        crash_looping=False,
        failed=False,
        essential_failures=failures,
        created_at=START,
        started_at=started,
        ready_since=START if ready else None,
        deleting=False,
    )
    return replace(state, **changes)


def look(previous, pods, *, config=ON, desired=4, grace=0, at=START + timedelta(seconds=10)):
    state = evaluate(
        previous,
        pods,
        deployment_id=DEPLOYMENT,
        config=config,
        desired_count=desired,
        grace_seconds=grace,
        now=at,
    )
    return state.as_dict(), state


# ---- threshold,
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html ----


@pytest.mark.parametrize(("desired", "expected"), [(1, 3), (25, 13), (400, 200), (800, 200)])
def test_default_threshold_matches_the_ecs_table(desired, expected):
    assert threshold({"enable": True, "rollback": True}, desired) == expected
    assert threshold(None, desired) == expected


@pytest.mark.parametrize(
    ("kind", "value", "desired", "expected"),
    [
        ("COUNT", 5, 100, 5),
        ("COUNT", 0, 100, 1),
        ("BOUNDED_PERCENT", 10, 10, 3),
        ("BOUNDED_PERCENT", 100, 1000, 200),
        ("BOUNDED_PERCENT", 30, 25, 8),
        ("UNBOUNDED_PERCENT", 10, 5, 1),
        ("UNBOUNDED_PERCENT", 100, 400, 400),
        ("UNBOUNDED_PERCENT", 0, 10, 1),
    ],
)
def test_threshold_configuration_types(kind, value, desired, expected):
    config = {"enable": True, "rollback": True, "thresholdConfiguration": {"type": kind, "value": value}}
    assert threshold(config, desired) == expected


# ---- counting ----


def test_each_crash_counts_once_however_often_the_controller_looks():
    stored, state = look(None, [pod("a", failures=2)])
    assert state.failure_count == 2
    stored, state = look(stored, [pod("a", failures=2)])
    stored, state = look(stored, [pod("a", failures=2)])
    assert state.failure_count == 2
    _, state = look(stored, [pod("a", failures=3)])
    assert state.failure_count == 3 and state.failed_tasks == 3


def test_reaching_the_threshold_triggers_and_stays_triggered():
    stored, state = look(
        None, [pod("a", failures=1), pod("b", failed=True, failures=1), pod("c", failures=1)]
    )
    assert state.status == circuit_breaker.TRIGGERED and state.triggered
    assert state.ecs() == {"status": "TRIGGERED", "failureCount": 3, "threshold": 3}
    _, later = look(stored, [pod("a", ready=True), pod("d", ready=True)])
    assert later.triggered and later.failure_count == 3


def test_below_the_threshold_it_keeps_monitoring():
    _, state = look(None, [pod("a", failures=2)])
    assert state.status == circuit_breaker.MONITORING


def test_pods_of_other_deployments_do_not_count():
    _, state = look(None, [pod("old", deployment="ecs-svc-9999", failures=50)])
    assert state.failure_count == 0


def test_a_pod_never_ready_after_grace_plus_timeout_counts_once():
    deadline = START + timedelta(seconds=30 + circuit_breaker.NOT_READY_SECONDS)
    _, early = look(None, [pod("a")], grace=30, at=deadline - timedelta(seconds=1))
    assert early.failure_count == 0
    stored, late = look(None, [pod("a")], grace=30, at=deadline)
    assert late.failure_count == 1
    _, again = look(stored, [pod("a")], grace=30, at=deadline + timedelta(minutes=5))
    assert again.failure_count == 1


def test_the_first_crash_of_a_pod_already_counted_as_never_ready_is_not_counted_twice():
    stored, _ = look(None, [pod("a")], at=START + timedelta(hours=1))
    _, state = look(stored, [pod("a", failures=1)], at=START + timedelta(hours=1, seconds=10))
    assert state.failure_count == 1


def test_unplaced_pods_are_not_failed_tasks():
    _, state = look(
        None, [pod("a", started=None, scheduled=False, unschedulable=True)], at=START + timedelta(hours=1)
    )
    assert state.failure_count == 0


def test_a_task_becoming_healthy_resets_the_count_by_default():
    stored, state = look(None, [pod("a", failures=2)])
    assert state.failure_count == 2
    _, state = look(stored, [pod("a", failures=2), pod("b", ready=True)])
    assert state.failure_count == 0
    assert state.failed_tasks == 2


def test_reset_happens_before_new_failures_of_the_same_look_are_added():
    stored, _ = look(None, [pod("a", failures=2)])
    _, state = look(stored, [pod("a", failures=3), pod("b", ready=True)])
    assert state.failure_count == 1


def test_a_task_that_stays_healthy_does_not_reset_again():
    stored, _ = look(None, [pod("b", ready=True)])
    stored, state = look(stored, [pod("b", ready=True), pod("a", failures=2)])
    assert state.failure_count == 2


def test_without_reset_on_healthy_task_failures_accumulate():
    config = {**ON, "resetOnHealthyTask": False}
    stored, _ = look(None, [pod("a", failures=2)], config=config)
    _, state = look(stored, [pod("a", failures=2), pod("b", ready=True)], config=config)
    assert state.failure_count == 2


def test_without_a_breaker_the_status_is_disabled_but_failed_tasks_are_still_counted():
    _, state = look(None, [pod("a", failures=5)], config=None)
    assert state.status == circuit_breaker.DISABLED
    assert state.failed_tasks == 5
    _, off = look(None, [pod("a", failures=5)], config={"enable": False, "rollback": False})
    assert off.status == circuit_breaker.DISABLED


def test_completion_ends_monitoring_for_good():
    _, state = look(None, [pod("a", ready=True)])
    done = state.complete()
    assert done.status == circuit_breaker.MONITORING_COMPLETE
    _, later = look(done.as_dict(), [pod("a", failures=10)])
    assert later.status == circuit_breaker.MONITORING_COMPLETE


def test_bookkeeping_round_trips_through_status():
    stored, state = look(None, [pod("a", failures=1), pod("b", ready=True)])
    assert BreakerState.from_dict(stored) == state
    assert BreakerState.from_dict(None) is None


pod_sets = st.lists(st.tuples(st.booleans(), st.integers(0, 5), st.booleans()), max_size=8).map(
    lambda specs: [
        pod(f"p{i}", ready=ready, failures=failures, started=START if started else None)
        for i, (ready, failures, started) in enumerate(specs)
    ]
)


@given(pod_sets, st.booleans())
def test_looking_again_at_the_same_pods_counts_nothing_new(pods, reset):
    config = {**ON, "resetOnHealthyTask": reset, "thresholdConfiguration": {"type": "COUNT", "value": 1000}}
    at = START + timedelta(hours=1)
    stored, first = look(None, pods, config=config, at=at)
    _, second = look(stored, pods, config=config, at=at + timedelta(minutes=1))
    assert (second.failure_count, second.failed_tasks) == (first.failure_count, first.failed_tasks)
    assert first.failure_count <= first.failed_tasks


@given(pod_sets, st.integers(1, 4))
def test_new_deaths_add_exactly_their_number(pods, deaths):
    config = {**ON, "resetOnHealthyTask": False, "thresholdConfiguration": {"type": "COUNT", "value": 1000}}
    at = START + timedelta(hours=1)
    stored, first = look(None, pods, config=config, at=at)
    crashed = [*pods, pod("new", failures=deaths)]
    _, second = look(stored, crashed, config=config, at=at)
    assert second.failed_tasks == first.failed_tasks + deaths
    assert second.failure_count == first.failure_count + deaths


def test_unhealthy_after_follows_the_slowest_essential_health_check():
    from ecs_operator.core.service.circuit_breaker import NOT_READY_SECONDS, unhealthy_after

    check = {"command": ["CMD-SHELL", "true"], "interval": 5, "timeout": 2, "retries": 2, "startPeriod": 10}
    td = {
        "containerDefinitions": [
            {"name": "a", "essential": True, "healthCheck": check},
            {"name": "b", "essential": True, "healthCheck": {"command": ["CMD", "true"]}},  # 3 x (30 + 5)
            {"name": "c", "essential": False, "healthCheck": {**check, "startPeriod": 300}},
        ]
    }
    assert unhealthy_after(td) == 105
    assert unhealthy_after({"containerDefinitions": [td["containerDefinitions"][0]]}) == 24
    assert unhealthy_after({"containerDefinitions": [{"name": "x"}]}) == NOT_READY_SECONDS
    assert unhealthy_after(None) == NOT_READY_SECONDS


def test_next_failure_in_says_when_the_next_not_ready_task_becomes_overdue():
    pods = [
        pod("a", started=START),
        pod("b", started=START + timedelta(seconds=4)),
        pod("c", started=START, ready=True),
        pod("d", started=START, deployment="ecs-svc-2222"),
        pod("e", started=START, failures=1),
    ]
    at = START + timedelta(seconds=6)
    due = circuit_breaker.next_failure_in(
        pods, deployment_id="ecs-svc/1111", grace_seconds=3, now=at, not_ready_seconds=7
    )
    assert due == 4  # "a" at 10 s (b at 14 s); c is Ready, d another deployment, e already failed
    later = START + timedelta(seconds=20)
    assert (
        circuit_breaker.next_failure_in(
            pods, deployment_id="ecs-svc/1111", grace_seconds=3, now=later, not_ready_seconds=7
        )
        is None
    )
