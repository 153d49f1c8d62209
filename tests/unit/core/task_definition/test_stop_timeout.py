"""stopTimeout -> terminationGracePeriodSeconds (core/task_definition/stop_timeout.py)."""

from task_definition_inputs import container, task

from ecs_operator.core.task_definition.pod_spec import build_pod_spec


def test_stop_timeout_is_the_largest_container_timeout_with_30_for_unset_ones():
    assert (
        build_pod_spec(task(container("a", stopTimeout=10))).pod_spec["terminationGracePeriodSeconds"] == 10
    )
    two = task(container("a", stopTimeout=10), container("b"))
    assert build_pod_spec(two).pod_spec["terminationGracePeriodSeconds"] == 30
    long = task(container("a", stopTimeout=90), container("b"))
    assert build_pod_spec(long).pod_spec["terminationGracePeriodSeconds"] == 90


def test_spot_capacity_caps_the_grace_period_at_two_minutes(spot_pod_spec):
    # The cap is per capacity provider, applied where the Service's children are built; that it is
    # listed in status.ignoredFields is asserted in tests/unit/core/service/test_plan.py.
    assert spot_pod_spec(task(container("a", stopTimeout=300)))["terminationGracePeriodSeconds"] == 120
    assert spot_pod_spec(task(container("a", stopTimeout=60)))["terminationGracePeriodSeconds"] == 60
    within = build_pod_spec(task(container("a", stopTimeout=60)))
    assert within.pod_spec["terminationGracePeriodSeconds"] == 60 and within.unsupported == []
