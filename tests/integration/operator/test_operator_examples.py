"""The examples, reconciled by the real operator on the local control plane (issue 5)."""

from __future__ import annotations

from collections import Counter

from conftest import EXAMPLES, ecs_service, node_pools, pods_of, ready_condition, steady, wait_until

from ecs_operator.api import labels
from ecs_operator.controller import resources
from ecs_operator.core.k8s.drift import differing_paths, satisfied
from ecs_operator.core.render import render
from ecs_operator.localrun import apply_manifests, read_manifests

APPS = ["01-cluster.yaml", "10-web.yaml", "20-worker.yaml", "30-log-agent.yaml"]


def _apply_examples(kube, namespace, names=APPS):
    apply_manifests(kube, read_manifests([EXAMPLES / n for n in names]), namespace)


def test_web_example_places_4_tasks_on_demand_and_6_on_spot_through_the_real_scheduler(
    operator, kube, kubectl, namespace
):
    _apply_examples(kube, namespace)
    wait_until(lambda: steady(kube, namespace, "web", 10), 90, "web steady at 10 tasks")
    pools = node_pools(kube)
    landed = Counter(
        (p["metadata"]["labels"]["ecs-operator.dev/capacity-provider"], pools[p["spec"]["nodeName"]])
        for p in pods_of(kube, namespace, "web")
        if p["status"].get("phase") == "Running"
    )
    assert landed == {("fargate", "on-demand"): 4, ("fargate-spot", "spot"): 6}
    providers = {p["capacityProvider"]: p for p in ecs_service(kube, namespace, "web")["status"]["providers"]}
    assert providers["FARGATE"]["desiredCount"] == 4 and providers["FARGATE"]["runningCount"] == 4
    assert providers["FARGATE_SPOT"]["desiredCount"] == 6 and providers["FARGATE_SPOT"]["runningCount"] == 6
    # The printer columns show the live numbers.
    wait_until(lambda: steady(kube, namespace, "worker", 3), 60, "worker steady")
    table = kubectl("get", "ecsservices", "-n", namespace)
    web_row = next(line.split() for line in table.splitlines() if line.startswith("web "))
    assert web_row[1:6] == ["10", "10", "0", "web:1", "COMPLETED"]
    worker_pools = {pools[p["spec"]["nodeName"]] for p in pods_of(kube, namespace, "worker")}
    assert worker_pools == {"spot"}
    # /metrics carries the same numbers per service and provider (no pod names in labels).
    metrics = wait_until(
        lambda: (
            (m := operator.metrics()).get(
                f'ecs_operator_service_tasks{{capacity_provider="FARGATE_SPOT",namespace="{namespace}",'
                f'service="web",state="running"}}'
            )
            == 6.0
            and m
        ),
        30,
        "metrics of web",
    )
    on_demand = (
        f'ecs_operator_service_tasks{{capacity_provider="FARGATE",namespace="{namespace}",'
        f'service="web",state="desired"}}'
    )
    assert metrics[on_demand] == 4.0
    assert any(k.startswith("ecs_operator_capacity_provider_reservation_percent{") for k in metrics)


def test_daemon_service_runs_one_task_per_node_of_each_pool(operator, kube, namespace):
    _apply_examples(kube, namespace, ["01-cluster.yaml", "30-log-agent.yaml"])
    pools = node_pools(kube)
    ready_nodes = sum(1 for n in pools.values() if n in ("on-demand", "spot"))
    body = wait_until(lambda: steady(kube, namespace, "log-agent", ready_nodes), 90, "log-agent steady")
    per_node = Counter(p["spec"]["nodeName"] for p in pods_of(kube, namespace, "log-agent"))
    assert set(per_node.values()) == {1} and len(per_node) == ready_nodes
    assert {d["kind"] for d in kube.list(resources.DAEMON_SET, namespace)} >= {"DaemonSet"}
    assert body["status"]["desiredCount"] == ready_nodes


def test_render_prints_exactly_what_the_operator_applies(operator, kube, namespace):
    _apply_examples(kube, namespace, ["01-cluster.yaml", "10-web.yaml"])
    wait_until(lambda: steady(kube, namespace, "web", 10), 90, "web steady")
    docs = read_manifests(
        [EXAMPLES / "00-capacity-providers.yaml", EXAMPLES / "01-cluster.yaml", EXAMPLES / "10-web.yaml"]
    )
    rendered = render(docs, namespace=namespace, now=__import__("datetime").datetime.now()).objects
    children = [o for o in rendered if o["kind"] in ("Deployment", "Service", "PodDisruptionBudget")]
    assert {o["kind"] for o in children} == {"Deployment", "Service", "PodDisruptionBudget"}
    for obj in children:
        resource = resources.resource_of(obj)
        live = kube.get(resource, namespace, obj["metadata"]["name"])
        assert live is not None, f"{obj['kind']} {obj['metadata']['name']} rendered but not applied"
        # The owner's uid is assigned by the API server; everything else must match.
        expected = {**obj, "metadata": {k: v for k, v in obj["metadata"].items() if k != "ownerReferences"}}
        assert satisfied(expected, live), differing_paths(expected, live)
        assert live["metadata"]["ownerReferences"][0]["name"] == "web"


