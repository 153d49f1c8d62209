from math import ceil, floor

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecs_operator.core.service import events
from ecs_operator.core.service.rollout import maximum_tasks, minimum_healthy, pdb_spec, rolling_update

# ---- the worked examples of
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html ----


def test_desired_4_min_50_may_stop_2_tasks_first():
    plan = rolling_update(4, {"fargate": 4}, minimum_healthy_percent=50, maximum_percent=100)
    assert minimum_healthy(4, 50) == 2
    assert plan.children["fargate"].max_unavailable == 2
    assert plan.children["fargate"].max_surge == 0


def test_desired_2_min_75_may_stop_none_because_ceil_1_5_is_2():
    plan = rolling_update(2, {"fargate": 2}, minimum_healthy_percent=75, maximum_percent=200)
    assert minimum_healthy(2, 75) == 2
    assert plan.children["fargate"].max_unavailable == 0
    assert plan.children["fargate"].max_surge == 2


def test_desired_4_max_200_may_start_4_before_stopping():
    plan = rolling_update(4, {"fargate": 4}, minimum_healthy_percent=100, maximum_percent=200)
    assert maximum_tasks(4, 200) == 8
    assert plan.children["fargate"].max_surge == 4
    assert plan.children["fargate"].max_unavailable == 0


def test_desired_3_max_125_may_start_none_because_floor_3_75_is_3():
    plan = rolling_update(3, {"fargate": 3}, minimum_healthy_percent=50, maximum_percent=125)
    assert maximum_tasks(3, 125) == 3
    assert plan.children["fargate"].max_surge == 0
    assert plan.children["fargate"].max_unavailable == 1


def test_neither_start_nor_stop_blocks_the_deployment_with_ecs_message():
    plan = rolling_update(
        3, {"fargate": 3}, minimum_healthy_percent=100, maximum_percent=125, service_name="web"
    )
    assert plan.blocked
    assert plan.children["fargate"].hold
    assert plan.event == events.unable_to_stop_or_start("web")
    assert plan.event.message == (
        "service web was unable to stop or start tasks during a deployment because of the service "
        "deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again."
    )


# ---- splitting the service-wide budget over children ----


def test_defaults_give_every_child_a_surge_of_its_own_size():
    plan = rolling_update(10, {"fargate": 4, "fargate-spot": 6})
    assert (plan.minimum_healthy, plan.maximum_tasks) == (10, 20)
    assert plan.children["fargate"].max_surge == 4
    assert plan.children["fargate-spot"].max_surge == 6
    assert not plan.blocked and not any(c.hold for c in plan.children.values())


def test_budget_is_shared_in_proportion_to_replicas():
    plan = rolling_update(
        10, {"fargate": 4, "fargate-spot": 6}, minimum_healthy_percent=50, maximum_percent=100
    )
    assert plan.children["fargate"].max_unavailable == 2
    assert plan.children["fargate-spot"].max_unavailable == 3


def test_a_budget_smaller_than_the_children_rolls_them_one_after_the_other():
    plan = rolling_update(
        4, {"fargate": 2, "fargate-spot": 2}, minimum_healthy_percent=100, maximum_percent=125
    )
    assert not plan.blocked
    first, second = plan.children["fargate"], plan.children["fargate-spot"]
    assert (first.max_surge, first.max_unavailable, first.hold) == (1, 0, False)
    assert second.hold and second.max_surge == second.max_unavailable == 0


def test_a_child_already_rolling_keeps_its_unit_when_listed_first():
    plan = rolling_update(
        4,
        {"fargate": 2, "fargate-spot": 2},
        minimum_healthy_percent=100,
        maximum_percent=125,
        rolling=["fargate-spot", "fargate"],
    )
    assert not plan.children["fargate-spot"].hold
    assert plan.children["fargate"].hold


def test_children_already_up_to_date_take_no_budget():
    plan = rolling_update(
        4,
        {"fargate": 2, "fargate-spot": 2},
        minimum_healthy_percent=100,
        maximum_percent=150,
        rolling=["fargate"],
    )
    assert plan.children["fargate"].max_surge == 2
    assert plan.children["fargate-spot"].max_surge == 0
    assert not plan.children["fargate-spot"].hold


def test_a_child_with_no_budget_waits_with_zero_zero_the_first_rolls_with_one_surge():
    # The strategy Kubernetes gets for the waiting child: test_rolling_children.
    plan = rolling_update(
        4, {"fargate": 2, "fargate-spot": 2}, minimum_healthy_percent=100, maximum_percent=125
    )
    waiting, first = plan.children["fargate-spot"], plan.children["fargate"]
    assert (waiting.max_surge, waiting.max_unavailable, waiting.hold) == (0, 0, True)
    assert (first.max_surge, first.max_unavailable) == (1, 0)


