"""Two `ecs-operator run` processes electing a leader by a Lease, under the chart's RBAC: only the
leader writes; after `kill -9` of the leader the standby takes over within the lease duration and
writes nothing that had not changed (no child rewritten, no Event posted again); after a graceful
stop the Lease is released and the standby takes over at once."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from ecs_operator.controller import lease, resources
from ecs_operator.controller.kube import Kube
from ecs_operator.localcluster.waiting import wait_for
from ecs_operator.localrun import OperatorProcess, apply_manifests, install_crds, read_manifests

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
WEB = [EXAMPLES / "01-cluster.yaml", EXAMPLES / "10-web.yaml"]
WATCHED = (
    resources.ECS_SERVICE,
    resources.TASK_DEFINITION,
    resources.CONTROLLER_REVISION,
    resources.resource_of({"apiVersion": "apps/v1", "kind": "Deployment"}),
    resources.resource_of({"apiVersion": "v1", "kind": "Service"}),
)


def steady(kube: Kube, namespace: str) -> bool:
    body = kube.get(resources.ECS_SERVICE, namespace, "web") or {}
    status = body.get("status") or {}
    return status.get("runningCount") == 10 and status.get("rolloutState") == "COMPLETED"


def versions(kube: Kube, namespace: str) -> dict[tuple[str, str], str]:
    """Every object the operator writes in the namespace, with its resourceVersion."""
    return {
        (resource.kind, item["metadata"]["name"]): item["metadata"]["resourceVersion"]
        for resource in WATCHED
        for item in kube.list(resource, namespace)
    }


def events(kube: Kube, namespace: str) -> list[tuple[str, str, str]]:
    return sorted(
        (e["involvedObject"]["name"], e["reason"], e["message"])
        for e in kube.list(resources.EVENT, namespace)
        if (e.get("source") or {}).get("component") == "ecs-operator"
    )


@pytest.fixture
def kube(api_client: Any) -> Kube:
    return Kube(api_client, field_manager="ecs-operator-tests")


def test_one_leader_writes_and_the_standby_takes_over_after_kill_and_release(
    no_shared_operator: None, chart_rbac: Any, kube: Kube, namespace: str, tmp_path: Path
) -> None:
    identity = chart_rbac()  # the chart's Role for the Lease in its namespace
    install_crds(kube)
    apply_manifests(kube, read_manifests([EXAMPLES / "00-capacity-providers.yaml"]), "default")
    where = f"{identity.namespace}/ecs-operator-{uuid.uuid4().hex[:6]}"

    def process(name: str) -> OperatorProcess:
        return OperatorProcess(identity.kubeconfig, tmp_path / f"{name}.log", lease=where)

    first, second, third = process("first").start(), process("second"), process("third")
    try:
        wait_for(first.leading, timeout=30, what="the first operator leading")
        second.start()
        assert second.probe("/readyz") and second.probe("/healthz")  # a warm standby is ready
        assert not second.leading()
        apply_manifests(kube, read_manifests(WEB), namespace)
        wait_for(lambda: steady(kube, namespace), timeout=120, what="web steady")
        time.sleep(3)  # the last status writes and Events out
        assert first.writes() > 0
        assert second.writes() == 0, "the standby wrote"
        before, posted = versions(kube, namespace), events(kube, namespace)
        assert posted, "the leader posted no Events"

        killed = time.monotonic()
        first.kill()
        wait_for(second.leading, timeout=lease.LEASE_DURATION + 10, what="the standby leading")
        takeover = time.monotonic() - killed
        wait_for(lambda: second.probe("/readyz"), timeout=60, what="the new leader's first pass")
        time.sleep(3)
        assert takeover < lease.LEASE_DURATION + 2 * lease.RETRY_PERIOD + 1, takeover
        assert versions(kube, namespace) == before, "the new leader rewrote what had not changed"
        assert events(kube, namespace) == posted, "Events posted again"
        assert second.writes() == 0

        third.start()
        assert not third.leading()
        stopped = time.monotonic()
        second.stop()  # SIGTERM: the Lease is released
        wait_for(third.leading, timeout=10, what="the third operator leading after the release")
        handover = time.monotonic() - stopped
        assert handover < lease.LEASE_DURATION / 2, handover
        print(f"takeover after kill -9: {takeover:.1f} s; after SIGTERM: {handover:.1f} s")

        # The new leader acts on what changes.
        kube.json_patch(
            resources.ECS_SERVICE,
            namespace,
            "web",
            [{"op": "replace", "path": "/spec/desiredCount", "value": 4}],
        )
        wait_for(
            lambda: (
                ((kube.get(resources.ECS_SERVICE, namespace, "web") or {}).get("status") or {}).get(
                    "runningCount"
                )
                == 4
            ),
            timeout=90,
            what="web scaled in by the third operator",
        )
        assert third.writes() > 0
    finally:
        for operator in (first, second, third):
            operator.stop()