def test_nothing_is_written_at_steady_state_nor_after_an_operator_restart(operator, kube, namespace):
    _apply_examples(kube, namespace, ["01-cluster.yaml", "10-web.yaml"])
    wait_until(lambda: steady(kube, namespace, "web", 10), 90, "web steady")
    # The Cluster recounts running tasks at most once a second: steady once it has counted all 10.
    wait_until(
        lambda: (
            (kube.get(resources.ECS_CLUSTER, namespace, "default").get("status") or {}).get(
                "runningTasksCount"
            )
            == 10
        ),
        10,
        "the Cluster counts 10 running tasks",
    )
    kinds = [
        resources.ECS_SERVICE,
        resources.TASK_DEFINITION,
        resources.ECS_CLUSTER,
        resources.DEPLOYMENT,
        resources.SERVICE,
        resources.POD_DISRUPTION_BUDGET,
        resources.CONTROLLER_REVISION,
    ]

    def versions():
        return {
            (r.plural, o["metadata"]["name"]): o["metadata"]["resourceVersion"]
            for r in kinds
            for o in kube.list(r, namespace)
        }

    before = versions()
    assert len(before) >= 8
    __import__("time").sleep(8)
    assert versions() == before, "the operator wrote to objects at steady state"
    operator.stop()
    operator.start()
    __import__("time").sleep(10)  # the restarted operator has listed everything and reconciled it
    assert operator.metrics().get('ecs_operator_reconcile_total{kind="Service",result="ok"}', 0) >= 1
    assert versions() == before, "the restarted operator wrote to objects that were already right"


def test_scale_subresource_changes_desired_count_and_the_split_follows(operator, kube, kubectl, namespace):
    _apply_examples(kube, namespace, ["01-cluster.yaml", "10-web.yaml"])
    wait_until(lambda: steady(kube, namespace, "web", 10), 90, "web steady")
    kubectl("scale", "ecsservice", "web", "--replicas", "4", "-n", namespace)
    wait_until(lambda: steady(kube, namespace, "web", 4), 60, "web steady at 4")

    def replicas():
        return {
            d["metadata"]["name"]: d["spec"]["replicas"] for d in kube.list(resources.DEPLOYMENT, namespace)
        }

    # ECS's own scale-in example: OD base 2 weight 1 / SPOT weight 3 from 10 to 4 -> 3 and 1.
    assert replicas() == {"web-fargate": 3, "web-fargate-spot": 1}
    running = Counter(
        p["metadata"]["labels"]["ecs-operator.dev/capacity-provider"]
        for p in pods_of(kube, namespace, "web")
        if p["status"].get("phase") == "Running"
    )
    assert running == {"fargate": 3, "fargate-spot": 1}, "scale-in removed spot tasks first, base last"


def test_an_edited_child_is_put_back(operator, kube, kubectl, namespace):
    _apply_examples(kube, namespace, ["01-cluster.yaml", "10-web.yaml"])
    wait_until(lambda: steady(kube, namespace, "web", 10), 90, "web steady")
    kube.apply(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web-fargate-spot", "namespace": namespace},
            "spec": {"replicas": 1},
        }
    )
    wait_until(
        lambda: kube.get(resources.DEPLOYMENT, namespace, "web-fargate-spot")["spec"]["replicas"] == 6,
        30,
        "replicas reverted to the split",
    )
    # Without our label the child leaves the operator's picture; its owner reference still says
    # whose it is, so the operator takes it back rather than reporting a foreign object.
    kubectl("label", "deployment", "web-fargate", f"{labels.MANAGED_BY}-", "-n", namespace)
    wait_until(
        lambda: (
            kube.get(resources.DEPLOYMENT, namespace, "web-fargate")["metadata"]["labels"].get(
                labels.MANAGED_BY
            )
            == labels.MANAGED_BY_VALUE
        ),
        30,
        "our label put back",
    )
    assert ready_condition(ecs_service(kube, namespace, "web")).get("reason") != "ErrResourceExists"


def test_bad_references_are_reported_and_other_services_keep_running(operator, kube, namespace):
    _apply_examples(kube, namespace, ["01-cluster.yaml", "10-web.yaml"])
    apply_manifests(
        kube,
        [
            {
                "apiVersion": "ecs-operator.dev/v1alpha1",
                "kind": "Service",
                "metadata": {"name": "orphan"},
                "spec": {"taskDefinition": "missing:3", "desiredCount": 2},
            },
            {
                "apiVersion": "ecs-operator.dev/v1alpha1",
                "kind": "Service",
                "metadata": {"name": "nowhere"},
                "spec": {
                    "taskDefinition": "web",
                    "desiredCount": 2,
                    "capacityProviderStrategy": [{"capacityProvider": "NO_SUCH_PROVIDER", "weight": 1}],
                },
            },
        ],
        namespace,
    )
    wait_until(lambda: steady(kube, namespace, "web", 10), 90, "web steady despite its broken neighbours")
    orphan = wait_until(
        lambda: (
            ready_condition(ecs_service(kube, namespace, "orphan")).get("reason") == "TaskDefinitionNotFound"
            and ecs_service(kube, namespace, "orphan")
        ),
        30,
        "orphan reported",
    )
    assert "missing" in ready_condition(orphan)["message"]
    nowhere = wait_until(
        lambda: (
            ready_condition(ecs_service(kube, namespace, "nowhere")).get("status") == "False"
            and ecs_service(kube, namespace, "nowhere")
        ),
        30,
        "nowhere reported",
    )
    assert "NO_SUCH_PROVIDER" in ready_condition(nowhere)["message"]
    names = {d["metadata"]["name"] for d in kube.list(resources.DEPLOYMENT, namespace)}
    assert names == {"web-fargate", "web-fargate-spot"}, "no child for a Service that cannot run"
    wait_until(
        lambda: any(
            e["involvedObject"]["name"] == "orphan" and e["reason"] == "TaskDefinitionNotFound"
            for e in kube.list(resources.EVENT, namespace)
        ),
        15,
        "the TaskDefinitionNotFound Event",
    )