def test_a_child_with_no_replicas_is_neither_rolled_nor_held():
    plan = rolling_update(3, {"fargate": 3, "fargate-spot": 0})
    assert not plan.children["fargate-spot"].hold
    assert plan.children["fargate-spot"].max_surge == 0


def test_nothing_to_roll_is_not_blocked():
    assert not rolling_update(0, {"fargate": 0}, minimum_healthy_percent=100, maximum_percent=100).blocked


def test_daemon_forces_max_100_and_defaults_min_to_0():
    plan = rolling_update(5, {"ec2": 3, "ec2-spot": 2}, daemon=True, maximum_percent=200)
    assert plan.maximum_tasks == 5 and plan.minimum_healthy == 0
    assert all(c.max_surge == 0 for c in plan.children.values())
    assert plan.children["ec2"].max_unavailable == 3
    assert plan.children["ec2-spot"].max_unavailable == 2


def test_daemon_with_min_100_is_blocked():
    assert rolling_update(5, {"ec2": 5}, minimum_healthy_percent=100, daemon=True).blocked


# ---- properties over any split and any percentages ----

splits = st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=5).map(
    lambda counts: {f"cp-{i}": n for i, n in enumerate(counts)}
)


@given(splits, st.integers(0, 150), st.integers(100, 400))
def test_service_wide_limits_hold_for_any_split(children, min_percent, max_percent):
    desired = sum(children.values())
    plan = rolling_update(desired, children, min_percent, max_percent)
    if plan.blocked:
        assert all(c.hold for c in plan.children.values() if c.replicas > 0)
        return
    assert sum(c.max_unavailable for c in plan.children.values()) <= max(
        0, desired - ceil(desired * min_percent / 100)
    )
    assert sum(c.replicas + c.max_surge for c in plan.children.values()) <= floor(desired * max_percent / 100)
    for child in plan.children.values():
        assert child.max_surge <= child.replicas and child.max_unavailable <= child.replicas
        if child.replicas > 0 and not child.hold:
            assert child.max_surge + child.max_unavailable > 0


@given(splits, st.integers(0, 150), st.integers(0, 400))
def test_blocked_exactly_when_ecs_could_neither_start_nor_stop(children, min_percent, max_percent):
    desired = sum(children.values())
    plan = rolling_update(desired, children, min_percent, max_percent)
    can_stop = desired - minimum_healthy(desired, min_percent) > 0
    can_start = maximum_tasks(desired, max_percent) - desired > 0
    assert plan.blocked == (desired > 0 and not can_stop and not can_start)


@given(splits, st.integers(0, 100), st.integers(100, 400))
def test_the_budget_is_used_as_far_as_the_rolling_children_can_use_it(children, min_percent, max_percent):
    desired = sum(children.values())
    plan = rolling_update(desired, children, min_percent, max_percent)
    moving = [c for c in plan.children.values() if c.replicas > 0 and not c.hold]
    start_budget = maximum_tasks(desired, max_percent) - desired
    stop_budget = desired - minimum_healthy(desired, min_percent)
    assert sum(c.max_surge for c in moving) == min(start_budget, sum(c.replicas for c in moving))
    if start_budget >= len(moving):
        assert sum(c.max_unavailable for c in moving) == min(stop_budget, sum(c.replicas for c in moving))


@given(splits, st.integers(1, 100), st.integers(100, 400))
def test_no_child_waits_when_the_budget_has_a_unit_for_each(children, min_percent, max_percent):
    desired = sum(children.values())
    plan = rolling_update(desired, children, min_percent, max_percent)
    units = (maximum_tasks(desired, max_percent) - desired) + (
        desired - minimum_healthy(desired, min_percent)
    )
    if units >= sum(1 for n in children.values() if n > 0):
        assert not any(c.hold for c in plan.children.values())


# ---- PodDisruptionBudget ----


def test_one_pdb_over_the_service_keeps_ecs_minimum_healthy():
    spec = pdb_spec({"ecs-operator.dev/service": "web"}, desired_count=4, minimum_healthy_percent=75)
    assert spec == {
        "minAvailable": 3,
        "selector": {"matchLabels": {"ecs-operator.dev/service": "web"}},
        "unhealthyPodEvictionPolicy": "AlwaysAllow",
    }


@pytest.mark.parametrize(("desired", "percent"), [(0, 100), (5, 0)])
def test_no_pdb_when_nothing_must_stay_healthy(desired, percent):
    assert pdb_spec({"ecs-operator.dev/service": "web"}, desired, percent) is None


# ---- the budget handed from child to child, through core.service_plan ----


