"""Writes the operator makes from its store, which can lag the server by an event, against the real
API server: a stale read costs a fresh GET, not a failed reconcile. The reconciles run in this
process, so the session's operator is stopped: it would reconcile these objects too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from kubernetes import client

from ecs_operator.controller import resources
from ecs_operator.controller.kube import Kube
from ecs_operator.controller.reconcile import apply_child, kind_key, reconcile_task_definition
from ecs_operator.controller.runtime import Runtime
from ecs_operator.localrun import apply_manifests, install_crds, read_manifests

pytestmark = pytest.mark.usefixtures("no_shared_operator")

MANAGER = "ecs-operator-stale-store-test"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def deployment(namespace: str, version: str) -> dict[str, Any]:
    labels = {"app": "stale"}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "stale", "namespace": namespace, "labels": labels},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "containers": [
                        {"name": "app", "image": "app:1", "env": [{"name": "VERSION", "value": version}]}
                    ]
                },
            },
        },
    }


def our_operations(body: dict[str, Any]) -> set[str]:
    return {
        e["operation"]
        for e in body["metadata"]["managedFields"]
        if e["manager"] == MANAGER and not e.get("subresource")
    }


def test_a_claim_made_from_a_stale_read_is_made_again_from_a_fresh_one(
    api_client: client.ApiClient, namespace: str
):
    rt = Runtime(Kube(api_client, field_manager=MANAGER))
    stale = rt.kube.create(deployment(namespace, "1"))
    assert stale is not None and our_operations(stale) == {"Update"}
    # The first change claims the Update entry (it becomes Apply) and applies.
    assert apply_child(rt, deployment(namespace, "2"), stale)
    # A second change planned from the read made before the claim: its claim's tests fail on the
    # server, the claim is looked at again from a fresh read (nothing left to claim) and the apply
    # goes through.
    assert apply_child(rt, deployment(namespace, "3"), stale)
    live = rt.kube.get(resources.DEPLOYMENT, namespace, "stale")
    assert live is not None
    assert live["spec"]["template"]["spec"]["containers"][0]["env"] == [{"name": "VERSION", "value": "3"}]
    assert our_operations(live) == {"Apply"}


def test_a_revision_made_a_moment_ago_is_taken_from_the_server_not_made_again(
    api_client: client.ApiClient, namespace: str
):
    kube = Kube(api_client, field_manager=MANAGER)
    install_crds(kube)
    docs = read_manifests([EXAMPLES / "20-worker.yaml"])
    apply_manifests(kube, [d for d in docs if d["kind"] == "TaskDefinition"], namespace)
    name = next(d for d in docs if d["kind"] == "TaskDefinition")["metadata"]["name"]
    body = kube.get(resources.TASK_DEFINITION, namespace, name)
    assert body is not None

    def reconciled_by_a_fresh_operator() -> Runtime:
        # A store that has the TaskDefinition but not (yet) its revisions.
        rt = Runtime(kube)
        rt.store.upsert(kind_key(resources.TASK_DEFINITION), body)
        reconcile_task_definition(rt, namespace, name)
        return rt

    reconciled_by_a_fresh_operator()
    late = reconciled_by_a_fresh_operator()  # its create meets revision 1: taken, no error
    revisions = kube.list(resources.CONTROLLER_REVISION, namespace)
    assert [r["revision"] for r in revisions] == [1]
    assert [r["metadata"]["uid"] for r in late.store.all(kind_key(resources.CONTROLLER_REVISION))] == [
        revisions[0]["metadata"]["uid"]
    ]


def test_metadata_of_an_object_deleted_meanwhile_is_nothing_to_write(
    api_client: client.ApiClient, namespace: str
):
    kube = Kube(api_client, field_manager=MANAGER)
    install_crds(kube)
    patched = kube.patch_metadata(resources.TASK_DEFINITION, namespace, "gone", {"finalizers": []})
    assert patched is None
