from ecs_operator.core.service.retire import retired
from ecs_operator.core.task.state import pod_state

WANTED = [{"kind": "Deployment", "metadata": {"name": "web-fargate"}}]
LIVE = [("Deployment", "web-fargate"), ("Deployment", "web-fargate-spot"), ("Service", "old")]


def _pod(ready):
    return pod_state(
        {
            "metadata": {"name": "p", "labels": {"ecs-operator.dev/capacity-provider": "fargate"}},
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": str(ready)}]},
        }
    )


def test_a_workload_that_left_waits_for_the_replacements_other_children_go_at_once():
    assert retired(LIVE, WANTED, [_pod(False)], {"fargate"}, 1) == [("Service", "old")]
    assert retired(LIVE, WANTED, [_pod(True)], {"fargate"}, 1) == [
        ("Deployment", "web-fargate-spot"),
        ("Service", "old"),
    ]
