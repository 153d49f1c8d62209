"""Integration tier: every test here runs against the real local control plane (etcd, kube-apiserver,
controller manager, scheduler, kwok) from `ecs_operator.localcluster`.

The cluster is started once per session, or reused if one is already running (a warm start takes
about 10 s; a first-ever run builds the binaries, which takes minutes). It is LEFT RUNNING after the
session by default, so the next session, and other sessions running in parallel, reuse it; set
ECS_OPERATOR_KEEP_CLUSTER=0 to have the session that started it stop it at the end
(`ecs-operator cluster down` stops it any time). Tests are isolated by namespace."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from kubernetes import client, config
from kubernetes.client.exceptions import ApiException

from ecs_operator.commands.demo import stop_operator as stop_demo_operator
from ecs_operator.localcluster import controlplane
from ecs_operator.localcluster.controlplane import ClusterInfo
from ecs_operator.localcluster.waiting import wait_for
from ecs_operator.localrun import OperatorProcess

HERE = Path(__file__).parent


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
def shared_operator(kubeconfig: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OperatorProcess]:
    """One `ecs-operator run` for the tests that reconcile through it (tests/integration/operator
    starts it through its `operator` fixture)."""
    process = OperatorProcess(kubeconfig, tmp_path_factory.mktemp("operator") / "operator.log")
    yield process
    process.stop()


@pytest.fixture
def no_shared_operator(shared_operator: OperatorProcess) -> None:
    """For a test that starts an operator of its own (the demo): the shared one watches every
    namespace and would reconcile the test's objects too."""
    shared_operator.stop()


@pytest.fixture
def namespace(api_client: client.ApiClient, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh namespace (named after the test) with its default ServiceAccount, deleted afterwards."""
    core = client.CoreV1Api(api_client)
    prefix = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower())[:40].strip("-")
    name = f"{prefix}-{uuid.uuid4().hex[:6]}"
    core.create_namespace({"metadata": {"name": name, "labels": {"ecs-operator.dev/test": "true"}}})
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
