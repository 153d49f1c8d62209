"""The chart against the local control plane, with the real kubectl 1.36 and helm v4 (hack/kube-tools.sh).

The cluster is shared by parallel sessions, so these tests leave cluster-scoped objects that others
may use alone: the CRDs are only created when missing (never changed or deleted), and the installed
releases turn the default CapacityProviders off (`fargate`/`fargate-spot` are cluster-scoped; their
rendering is checked by the server-side dry run instead). kwok runs no containers but marks the
operator's pod Running and Ready, so `helm install --wait` really waits for the Deployment.
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from kubernetes import client
from kubernetes.client.exceptions import ApiException

from ecs_operator.localcluster.waiting import wait_for

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "charts" / "ecs-operator"
CRD_CHART = REPO / "charts" / "ecs-operator-crds"
CRDS = REPO / "crds"
NO_DEFAULT_PROVIDERS = ["--set", "defaultCapacityProviders.enabled=false"]


@pytest.fixture(scope="session")
def tools(kube_tools: Path) -> Path:
    return kube_tools


class Cli:
    """helm and kubectl pointed at the local control plane."""

    def __init__(self, tools: Path, kubeconfig: Path) -> None:
        self.tools = tools
        self.env = {**os.environ, "KUBECONFIG": str(kubeconfig)}

    def run(self, tool: str, *args: str, stdin: str | None = None, check: bool = True) -> str:
        proc = subprocess.run(
            [str(self.tools / tool), *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env,
            timeout=300,
        )
        if check:
            assert proc.returncode == 0, f"{tool} {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}"
        return proc.stdout

    def helm(self, *args: str, check: bool = True) -> str:
        return self.run("helm", *args, check=check)

    def kubectl(self, *args: str, stdin: str | None = None) -> str:
        return self.run("kubectl", *args, stdin=stdin)


@pytest.fixture(scope="session")
def cli(tools: Path, kubeconfig: Path) -> Cli:
    return Cli(tools, kubeconfig)


@pytest.fixture(scope="session")
def crds(cli: Cli, api_client: client.ApiClient) -> list[str]:
    """The project's CRDs on the server: created when missing, left as they are otherwise."""
    ext = client.ApiextensionsV1Api(api_client)
    names = []
    for path in sorted(CRDS.glob("*.yaml")):
        name = yaml.safe_load(path.read_text())["metadata"]["name"]
        names.append(name)
        try:
            ext.read_custom_resource_definition(name)
        except ApiException as error:
            assert error.status == 404, error
            proc = subprocess.run(
                [str(cli.tools / "kubectl"), "create", "-f", str(path)],
                capture_output=True,
                text=True,
                env=cli.env,
                timeout=60,
            )
            assert proc.returncode == 0 or "AlreadyExists" in proc.stderr, proc.stderr
    cli.kubectl("wait", "--for=condition=Established", "--timeout=60s", *(f"crd/{n}" for n in names))
    return names


def objects_of(manifest: str) -> list[dict]:
    return [d for d in yaml.safe_load_all(manifest) if d]


# --- server-side dry run -----------------------------------------------------------------------------


def test_rendered_chart_is_accepted_by_the_api_server(cli: Cli, crds: list[str], namespace: str) -> None:
    manifest = cli.helm("template", "dry", str(CHART), "--namespace", namespace)
    out = cli.kubectl("apply", "--dry-run=server", "--namespace", namespace, "-f", "-", stdin=manifest)
    for obj in objects_of(manifest):
        name = obj["metadata"]["name"]
        assert any(f"/{name} " in line and "(server dry run)" in line for line in out.splitlines()), (
            f"{obj['kind']} {name} missing from:\n{out}"
        )
    kinds = {o["kind"] for o in objects_of(manifest)}
    assert {"Deployment", "ClusterRole", "CapacityProvider"} <= kinds


def test_rendered_crd_chart_is_accepted_by_the_api_server(cli: Cli, crds: list[str]) -> None:
    manifest = cli.helm("template", "crds", str(CRD_CHART))
    out = cli.kubectl(
        "apply", "--server-side", "--force-conflicts", "--dry-run=server", "-f", "-", stdin=manifest
    )
    for name in crds:
        assert (
            f"customresourcedefinition.apiextensions.k8s.io/{name} serverside-applied (server dry run)" in out
        )


# --- helm install --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def installed(cli: Cli, crds: list[str], api_client: client.ApiClient) -> Iterator[tuple[str, str]]:
    """A release installed with `helm install --wait` in its own namespace: (namespace, release)."""
    core = client.CoreV1Api(api_client)
    suffix = uuid.uuid4().hex[:6]
    ns, release = f"chart-install-{suffix}", f"ecs-operator-{suffix}"
    core.create_namespace({"metadata": {"name": ns, "labels": {"ecs-operator.dev/test": "true"}}})
    try:
        cli.helm(
            "install",
            release,
            str(CHART),
            "--namespace",
            ns,
            *NO_DEFAULT_PROVIDERS,
            "--wait",
            "--timeout",
            "120s",
        )
        yield ns, release
    finally:
        cli.helm("uninstall", release, "--namespace", ns, "--wait", "--timeout", "120s", check=False)
        core.delete_namespace(ns, propagation_policy="Background")


