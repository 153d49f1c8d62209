"""Issue 6, point 4: spot interruptions on a node pool of the test's own (NoExecute taint, then the
node goes), ECS's behaviour when no spot capacity is left, and the 120 s spot grace period."""

from __future__ import annotations

import time

from conftest import steady, wait_until
from scenario import (
    apply,
    cluster,
    condition,
    dedicated_pool,
    live_pods,
    provider_status,
    service,
    status_messages,
    task_definition,
    wait_for_event,
)

from ecs_operator.controller import resources
from ecs_operator.localcluster.nodes import NodeShape

SMALL = NodeShape(cpu="2", memory="8Gi", pods=20)  # 8 tasks of 256 cpu units each


def test_interrupted_spot_tasks_move_to_the_remaining_spot_capacity_then_wait_unplaced(
    operator, kube, api_client, namespace
):
    with dedicated_pool(kube, api_client, nodes=2, shape=SMALL) as pool:
        strategy = [{"capacityProvider": pool.provider, "weight": 1}]
        apply(
            kube,
            namespace,
            cluster(["FARGATE", "FARGATE_SPOT", pool.provider]),
            task_definition("app"),
            service("app", "app", 4, strategy, minimum=50),
        )
        wait_until(lambda: steady(kube, namespace, "app", 4), 90, "app steady on the spot pool")
        on_node: dict[str, int] = {}
        for pod in live_pods(kube, namespace, "app"):
            on_node[pod["spec"]["nodeName"]] = on_node.get(pod["spec"]["nodeName"], 0) + 1
        assert set(on_node) <= set(pool.nodes)
        # The busiest node is reclaimed: its tasks are replaced on the other spot node.
        victim = max(pool.nodes, key=lambda n: on_node.get(n, 0))
        survivor = next(n for n in pool.nodes if n != victim)
        started = time.monotonic()
        pool.interrupt(victim)
        wait_until(
            lambda: (
                steady(kube, namespace, "app", 4)
                and {p["spec"]["nodeName"] for p in live_pods(kube, namespace, "app")} == {survivor}
            ),
            60,
            "tasks replaced on the remaining spot node",
        )
        replaced = time.monotonic() - started

        # The last spot node goes: no spot capacity; the spot share stays unplaced (ECS: no fallback).
        started = time.monotonic()
        pool.interrupt(survivor)
        shown = wait_until(
            lambda: (
                (p := provider_status(kube, namespace, "app").get(pool.provider, {})).get("unplacedCount")
                == 4
                and p
            ),
            60,
            "4 unplaced tasks in status",
        )
        unplaced = time.monotonic() - started
        assert shown["runningCount"] == 0 and shown["desiredCount"] == 4 and shown["pendingCount"] == 0
        ready = condition(kube, namespace, "app", "Ready")
        assert ready["status"] == "False" and ready["reason"] == "TasksUnplaced"
        capacity_message = (
            "service app was unable to place a task. Reason: Capacity is unavailable at this time. "
            "Please try again later or in a different availability zone."
        )
        wait_until(lambda: capacity_message in status_messages(kube, namespace, "app"), 30, "ECS's event")
        wait_for_event(
            kube,
            namespace,
            "app",
            lambda e: e["reason"] == "UnableToPlace" and e["message"] == capacity_message,
            "the UnableToPlace Event",
        )
        # Nothing moved anywhere else: the only child is the spot one, still at 4.
        deployments = {
            d["metadata"]["name"]: d["spec"]["replicas"] for d in kube.list(resources.DEPLOYMENT, namespace)
        }
        assert deployments == {f"app-{pool.provider_object}": 4}

        # Capacity comes back: the tasks start there.
        started = time.monotonic()
        pool.add_node()
        wait_until(lambda: steady(kube, namespace, "app", 4), 60, "steady again on new spot capacity")
        returned = time.monotonic() - started
        assert provider_status(kube, namespace, "app")[pool.provider]["unplacedCount"] == 0
    print(
        f"\nspot interruption: replaced in {replaced:.1f} s; unplaced shown in {unplaced:.1f} s; "
        f"placed again {returned:.1f} s after a node was added"
    )


def test_spot_tasks_get_at_most_120_s_to_stop(operator, kube, api_client, namespace):
    with dedicated_pool(kube, api_client, nodes=1, shape=SMALL) as pool:
        strategy = [
            {"capacityProvider": "FARGATE", "weight": 1},
            {"capacityProvider": pool.provider, "weight": 1},
        ]
        apply(
            kube,
            namespace,
            cluster(["FARGATE", "FARGATE_SPOT", pool.provider]),
            # No FARGATE compatibility: an EC2-style task may ask for 300 s to stop.
            task_definition("app", stop_timeout=300, requires=()),
            service("app", "app", 2, strategy),
        )
        wait_until(lambda: steady(kube, namespace, "app", 2), 90, "app steady")
        grace = {
            p["metadata"]["labels"]["ecs-operator.dev/capacity-provider"]: p["spec"][
                "terminationGracePeriodSeconds"
            ]
            for p in live_pods(kube, namespace, "app")
        }
        assert grace == {"fargate": 300, pool.provider_object: 120}
