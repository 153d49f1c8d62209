"""The benchmark workload: N ECS Services over a few TaskDefinitions, each Service with a two-provider
strategy (base + weights, FARGATE / FARGATE_SPOT) and desiredCount 4; and the child objects the
operator's own `render` makes of them (the baseline's input)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from ecs_operator.core.render import render

API = "ecs-operator.dev/v1alpha1"
TASK_DEFINITIONS = 4
DESIRED = 4
# Small tasks (64 CPU units, 64 MiB) so thousands fit on the fake nodes.
TASK_CPU = 64
TASK_MEMORY = 64
STRATEGIES: list[list[dict[str, Any]]] = [
    [
        {"capacityProvider": "FARGATE", "base": 1, "weight": 1},
        {"capacityProvider": "FARGATE_SPOT", "weight": 3},
    ],
    [
        {"capacityProvider": "FARGATE", "base": 2, "weight": 1},
        {"capacityProvider": "FARGATE_SPOT", "weight": 1},
    ],
]


def capacity_providers() -> list[dict[str, Any]]:
    return [
        {
            "apiVersion": API,
            "kind": "CapacityProvider",
            "metadata": {"name": "fargate"},
            "spec": {
                "name": "FARGATE",
                "capacityType": "on-demand",
                "nodeSelector": {"ecs-operator.dev/capacity-type": "on-demand"},
            },
        },
        {
            "apiVersion": API,
            "kind": "CapacityProvider",
            "metadata": {"name": "fargate-spot"},
            "spec": {
                "name": "FARGATE_SPOT",
                "capacityType": "spot",
                "nodeSelector": {"ecs-operator.dev/capacity-type": "spot"},
                "tolerations": [
                    {
                        "key": "ecs-operator.dev/capacity-type",
                        "operator": "Equal",
                        "value": "spot",
                        "effect": "NoSchedule",
                    }
                ],
            },
        },
    ]


def task_definition(index: int, namespace: str) -> dict[str, Any]:
    container: dict[str, Any] = {
        "name": "app",
        "image": f"registry.bench.local/app-{index}:1.0",
        "essential": True,
        "cpu": TASK_CPU,
        "memory": TASK_MEMORY,
        "environment": [{"name": "BENCH_TD", "value": str(index)}],
    }
    if index % 2 == 0:  # half of them map a port, so their Services get a core Service too
        container["portMappings"] = [{"containerPort": 8080, "protocol": "tcp", "name": "http"}]
    return {
        "apiVersion": API,
        "kind": "TaskDefinition",
        "metadata": {"name": f"bench-td-{index}", "namespace": namespace},
        "spec": {"family": f"bench-td-{index}", "containerDefinitions": [container]},
    }


def service(index: int, namespace: str, desired: int = DESIRED) -> dict[str, Any]:
    return {
        "apiVersion": API,
        "kind": "Service",
        "metadata": {"name": f"svc-{index:04d}", "namespace": namespace},
        "spec": {
            "taskDefinition": f"bench-td-{index % TASK_DEFINITIONS}",
            "desiredCount": desired,
            "capacityProviderStrategy": copy.deepcopy(STRATEGIES[index % len(STRATEGIES)]),
            "deploymentConfiguration": {"minimumHealthyPercent": 50, "maximumPercent": 200},
        },
    }


def ecs_objects(count: int, namespace: str) -> list[dict[str, Any]]:
    """What the user applies (the capacity providers are cluster-scoped and installed once)."""
    tds = [task_definition(i, namespace) for i in range(TASK_DEFINITIONS)]
    return tds + [service(i, namespace) for i in range(count)]


def rendered_children(count: int, namespace: str) -> list[dict[str, Any]]:
    """The objects `ecs-operator render` makes of the workload, ready for a bare client: the owner
    references point at placeholder uids (the garbage collector would delete them), so they go."""
    result = render(
        capacity_providers() + ecs_objects(count, namespace),
        namespace=namespace,
        now=datetime.now(UTC).replace(microsecond=0),
    )
    if result.problems:
        raise RuntimeError(f"the workload does not render: {result.problems[:3]}")
    objects = []
    for obj in result.objects:
        obj = copy.deepcopy(obj)
        obj["metadata"].pop("ownerReferences", None)
        obj["metadata"]["namespace"] = namespace
        objects.append(obj)
    return objects


def expected_deployments(children: list[dict[str, Any]]) -> dict[str, int]:
    """Deployment name -> replicas."""
    return {c["metadata"]["name"]: c["spec"]["replicas"] for c in children if c["kind"] == "Deployment"}


# Where each child kind is listed in a namespace, and what of an object convergence compares.
CHILD_PATHS = {
    "Deployment": "/apis/apps/v1/namespaces/{ns}/deployments",
    "DaemonSet": "/apis/apps/v1/namespaces/{ns}/daemonsets",
    "Service": "/api/v1/namespaces/{ns}/services",
    "PodDisruptionBudget": "/apis/policy/v1/namespaces/{ns}/poddisruptionbudgets",
    "ServiceAccount": "/api/v1/namespaces/{ns}/serviceaccounts",
    "ControllerRevision": "/apis/apps/v1/namespaces/{ns}/controllerrevisions",
}


def child_state(kind: str) -> Callable[[dict[str, Any]], Any]:
    """Deployments must carry the right replica count; any other child must exist."""
    if kind == "Deployment":
        return lambda obj: (obj.get("spec") or {}).get("replicas")
    return lambda obj: True


def expected_children(children: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Kind -> name -> child_state: what 'converged' means (every child object exists, Deployments
    with the right replica count)."""
    expected: dict[str, dict[str, Any]] = {}
    for child in children:
        expected.setdefault(child["kind"], {})[child["metadata"]["name"]] = child_state(child["kind"])(child)
    return expected


def rendered_children_of_service(index: int, namespace: str, desired: int) -> list[dict[str, Any]]:
    """One Service's children at a given desiredCount (for the reaction benchmark)."""
    tds = [task_definition(i, namespace) for i in range(TASK_DEFINITIONS)]
    result = render(
        capacity_providers() + tds + [service(index, namespace, desired)],
        namespace=namespace,
        now=datetime.now(UTC).replace(microsecond=0),
    )
    return [o for o in result.objects if o["kind"] != "ControllerRevision"]
