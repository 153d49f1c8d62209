from ecs_operator.core.service.rolling_children import as_planned, idle_strategy, rolling_order
from ecs_operator.core.service.rollout import rolling_update
from ecs_operator.core.task.state import pod_state

NEW = {"ecs-operator.dev/deployment": "ecs-svc-2"}


def _child(deployment: str, strategy=None) -> dict:
    spec = {"template": {"metadata": {"labels": {"ecs-operator.dev/deployment": deployment}}}}
    if strategy:
        spec["strategy"] = strategy
    return {
        "kind": "Deployment",
        "metadata": {"name": "web-fargate", "annotations": {"ecs-operator.dev/task-definition": "web:1"}},
        "spec": spec,
    }


def _built(deployment: str) -> dict:
    return {
        "metadata": {"annotations": {"ecs-operator.dev/task-definition": "web:2"}},
        "spec": {
            "template": {"metadata": {"labels": {"ecs-operator.dev/deployment": deployment}}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}},
        },
    }


def _pod(deployment: str):
    return pod_state(
        {"metadata": {"name": f"p-{deployment}", "labels": {"ecs-operator.dev/deployment": deployment}}}
    )


def test_a_child_with_no_budget_still_gets_a_strategy_kubernetes_accepts():
    plan = rolling_update(
        4, {"fargate": 2, "fargate-spot": 2}, minimum_healthy_percent=100, maximum_percent=125
    )
    obj = as_planned(
        _built("ecs-svc-2"), None, plan.children["fargate-spot"], blocked=False, daemon=False, paused=False
    )
    update = obj["spec"]["strategy"]["rollingUpdate"]
    assert update["maxSurge"] + update["maxUnavailable"] > 0
    assert idle_strategy(None) == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0},
    }


def test_an_idle_child_keeps_its_live_strategy_so_nothing_is_written():
    live = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 3, "maxUnavailable": 0}}
    assert idle_strategy(_child("ecs-svc-1", live)) == live


def test_a_held_child_keeps_its_live_template_and_task_definition_annotation():
    plan = rolling_update(
        4, {"fargate": 2, "fargate-spot": 2}, minimum_healthy_percent=100, maximum_percent=125
    )
    live = _child("ecs-svc-1")
    obj = as_planned(
        _built("ecs-svc-2"), live, plan.children["fargate-spot"], blocked=False, daemon=False, paused=False
    )
    assert obj["spec"]["template"] == live["spec"]["template"]
    assert obj["metadata"]["annotations"]["ecs-operator.dev/task-definition"] == "web:1"


def test_children_mid_rollout_come_first_and_up_to_date_children_do_not_roll():
    live = {
        "FARGATE": _child("ecs-svc-1"),  # old template: still to roll
        "FARGATE_SPOT": _child("ecs-svc-2"),  # new template, old tasks still running: mid-rollout
        "EC2": _child("ecs-svc-2"),  # new template, only new tasks: done
    }
    pods = {"FARGATE_SPOT": [_pod("ecs-svc-1"), _pod("ecs-svc-2")], "EC2": [_pod("ecs-svc-2")]}
    assert rolling_order(live, pods, NEW) == ["FARGATE_SPOT", "FARGATE"]


def test_a_child_not_created_yet_rolls():
    assert rolling_order({"FARGATE": None}, {}, NEW) == ["FARGATE"]
