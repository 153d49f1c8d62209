"""Issue 6, point 6: scale-in step by step removes exactly the tasks ECS's split at the new count
gives (docs/design.md#scale-in: spot share first, base last), stops only tasks (no replacement
starts) and opens no deployment."""

from __future__ import annotations

from collections import Counter

from conftest import steady, wait_until
from scenario import apply, cluster, deployments, live_pods, patch_service_spec, service, task_definition

STRATEGY = [
    {"capacityProvider": "FARGATE", "base": 2, "weight": 1},
    {"capacityProvider": "FARGATE_SPOT", "weight": 3},
]
# The oracle, worked out by hand from ECS's documented rule (base first, then weight 1:3 by largest
# remainder, ties to the provider listed first): desired -> (fargate, fargate-spot) running, and the
# tasks each loses on the way there from the step before.
START = {"fargate": 4, "fargate-spot": 6}  # 10: base 2, then 8 split 2/6
STEPS = [
    (7, {"fargate": 3, "fargate-spot": 4}, {"fargate": 1, "fargate-spot": 2}),  # base 2, 5 = 1.25/3.75 -> 1/4
    (4, {"fargate": 3, "fargate-spot": 1}, {"fargate-spot": 3}),  # base 2, 2 = 0.5/1.5 -> 1/1 (tie: first)
    (2, {"fargate": 2}, {"fargate": 1, "fargate-spot": 1}),  # the base alone
    (1, {"fargate": 1}, {"fargate": 1}),  # below the base: all on it
]


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
    assert Counter(before.values()) == START
    for desired, expected, lost in STEPS:
        patch_service_spec(kube, namespace, "app", desiredCount=desired)
        wait_until(
            lambda desired=desired: (
                steady(kube, namespace, "app", desired) and len(_running(kube, namespace)) == desired
            ),
            60,
            f"steady at {desired}",
        )
        after = _running(kube, namespace)
        assert Counter(after.values()) == expected, (desired, Counter(after.values()))
        assert set(after) <= set(before), f"scale-in to {desired} started tasks: {set(after) - set(before)}"
        assert Counter(before[name] for name in set(before) - set(after)) == lost
        before = after
    # Only the base provider is left, and scaling opened no deployment.
    assert set(before.values()) == {"fargate"}
    assert [d["id"] for d in deployments(kube, namespace, "app")] == deployment_ids
