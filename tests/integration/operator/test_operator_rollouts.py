"""Issue 6, points 1 and 2: deployment limits during a new revision's rollout, and ECS deployments."""

from __future__ import annotations

import time

from conftest import steady, wait_until
from scenario import (
    PodSampler,
    StatusRecorder,
    apply,
    cluster,
    condition,
    deployments,
    patch_service_spec,
    pod_task_definitions,
    primary,
    replicas,
    service,
    status_messages,
    task_definition,
    timed,
    wait_for_event,
)

from ecs_operator.controller import resources

SPLIT = [
    {"capacityProvider": "FARGATE", "base": 1, "weight": 1},
    {"capacityProvider": "FARGATE_SPOT", "weight": 1},
]


def _start(kube, namespace, desired, **config):
    apply(
        kube,
        namespace,
        cluster(["FARGATE", "FARGATE_SPOT"]),
        task_definition("app"),
        service("app", "app", desired, SPLIT, **config),
    )
    wait_until(lambda: steady(kube, namespace, "app", desired), 90, "app steady on revision 1")


def test_rollout_keeps_the_service_within_minimum_healthy_and_maximum_percent(operator, kube, namespace):
    # desired 8, min 50 %, max 125 %: at least 4 healthy and at most 10 tasks, whatever the split.
    _start(kube, namespace, 8, minimum=50, maximum=125)
    pdb = kube.get(resources.POD_DISRUPTION_BUDGET, namespace, "app")
    assert pdb["spec"]["minAvailable"] == 4
    strategies = {
        name: d["spec"]["strategy"]["rollingUpdate"]
        for name, d in {d["metadata"]["name"]: d for d in kube.list(resources.DEPLOYMENT, namespace)}.items()
    }
    assert set(strategies) == {"app-fargate", "app-fargate-spot"}
    with PodSampler(kube, namespace, "app") as sampler:
        apply(kube, namespace, task_definition("app", version="2"))
        _, took = timed(
            lambda: (
                steady(kube, namespace, "app", 8)
                and primary(kube, namespace, "app")["taskDefinition"] == "app:2"
            ),
            120,
            "revision 2 rolled out",
        )
    assert pod_task_definitions(kube, namespace, "app") == {"app-2": 8}
    assert sampler.max_total <= 10, f"more than floor(8 x 125 %) tasks at once: {sampler.max_total}"
    assert sampler.min_ready >= 4, f"fewer than ceil(8 x 50 %) healthy tasks: {sampler.min_ready}"
    assert sampler.max_total > 8 or sampler.min_ready < 8, (
        "the rollout used neither its surge nor its stop budget"
    )
    print(
        f"\nrollout 8 tasks min50/max125: {took:.1f} s, "
        f"max total {sampler.max_total}, min ready {sampler.min_ready}"
    )


def test_a_configuration_that_allows_neither_start_nor_stop_submits_nothing_and_says_so(
    operator, kube, namespace
):
    # ECS's own example: desired 3, max 125 % -> floor(3.75) = 3, min 100 % -> 3: nothing may move.
    _start(kube, namespace, 3, minimum=100, maximum=125)
    templates_before = {
        name: d["spec"]["template"]
        for name, d in {d["metadata"]["name"]: d for d in kube.list(resources.DEPLOYMENT, namespace)}.items()
    }
    apply(kube, namespace, task_definition("app", version="2"))
    blocked = wait_until(
        lambda: (
            condition(kube, namespace, "app", "Ready").get("reason") == "DeploymentConfigurationBlocked"
            and condition(kube, namespace, "app", "Ready")
        ),
        30,
        "blocked condition",
    )
    assert "unable to stop or start tasks during a deployment" in blocked["message"]
    assert any("unable to stop or start tasks" in m for m in status_messages(kube, namespace, "app"))
    wait_for_event(kube, namespace, "app", lambda e: e["reason"] == "DeploymentConfigurationBlocked", "Event")
    live = {d["metadata"]["name"]: d for d in kube.list(resources.DEPLOYMENT, namespace)}
    assert {n: d["spec"]["template"] for n, d in live.items()} == templates_before, (
        "a new template was submitted"
    )
    assert pod_task_definitions(kube, namespace, "app") == {"app-1": 3}
    # The user fixes the numbers: the waiting deployment rolls out.
    patch_service_spec(
        kube, namespace, "app", deploymentConfiguration={"minimumHealthyPercent": 100, "maximumPercent": 200}
    )
    wait_until(
        lambda: (
            steady(kube, namespace, "app", 3) and pod_task_definitions(kube, namespace, "app") == {"app-2": 3}
        ),
        90,
        "rolled out once unblocked",
    )
    assert condition(kube, namespace, "app", "Ready")["reason"] == "SteadyState"


