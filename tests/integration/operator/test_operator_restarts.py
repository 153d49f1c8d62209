"""Issue 6, point 7: the operator is killed (SIGKILL) mid-rollout and mid-fallback; once started
again it finishes the job, with no duplicate or orphaned children and no lost task."""

from __future__ import annotations

import time

from conftest import steady, wait_until
from scenario import (
    PodSampler,
    StatusRecorder,
    apply,
    cluster,
    dedicated_pool,
    deployments,
    live_pods,
    pod_task_definitions,
    primary,
    provider_status,
    replicas,
    service,
    task_definition,
)
from test_operator_fallback import SMALL, fallback_service, fallen_back

from ecs_operator.controller import resources
from ecs_operator.controller.resources import Resource
from ecs_operator.core.task.state import pod_state

REPLICA_SET = Resource("apps", "v1", "replicasets", "ReplicaSet")

SPLIT = [
    {"capacityProvider": "FARGATE", "base": 1, "weight": 1},
    {"capacityProvider": "FARGATE_SPOT", "weight": 1},
]


def _no_orphans(kube, namespace, expected_children):
    assert set(replicas(kube, namespace)) == expected_children
    live_sets = [rs for rs in kube.list(REPLICA_SET, namespace) if (rs["spec"].get("replicas") or 0) > 0]
    assert len(live_sets) == len(expected_children), [rs["metadata"]["name"] for rs in live_sets]
    for rs in kube.list(REPLICA_SET, namespace):
        owners = rs["metadata"].get("ownerReferences") or []
        assert owners and owners[0]["name"] in expected_children, f"orphaned {rs['metadata']['name']}"


def test_killed_mid_rollout_the_operator_finishes_it_after_restart(operator, kube, namespace):
    # desired 10, max 110 %: one task of surge for the whole service, so the second child waits for
    # the first; the operator, not Kubernetes, must hand the budget on.
    apply(
        kube,
        namespace,
        cluster(["FARGATE", "FARGATE_SPOT"]),
        task_definition("app"),
        service("app", "app", 10, SPLIT, minimum=100, maximum=110),
    )
    wait_until(lambda: steady(kube, namespace, "app", 10), 90, "app steady on revision 1")
    first_id = primary(kube, namespace, "app")["id"]
    with PodSampler(kube, namespace, "app") as sampler, StatusRecorder(kube, namespace, "app") as recorder:
        apply(kube, namespace, task_definition("app", version="2"))
        wait_until(
            lambda: primary(kube, namespace, "app").get("taskDefinition") == "app:2", 30, "rollout started"
        )
        operator.kill()
        killed_at = time.monotonic()
        before = pod_task_definitions(kube, namespace, "app")
        try:
            assert before.get("app-1"), f"the rollout was over before the kill: {before}"
        finally:
            operator.start()
        restarted = time.monotonic()
        body = wait_until(
            lambda: (
                steady(kube, namespace, "app", 10)
                if primary(kube, namespace, "app").get("taskDefinition") == "app:2"
                and pod_task_definitions(kube, namespace, "app") == {"app-2": 10}
                else None
            ),
            120,
            "rollout finished after the restart",
        )
        finished = time.monotonic()
    new = body["status"]["deployments"]
    assert len(new) == 1 and new[0]["id"] != first_id and new[0]["rolloutState"] == "COMPLETED"
    # One new deployment only, however often the restarted operator looked.
    ids = {entry["id"] for view in recorder.entries for entry in view}
    assert ids == {first_id, new[0]["id"]}, ids
    over = [(round(x.at - killed_at, 2), x.total, x.by_provider) for x in sampler.samples if x.total > 11]
    assert sampler.min_ready >= 10 and sampler.max_total <= 11, (sampler.min_ready, sampler.max_total, over)
    _no_orphans(kube, namespace, {"app-fargate", "app-fargate-spot"})
    assert len(live_pods(kube, namespace, "app")) == 10
    print(
        f"\nrestart mid-rollout: pods at the kill {before}; finished {finished - restarted:.1f} s after the "
        f"restart ({finished - killed_at:.1f} s after the kill)"
    )


def test_killed_mid_fallback_and_mid_return_the_operator_finishes_both(operator, kube, api_client, namespace):
    with dedicated_pool(kube, api_client, nodes=1, shape=SMALL) as pool:
        spot_child = f"app-{pool.provider_object}"
        apply(
            kube,
            namespace,
            cluster(["FARGATE", "FARGATE_SPOT", pool.provider]),
            task_definition("app"),
            fallback_service(pool),
        )
        wait_until(lambda: steady(kube, namespace, "app", 4), 90, "app steady on the spot pool")

        # Out: the operator is down when the spot capacity goes; once back it sees pods unplaceable
        # for longer than unschedulableSeconds and falls back.
        operator.kill()
        try:
            pool.interrupt(pool.nodes[0])
            wait_until(
                lambda: (
                    sum(
                        1
                        for p in kube.list(resources.POD, namespace, "ecs-operator.dev/service=app")
                        if pod_state(p).unplaced
                    )
                    == 4
                ),
                60,
                "4 replacement tasks unplaceable while the operator is down",
            )
        finally:
            operator.start()
        started = time.monotonic()
        wait_until(lambda: fallen_back(kube, namespace, pool, 4), 60, "4 tasks on FARGATE after the restart")
        wait_until(lambda: steady(kube, namespace, "app", 4), 30, "steady while fallen back")
        out = time.monotonic() - started
        assert replicas(kube, namespace) == {spot_child: 0, "app-fargate": 4}

        # Back: killed as soon as the return starts. On kwok the return can be over within a second,
        # sooner than a poll would see it, so the start comes from a watch.
        with PodSampler(kube, namespace, "app") as sampler, StatusRecorder(kube, namespace, "app") as watched:
            pool.add_node(wait=False)
            watched.wait_for(
                lambda seen: any(
                    f.get("returning") for f in (seen.get("fallback") or {}).get("fallbacks") or []
                ),
                90,
                "return started",
            )
            operator.kill()
            at_kill = replicas(kube, namespace)
            operator.start()
            started = time.monotonic()
            wait_until(
                lambda: (
                    (p := provider_status(kube, namespace, "app")).get(pool.provider, {}).get("runningCount")
                    == 4
                    and "FARGATE" not in p
                    and replicas(kube, namespace).get("app-fargate", 0) == 0
                    and steady(kube, namespace, "app", 4)
                ),
                90,
                "back on the spot pool after the restart",
            )
            back = time.monotonic() - started
        assert sampler.min_ready >= 4, sampler.min_ready
        assert len(live_pods(kube, namespace, "app")) == 4
        assert {
            p["metadata"]["labels"]["ecs-operator.dev/capacity-provider"]
            for p in live_pods(kube, namespace, "app")
        } == {pool.provider_object}
        assert len(deployments(kube, namespace, "app")) == 1
        children = set(replicas(kube, namespace))
        assert children <= {spot_child, "app-fargate"}
    print(
        f"\nrestart mid-fallback: on FARGATE {out:.1f} s after the restart; children at the kill "
        f"mid-return {at_kill}; "
        f"back {back:.1f} s after the restart"
    )
