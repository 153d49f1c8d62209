"""Task definition lifecycle, strategy changes, and the chart's RBAC proven by a real run (issues 5, 7)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from conftest import EXAMPLES, ecs_service, pods_of, steady, wait_until

from ecs_operator.controller import resources
from ecs_operator.localcluster import audit
from ecs_operator.localcluster.layout import Layout
from ecs_operator.localrun import OperatorProcess, apply_manifests, read_manifests

WEB = [EXAMPLES / "01-cluster.yaml", EXAMPLES / "10-web.yaml"]


def test_a_deleted_task_definition_is_inactive_while_its_service_keeps_running(operator, kube, namespace):
    apply_manifests(kube, read_manifests(WEB), namespace)
    wait_until(lambda: steady(kube, namespace, "web", 10), 90, "web steady")
    kube.delete(resources.TASK_DEFINITION, namespace, "web")
    inactive = wait_until(
        lambda: (
            (kube.get(resources.TASK_DEFINITION, namespace, "web") or {}).get("status", {}).get("status")
            == "INACTIVE"
            and kube.get(resources.TASK_DEFINITION, namespace, "web")
        ),
        30,
        "web INACTIVE",
    )
    assert inactive["metadata"]["deletionTimestamp"]
    assert len([p for p in pods_of(kube, namespace, "web") if p["status"].get("phase") == "Running"]) == 10
    # The last service gone, the family goes too.
    kube.delete(resources.ECS_SERVICE, namespace, "web")
    wait_until(lambda: kube.get(resources.TASK_DEFINITION, namespace, "web") is None, 30, "web deregistered")


def test_a_new_revision_registers_web_2_and_rolls_every_provider(operator, kube, namespace):
    apply_manifests(kube, read_manifests(WEB), namespace)
    wait_until(lambda: steady(kube, namespace, "web", 10), 90, "web steady")
    docs = read_manifests([EXAMPLES / "10-web.yaml"])
    td = next(d for d in docs if d["kind"] == "TaskDefinition")
    td["spec"]["containerDefinitions"][0]["image"] = "public.ecr.aws/nginx/nginx:1.28"
    apply_manifests(kube, [td], namespace)
    wait_until(
        lambda: (
            steady(kube, namespace, "web", 10)
            and ecs_service(kube, namespace, "web")["status"]["taskDefinition"] == "web:2"
        ),
        120,
        "web:2 steady",
    )
    images = Counter(p["spec"]["containers"][0]["image"] for p in pods_of(kube, namespace, "web"))
    assert images == {"public.ecr.aws/nginx/nginx:1.28": 10}
    revisions = sorted(r["revision"] for r in kube.list(resources.CONTROLLER_REVISION, namespace))
    assert revisions == [1, 2]


def test_a_provider_that_leaves_the_strategy_is_removed_after_its_replacements_run(operator, kube, namespace):
    apply_manifests(kube, read_manifests(WEB), namespace)
    wait_until(lambda: steady(kube, namespace, "web", 10), 90, "web steady")
    service = next(d for d in read_manifests([EXAMPLES / "10-web.yaml"]) if d["kind"] == "Service")
    service["spec"]["capacityProviderStrategy"] = [{"capacityProvider": "FARGATE", "weight": 1}]
    apply_manifests(kube, [service], namespace)

    def spot_child_gone() -> bool:
        return kube.get(resources.DEPLOYMENT, namespace, "web-fargate-spot") is None

    wait_until(spot_child_gone, 90, "web-fargate-spot removed")
    # It went only once the on-demand child ran the whole service (the pods are what the operator
    # watches; the Deployment's own readyReplicas may lag them).
    on_demand = kube.get(resources.DEPLOYMENT, namespace, "web-fargate")
    assert on_demand["spec"]["replicas"] == 10
    ready = [
        p
        for p in pods_of(kube, namespace, "web")
        if p["metadata"]["labels"]["ecs-operator.dev/capacity-provider"] == "fargate"
        and any(c["type"] == "Ready" and c["status"] == "True" for c in p["status"].get("conditions", []))
    ]
    assert len(ready) == 10
    wait_until(lambda: steady(kube, namespace, "web", 10), 60, "web steady on FARGATE only")


def test_with_watch_namespaces_the_chart_role_in_the_namespace_is_enough_to_reconcile_the_examples(
    operator, kube, chart_rbac, control_plane, namespace, tmp_path: Path
):
    """`watchNamespaces`: the writes come from a Role in the namespace, the ClusterRole holds only
    cluster-scoped rights and listings. The session's operator (all namespaces, the ClusterRole)
    stands aside while one serving just this namespace does the work."""
    identity = chart_rbac(f"watchNamespaces={{{namespace}}}")
    # The chart's other Role is the Lease's, in the release namespace (leader election).
    roles = [
        d
        for d in identity.objects
        if d["kind"] == "Role" and not d["metadata"]["name"].endswith("-leader-election")
    ]
    assert [r["metadata"]["namespace"] for r in roles] == [namespace]
    operator.stop()  # the namespace's operator must do the work alone
    proof = OperatorProcess(
        identity.kubeconfig, tmp_path / "ns-operator.log", extra_args=["--namespace", namespace]
    )
    try:
        proof.start()
        apply_manifests(kube, read_manifests([*WEB, EXAMPLES / "30-log-agent.yaml"]), namespace)
        wait_until(lambda: steady(kube, namespace, "web", 10), 120, "web steady under the namespace's Role")
        wait_until(
            lambda: (
                (ecs_service(kube, namespace, "log-agent").get("status") or {}).get("rolloutState")
                == "COMPLETED"
            ),
            60,
            "log-agent steady under the namespace's Role",
        )
        log = (tmp_path / "ns-operator.log").read_text()
        # An RBAC denial reads `... is forbidden: User "system:serviceaccount:..." cannot <verb> resource`.
        denials = [line for line in log.splitlines() if "is forbidden: User" in line and "cannot" in line]
        assert not denials, denials[:3]
        failures = [line for line in log.splitlines() if "failed, will retry" in line]
        errors = proof.metrics().get('ecs_operator_reconcile_total{kind="Service",result="error"}', 0)
        assert errors == 0, failures[:3]
        made = audit.requests(Layout(control_plane.state_dir).audit_log, identity.username, identity.since)
        refused = sorted({r.triple for r in made if not r.allowed})
        assert not refused, f"refused by RBAC: {refused}"
    finally:
        proof.stop()
        operator.start()


def test_a_horizontal_pod_autoscaler_drives_desired_count_through_the_scale_subresource(
    operator, kube, namespace
):
    service = next(d for d in read_manifests([EXAMPLES / "10-web.yaml"]) if d["kind"] == "Service")
    service["spec"]["desiredCount"] = 4
    apply_manifests(
        kube, read_manifests([EXAMPLES / "01-cluster.yaml", EXAMPLES / "10-web.yaml"])[:2], namespace
    )
    apply_manifests(kube, [service], namespace)
    wait_until(lambda: steady(kube, namespace, "web", 4), 90, "web steady at 4")
    # No metrics server runs here, but the HPA controller raises a target below minReplicas through
    # the scale subresource (.spec.desiredCount, .status.selector) without metrics, as Application
    # Auto Scaling's minimum capacity does for ECS.
    hpa = {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web", "namespace": namespace},
        "spec": {
            "scaleTargetRef": {"apiVersion": "ecs-operator.dev/v1alpha1", "kind": "Service", "name": "web"},
            "minReplicas": 8,
            "maxReplicas": 12,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}},
                }
            ],
        },
    }
    kube._call("POST", f"/apis/autoscaling/v2/namespaces/{namespace}/horizontalpodautoscalers", hpa)
    wait_until(
        lambda: ecs_service(kube, namespace, "web")["spec"]["desiredCount"] == 8,
        90,
        "the HPA set desiredCount to its minimum",
    )
    wait_until(lambda: steady(kube, namespace, "web", 8), 90, "web steady at 8")
    replicas = {
        d["metadata"]["name"]: d["spec"]["replicas"] for d in kube.list(resources.DEPLOYMENT, namespace)
    }
    assert replicas == {"web-fargate": 4, "web-fargate-spot": 4}  # base 2, then 6 split 1:3 -> 2+2 / 4


def test_an_object_we_do_not_own_is_left_alone_and_reported_once(operator, kube, namespace):
    squatter = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web", "namespace": namespace},
        "spec": {"selector": {"app": "someone-else"}, "ports": [{"port": 81}]},
    }
    kube.create(squatter)
    apply_manifests(kube, read_manifests(WEB), namespace)
    body = wait_until(
        lambda: (
            (b := ecs_service(kube, namespace, "web"))
            and next(
                (c for c in b.get("status", {}).get("conditions", []) if c["reason"] == "ErrResourceExists"),
                None,
            )
            and b
        ),
        60,
        "ErrResourceExists reported",
    )
    assert "Service web" in next(c for c in body["status"]["conditions"] if c["type"] == "Ready")["message"]
    live = kube.get(resources.SERVICE, namespace, "web")
    assert live["spec"]["selector"] == {"app": "someone-else"}, "the unowned Service was overwritten"
    # The tasks still run (the Deployments are ours); the report is not repeated on every look.
    wait_until(
        lambda: (
            (st := ecs_service(kube, namespace, "web").get("status") or {}).get("runningCount") == 10
            and st.get("rolloutState") == "COMPLETED"
        ),
        90,
        "web running and its deployment COMPLETED",
    )
    version = ecs_service(kube, namespace, "web")["metadata"]["resourceVersion"]
    __import__("time").sleep(8)
    assert ecs_service(kube, namespace, "web")["metadata"]["resourceVersion"] == version
    warnings = [
        e
        for e in kube.list(resources.EVENT, namespace)
        if e["involvedObject"]["name"] == "web" and e["reason"] == "ErrResourceExists"
    ]
    # Which version of the Service each report was made from tells a repeated look (two versions)
    # from one look posted twice (one version).
    assert len(warnings) == 1, [
        (e["metadata"]["creationTimestamp"], e["involvedObject"].get("resourceVersion"), e["message"])
        for e in warnings
    ]