def test_a_new_revision_opens_a_primary_deployment_and_the_old_one_drains_away(operator, kube, namespace):
    # max 120 % of 5 = 6: one task at a time, so the two deployments coexist for a while.
    _start(kube, namespace, 5, minimum=100, maximum=120)
    first = deployments(kube, namespace, "app")
    assert [(d["status"], d["rolloutState"], d["taskDefinition"]) for d in first] == [
        ("PRIMARY", "COMPLETED", "app:1")
    ]
    first_id = first[0]["id"]

    # Changes ECS says start no deployment: desiredCount, strategy, deploymentConfiguration.
    patch_service_spec(kube, namespace, "app", desiredCount=6)
    wait_until(lambda: steady(kube, namespace, "app", 6), 60, "scaled to 6")
    patch_service_spec(
        kube,
        namespace,
        "app",
        capacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}],
    )
    wait_until(
        lambda: replicas(kube, namespace).get("app-fargate") == 6, 60, "strategy moved to FARGATE only"
    )
    patch_service_spec(
        kube,
        namespace,
        "app",
        desiredCount=5,
        deploymentConfiguration={"minimumHealthyPercent": 100, "maximumPercent": 120},
    )
    wait_until(
        lambda: steady(kube, namespace, "app", 5) and "app-fargate-spot" not in replicas(kube, namespace),
        60,
        "settled on FARGATE",
    )
    assert [d["id"] for d in deployments(kube, namespace, "app")] == [first_id], (
        "a non-deploying change opened one"
    )

    with StatusRecorder(kube, namespace, "app") as recorder:
        started = time.monotonic()
        apply(kube, namespace, task_definition("app", version="2"))
        body = wait_until(
            lambda: (
                steady(kube, namespace, "app", 5)
                if primary(kube, namespace, "app").get("taskDefinition") == "app:2"
                else None
            ),
            120,
            "revision 2 COMPLETED",
        )
        took = time.monotonic() - started
    final = body["status"]["deployments"]
    assert len(final) == 1 and final[0]["id"] != first_id and final[0]["status"] == "PRIMARY"
    assert final[0]["rolloutState"] == "COMPLETED" and final[0]["taskDefinition"] == "app:2"
    new_id = final[0]["id"]
    views = recorder.seen
    both = [v for v in views if len(v) == 2]
    assert both, f"never saw two deployments at once: {views}"
    assert all(v[0] == (new_id, "PRIMARY", "IN_PROGRESS", "app:2") for v in both)
    assert all(v[1][:2] == (first_id, "ACTIVE") and v[1][3] == "app:1" for v in both)
    assert any(v == [(new_id, "PRIMARY", "IN_PROGRESS", "app:2")] for v in views) or both
    assert views[-1] == [(new_id, "PRIMARY", "COMPLETED", "app:2")]
    messages = status_messages(kube, namespace, "app")
    assert any(new_id in m and "deployment completed" in m for m in messages)
    wait_for_event(kube, namespace, "app", lambda e: e["reason"] == "DeploymentCompleted", "Event")
    print(f"\nrevision 2 over 5 tasks one at a time: COMPLETED after {took:.1f} s")


def test_fields_a_new_revision_drops_are_gone_from_the_children(operator, kube, namespace):
    """Children are created with a POST, which records our fields under an Update entry; a later
    apply removes only what an Apply entry owns, so the operator claims the entry first
    (controller/ownership.py). Without that, EXTRA below would stay in the pods forever."""
    first = task_definition("app")
    first["spec"]["containerDefinitions"][0]["environment"].append({"name": "EXTRA", "value": "yes"})
    apply(kube, namespace, cluster(["FARGATE", "FARGATE_SPOT"]), first, service("app", "app", 2, SPLIT))
    wait_until(lambda: steady(kube, namespace, "app", 2), 90, "app steady on revision 1")

    def environments():
        return {
            d["metadata"]["name"]: {
                e["name"]: e.get("value") for e in d["spec"]["template"]["spec"]["containers"][0]["env"]
            }
            for d in kube.list(resources.DEPLOYMENT, namespace)
        }

    assert {name: env.get("EXTRA") for name, env in environments().items()} == {
        "app-fargate": "yes",
        "app-fargate-spot": "yes",
    }
    apply(kube, namespace, task_definition("app", version="2"))
    wait_until(
        lambda: (
            primary(kube, namespace, "app").get("taskDefinition") == "app:2"
            and steady(kube, namespace, "app", 2)
        ),
        120,
        "revision 2 COMPLETED",
    )
    for name, env in environments().items():
        assert env.get("VERSION") == "2" and "EXTRA" not in env, (name, env)
    for deployment in kube.list(resources.DEPLOYMENT, namespace):
        ours = {
            e["operation"]
            for e in deployment["metadata"]["managedFields"]
            if e["manager"] == "ecs-operator" and not e.get("subresource")
        }
        assert ours == {"Apply"}, (deployment["metadata"]["name"], deployment["metadata"]["managedFields"])
