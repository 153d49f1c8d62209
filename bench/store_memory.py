"""Memory per stored pod: N realistic pods (as the API server sends them for a rendered task, with
managedFields, ownerReferences and a full status) through the operator's store and its pod
projection, measured with tracemalloc. No cluster needed.

    PYTHONPATH=operator python -m bench.store_memory --pods 20000
"""

from __future__ import annotations

import argparse
import gc
import tracemalloc
import uuid
from typing import Any

from ecs_operator.api import labels
from ecs_operator.controller import resources
from ecs_operator.controller.runtime import new_store


def pod(i: int, service: str = "web") -> dict[str, Any]:
    """One pod of an ECS Service's Deployment, shaped like a kwok pod read back from the API server."""
    name = f"{service}-fargate-7d9f8c6b5-{i:05x}"
    stamp = "2026-01-02T03:04:05Z"
    container = {
        "name": "web",
        "image": "public.ecr.aws/nginx/nginx:1.27",
        "ports": [{"containerPort": 80, "protocol": "TCP"}],
        "env": [{"name": "STAGE", "value": "prod"}, {"name": "REGION", "value": "eu-west-1"}],
        "resources": {"requests": {"cpu": "256m", "memory": "512Mi"}, "limits": {"memory": "512Mi"}},
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
        "imagePullPolicy": "IfNotPresent",
    }
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "generateName": f"{service}-fargate-7d9f8c6b5-",
            "namespace": "team-a",
            "uid": str(uuid.uuid4()),
            "resourceVersion": str(100000 + i),
            "creationTimestamp": stamp,
            "labels": {
                labels.SERVICE: service,
                "app.kubernetes.io/managed-by": "ecs-operator",
                "ecs-operator.dev/capacity-provider": "fargate",
                "pod-template-hash": "7d9f8c6b5",
            },
            "annotations": {
                labels.TASK_DEFINITION_ANNOTATION: f"{service}:3",
                labels.ESSENTIAL_CONTAINERS_ANNOTATION: "web",
            },
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "ReplicaSet",
                    "name": f"{service}-fargate-7d9f8c6b5",
                    "uid": str(uuid.uuid4()),
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
            "managedFields": [
                {
                    "manager": "kube-controller-manager",
                    "operation": "Update",
                    "apiVersion": "v1",
                    "time": stamp,
                    "fieldsType": "FieldsV1",
                    "fieldsV1": {"f:metadata": {"f:labels": {}, "f:ownerReferences": {}}, "f:spec": {}},
                },
                {
                    "manager": "kwok",
                    "operation": "Update",
                    "apiVersion": "v1",
                    "time": stamp,
                    "fieldsType": "FieldsV1",
                    "fieldsV1": {"f:status": {"f:conditions": {}, "f:phase": {}, "f:podIP": {}}},
                    "subresource": "status",
                },
            ],
        },
        "spec": {
            "containers": [container],
            "restartPolicy": "Always",
            "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst",
            "serviceAccountName": "default",
            "nodeName": f"kwok-on-demand-{i % 4}",
            "nodeSelector": {"ecs-operator.dev/capacity-type": "on-demand"},
            "securityContext": {},
            "schedulerName": "default-scheduler",
            "tolerations": [
                {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"},
                {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"},
            ],
            "priority": 0,
            "enableServiceLinks": True,
            "preemptionPolicy": "PreemptLowerPriority",
        },
        "status": {
            "phase": "Running",
            "conditions": [
                {"type": t, "status": "True", "lastTransitionTime": stamp}
                for t in (
                    "PodReadyToStartContainers",
                    "Initialized",
                    "Ready",
                    "ContainersReady",
                    "PodScheduled",
                )
            ],
            "hostIP": "10.0.0.4",
            "podIP": f"10.244.{i // 250 % 250}.{i % 250}",
            "startTime": stamp,
            "containerStatuses": [
                {
                    "name": "web",
                    "state": {"running": {"startedAt": stamp}},
                    "ready": True,
                    "restartCount": 0,
                    "image": container["image"],
                    "imageID": "",
                    "started": True,
                }
            ],
            "qosClass": "Burstable",
        },
    }


def bytes_per_pod(n: int) -> tuple[float, float]:
    """(bytes per stored pod, bytes per full pod as received) for n pods of one Service."""
    store = new_store()
    kind = resources.kind_key(resources.POD)
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    for i in range(n):
        store.upsert(kind, pod(i))  # the full body is dropped once projected, as a watch event is
    gc.collect()
    stored = tracemalloc.get_traced_memory()[0] - base
    full = [pod(i) for i in range(min(n, 2000))]
    gc.collect()
    received = tracemalloc.get_traced_memory()[0] - base - stored
    tracemalloc.stop()
    assert len(store.all(kind)) == n
    del full
    return stored / n, received / min(n, 2000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, default=20000)
    args = parser.parse_args()
    stored, full = bytes_per_pod(args.pods)
    print(f"pods stored: {args.pods}")
    print(f"bytes per stored pod (store + projection + indexes): {stored:,.0f} ({stored / 1024:.2f} KiB)")
    print(
        f"bytes per pod as received (unprojected dict, for comparison): {full:,.0f} ({full / 1024:.2f} KiB)"
    )


if __name__ == "__main__":
    main()
