"""Issue 6, point 6: scale-in step by step removes exactly the tasks the split says (spot share first,
base last), stops only tasks (no replacement starts) and opens no deployment."""

from __future__ import annotations

from collections import Counter

from conftest import steady, wait_until
from scenario import apply, cluster, deployments, live_pods, patch_service_spec, service, task_definition

from ecs_operator.core.placement.capacity_split import split

STRATEGY = [
    {"capacityProvider": "FARGATE", "base": 2, "weight": 1},
    {"capacityProvider": "FARGATE_SPOT", "weight": 3},
]
K8S = {"FARGATE": "fargate", "FARGATE_SPOT": "fargate-spot"}


def _running(kube, namespace):
    return {
        p["metadata"]["name"]: p["metadata"]["labels"]["ecs-operator.dev/capacity-provider"]
        for p in live_pods(kube, namespace, "app")
        if p["status"].get("phase") == "Running"
    }


def test_scale_in_step_by_step_follows_the_split_and_only_stops_tasks(operator, kube, namespace):
    apply(
        kube,
        namespace,
        cluster(["FARGATE", "FARGATE_SPOT"]),
        task_definition("app"),
        service("app", "app", 10, STRATEGY),
    )
    wait_until(lambda: steady(kube, namespace, "app", 10), 90, "app steady at 10")
    deployment_ids = [d["id"] for d in deployments(kube, namespace, "app")]
    before = _running(kube, namespace)
    assert Counter(before.values()) == {"fargate": 4, "fargate-spot": 6}
    for desired in (7, 4, 2, 1):
        patch_service_spec(kube, namespace, "app", desiredCount=desired)
        wait_until(
            lambda desired=desired: (
                steady(kube, namespace, "app", desired) and len(_running(kube, namespace)) == desired
            ),
            60,
            f"steady at {desired}",
        )
        after = _running(kube, namespace)
        expected = {K8S[k]: v for k, v in split(STRATEGY, desired).items() if v}
        assert Counter(after.values()) == expected, (desired, Counter(after.values()))
        assert set(after) <= set(before), f"scale-in to {desired} started tasks: {set(after) - set(before)}"
        removed = Counter(before[name] for name in set(before) - set(after))
        previous = Counter(before.values())
        assert removed == {
            k: previous[k] - expected.get(k, 0) for k in previous if previous[k] > expected.get(k, 0)
        }
        before = after
    # Only the base provider is left, and scaling opened no deployment.
    assert set(before.values()) == {"fargate"}
    assert [d["id"] for d in deployments(kube, namespace, "app")] == deployment_ids