def _plan_inputs(body, families, pods, children):
    from datetime import UTC, datetime

    from ecs_operator.core.service.plan import ServiceInputs

    providers = {
        "fargate": {"name": "FARGATE", "capacityType": "on-demand", "nodeSelector": {"pool": "od"}},
        "fargate-spot": {"name": "FARGATE_SPOT", "capacityType": "spot", "nodeSelector": {"pool": "spot"}},
    }
    return ServiceInputs(
        service=body,
        families=families,
        providers=providers,
        cluster_spec=None,
        pods=pods,
        children=children,
        nodes=[],
        now=datetime(2026, 11, 21, 12, 0, tzinfo=UTC),
    )


def _pods_of(child, count):
    from ecs_operator.core.task.state import pod_state

    template = child["spec"]["template"]
    labels = template["metadata"]["labels"]
    return [
        pod_state(
            {
                "metadata": {
                    "name": f"{child['metadata']['name']}-{labels['ecs-operator.dev/deployment']}-{i}",
                    "labels": template["metadata"]["labels"],
                    "annotations": template["metadata"]["annotations"],
                    "creationTimestamp": "2026-11-21T11:00:00Z",
                },
                "spec": {"nodeName": "n1"},
                "status": {
                    "phase": "Running",
                    "startTime": "2026-11-21T11:00:00Z",
                    "conditions": [
                        {"type": "PodScheduled", "status": "True"},
                        {"type": "Ready", "status": "True", "lastTransitionTime": "2026-11-21T11:00:00Z"},
                    ],
                },
            }
        )
        for i in range(count)
    ]


def test_a_child_whose_new_template_has_stale_status_keeps_the_budget_until_its_old_tasks_are_gone():
    """desired 10, max 110 %: one task of surge for the service. Right after the first child gets the
    new template its Deployment status still says 'all updated' (observedGeneration behind); the old
    pods say otherwise, so the second child must keep its old template."""
    from ecs_operator.core.service.plan import Family, plan_service

    td = {"family": "app", "containerDefinitions": [{"name": "app", "image": "nginx", "memory": 256}]}
    td2 = {**td, "containerDefinitions": [{**td["containerDefinitions"][0], "image": "nginx:2"}]}
    body = {
        "apiVersion": "ecs-operator.dev/v1alpha1",
        "kind": "Service",
        "metadata": {"name": "app", "namespace": "ns", "uid": "u", "generation": 1},
        "spec": {
            "taskDefinition": "app",
            "desiredCount": 10,
            "capacityProviderStrategy": [
                {"capacityProvider": "FARGATE", "base": 1, "weight": 1},
                {"capacityProvider": "FARGATE_SPOT", "weight": 1},
            ],
            "deploymentConfiguration": {"minimumHealthyPercent": 100, "maximumPercent": 110},
        },
        "status": {},
    }
    one = {"app": Family("app", False, {1: td})}
    both = {"app": Family("app", False, {1: td, 2: td2})}

    def live(objects):
        out = []
        for o in objects:
            if o["kind"] != "Deployment":
                continue
            n = o["spec"]["replicas"]
            out.append(
                {
                    **o,
                    "metadata": {**o["metadata"], "generation": 2},
                    "status": {
                        "observedGeneration": 1,
                        "replicas": n,
                        "updatedReplicas": n,
                        "availableReplicas": n,
                    },
                }
            )
        return out

    # Revision 1 at steady state.
    first = plan_service(_plan_inputs(body, one, [], []))
    children = live(first.apply)
    pods = [p for c in children for p in _pods_of(c, c["spec"]["replicas"])]
    settled = plan_service(_plan_inputs({**body, "status": first.status}, one, pods, children))
    assert settled.status["rolloutState"] == "COMPLETED"
    body = {**body, "status": settled.status}

    # Revision 2: one child gets the new template and the single surge task, the other waits.
    step = plan_service(_plan_inputs(body, both, pods, children))
    new = {o["metadata"]["name"]: o for o in step.apply if o["kind"] == "Deployment"}
    old = {c["metadata"]["name"]: c for c in children}
    changed = [n for n in new if new[n]["spec"]["template"] != old[n]["spec"]["template"]]
    assert len(changed) == 1
    waiting = next(n for n in new if n not in changed)

    # Next look: the changed child's status is stale, its old pods still run. The other still waits.
    again = plan_service(_plan_inputs({**body, "status": step.status}, both, pods, live(step.apply)))
    later = {o["metadata"]["name"]: o for o in again.apply if o["kind"] == "Deployment"}
    assert later[waiting]["spec"]["template"] == old[waiting]["spec"]["template"]
    surge = {n: later[n]["spec"]["strategy"]["rollingUpdate"] for n in later}
    assert surge[changed[0]] == {"maxSurge": 1, "maxUnavailable": 0}
