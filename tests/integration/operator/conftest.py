"""Integration fixtures for the operator: CRDs installed, the default capacity providers applied,
and `ecs-operator run` running as a real process against the local control plane."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ecs_operator.controller import resources
from ecs_operator.controller.kube import Kube
from ecs_operator.localrun import OperatorProcess, apply_manifests, install_crds, read_manifests

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples"


@pytest.fixture(scope="session")
def kube(api_client: Any) -> Kube:
    return Kube(api_client, field_manager="ecs-operator-tests")


@pytest.fixture(scope="session")
def kubectl(kubeconfig: Path) -> Callable[..., str]:
    tools = (
        subprocess.run(
            ["bash", str(REPO / "hack" / "kube-tools.sh")], check=True, capture_output=True, text=True
        )
        .stdout.strip()
        .splitlines()[-1]
    )

    def run(*args: str, check: bool = True) -> str:
        result = subprocess.run(
            [f"{tools}/kubectl", "--kubeconfig", str(kubeconfig), *args],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed: {result.stderr}")
        return result.stdout + result.stderr

    return run


@pytest.fixture
def operator(shared_operator: OperatorProcess, kube: Kube) -> OperatorProcess:
    """The session's operator, started if it is not running (first use, or a test that wanted the
    cluster to itself stopped it)."""
    if shared_operator.process is None:
        install_crds(kube)
        apply_manifests(kube, read_manifests([EXAMPLES / "00-capacity-providers.yaml"]), "default")
        shared_operator.start()
    return shared_operator


def wait_until(
    probe: Callable[[], Any], timeout: float = 60, what: str = "condition", interval: float = 0.25
) -> Any:
    """Poll until `probe` returns something truthy; on timeout, fail with the last value seen."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = probe()
        except Exception as exc:  # the object may not exist yet
            last = exc
        else:
            if last:
                return last
        time.sleep(interval)
    raise AssertionError(f"{what} not reached within {timeout:.0f} s; last: {last!r}")


def ecs_service(kube: Kube, namespace: str, name: str) -> dict[str, Any]:
    body = kube.get(resources.ECS_SERVICE, namespace, name)
    assert body is not None, f"Service {namespace}/{name} is missing"
    return body


def ready_condition(body: dict[str, Any]) -> dict[str, Any]:
    return next((c for c in (body.get("status") or {}).get("conditions") or [] if c["type"] == "Ready"), {})


def steady(kube: Kube, namespace: str, name: str, desired: int) -> dict[str, Any] | None:
    body = ecs_service(kube, namespace, name)
    status = body.get("status") or {}
    if (
        status.get("runningCount") == desired
        and status.get("rolloutState") == "COMPLETED"
        and ready_condition(body).get("status") == "True"
        and status.get("observedGeneration") == body["metadata"]["generation"]
    ):
        return body
    return None


def pods_of(kube: Kube, namespace: str, service: str) -> list[dict[str, Any]]:
    return [
        p
        for p in kube.list(resources.POD, namespace, f"ecs-operator.dev/service={service}")
        if not p["metadata"].get("deletionTimestamp")
    ]


def node_pools(kube: Kube) -> dict[str, str]:
    return {
        n["metadata"]["name"]: (n["metadata"].get("labels") or {}).get("ecs-operator.dev/capacity-type", "")
        for n in kube.list(resources.NODE)
    }