def test_helm_install_deploys_the_release_with_a_ready_operator(
    cli: Cli, installed: tuple[str, str], api_client: client.ApiClient
) -> None:
    ns, release = installed
    status = json.loads(cli.helm("status", release, "--namespace", ns, "--output", "json"))
    assert status["info"]["status"] == "deployed"
    deployment = client.AppsV1Api(api_client).read_namespaced_deployment(release, ns)
    assert deployment.status.ready_replicas == 2  # the leader and its warm standby
    assert deployment.spec.template.spec.containers[0].args[:2] == ["run", "--all-namespaces"]
    core = client.CoreV1Api(api_client)
    assert core.read_namespaced_service_account(release, ns)
    assert core.read_namespaced_service(f"{release}-metrics", ns).spec.ports[0].port == 9090
    rbac = client.RbacAuthorizationV1Api(api_client)
    assert rbac.read_cluster_role(release).rules
    binding = rbac.read_cluster_role_binding(release)
    assert [(s.kind, s.name, s.namespace) for s in binding.subjects] == [("ServiceAccount", release, ns)]


def test_operator_pod_lands_on_the_on_demand_pool_not_on_tainted_spot_nodes(
    installed: tuple[str, str], api_client: client.ApiClient
) -> None:
    ns, release = installed
    core = client.CoreV1Api(api_client)
    pods = core.list_namespaced_pod(ns, label_selector=f"app.kubernetes.io/instance={release}").items
    assert len(pods) == 2
    for pod in pods:
        assert pod.status.phase == "Running"
        node = core.read_node(pod.spec.node_name)
        assert node.metadata.labels["ecs-operator.dev/capacity-type"] == "on-demand"
        assert pod.spec.security_context.run_as_user == 65532


def can(api_client: client.ApiClient, user: str, ns: str, group: str, resource: str, verb: str) -> bool:
    resource, _, subresource = resource.partition("/")
    review = client.V1SubjectAccessReview(
        spec=client.V1SubjectAccessReviewSpec(
            user=user,
            groups=["system:serviceaccounts", f"system:serviceaccounts:{ns}", "system:authenticated"],
            resource_attributes=client.V1ResourceAttributes(
                group=group, resource=resource, subresource=subresource or None, verb=verb
            ),
        )
    )
    return client.AuthorizationV1Api(api_client).create_subject_access_review(review).status.allowed


def test_operator_service_account_may_make_every_call_its_cluster_role_lists_in_every_namespace(
    installed: tuple[str, str], api_client: client.ApiClient
) -> None:
    ns, release = installed
    user = f"system:serviceaccount:{ns}:{release}"
    rules = client.RbacAuthorizationV1Api(api_client).read_cluster_role(release).rules
    checked = 0
    for rule in rules:
        for group in rule.api_groups:
            for resource in rule.resources:
                for verb in rule.verbs:
                    assert can(api_client, user, ns, group, resource, verb), (group, resource, verb)
                    checked += 1
    assert checked >= 45


@pytest.mark.parametrize(
    ("group", "resource", "verb"),
    [
        ("", "secrets", "get"),
        ("", "configmaps", "list"),
        ("", "pods", "create"),
        ("", "pods", "delete"),
        ("", "nodes", "patch"),
        ("", "namespaces", "delete"),
        ("apps", "statefulsets", "create"),
        ("apps", "controllerrevisions", "update"),
        ("apps", "deployments", "update"),
        ("ecs-operator.dev", "ecsservices/scale", "update"),
        ("ecs-operator.dev", "taskdefinitions", "delete"),
        ("ecs-operator.dev", "ecsservices", "create"),
        ("apiextensions.k8s.io", "customresourcedefinitions", "create"),
        ("rbac.authorization.k8s.io", "clusterroles", "create"),
    ],
)
def test_operator_service_account_may_not_make_calls_outside_its_cluster_role(
    installed: tuple[str, str], api_client: client.ApiClient, group: str, resource: str, verb: str
) -> None:
    ns, release = installed
    assert not can(api_client, f"system:serviceaccount:{ns}:{release}", ns, group, resource, verb)


def test_helm_upgrade_then_uninstall_removes_every_object_of_the_release(
    cli: Cli, crds: list[str], namespace: str, api_client: client.ApiClient
) -> None:
    release = f"ecs-operator-{uuid.uuid4().hex[:6]}"
    apps = client.AppsV1Api(api_client)
    core = client.CoreV1Api(api_client)
    rbac = client.RbacAuthorizationV1Api(api_client)
    cli.helm("install", release, str(CHART), "--namespace", namespace, *NO_DEFAULT_PROVIDERS, "--wait")

    cli.helm(
        "upgrade",
        release,
        str(CHART),
        "--namespace",
        namespace,
        *NO_DEFAULT_PROVIDERS,
        "--set",
        f"watchNamespaces={{{namespace}}}",
        "--wait",
    )
    args = apps.read_namespaced_deployment(release, namespace).spec.template.spec.containers[0].args
    assert f"--namespace={namespace}" in args
    assert "--all-namespaces" not in args
    history = json.loads(cli.helm("history", release, "--namespace", namespace, "--output", "json"))
    assert [h["status"] for h in history] == ["superseded", "deployed"]

    cli.helm("uninstall", release, "--namespace", namespace, "--wait", "--timeout", "120s")
    assert release not in cli.helm("list", "--namespace", namespace, "--short")

    def gone(read, *args) -> bool:
        try:
            read(*args)
        except ApiException as error:
            return error.status == 404
        return False

    wait_for(
        lambda: all(
            [
                gone(apps.read_namespaced_deployment, release, namespace),
                gone(core.read_namespaced_service_account, release, namespace),
                gone(core.read_namespaced_service, f"{release}-metrics", namespace),
                gone(rbac.read_cluster_role, release),
                gone(rbac.read_cluster_role_binding, release),
            ]
        ),
        timeout=60,
        what=f"release {release}'s objects deleted",
    )
    # helm never deletes CRDs it installed from crds/: the custom resources survive an uninstall.
    ext = client.ApiextensionsV1Api(api_client)
    for name in crds:
        assert ext.read_custom_resource_definition(name)
