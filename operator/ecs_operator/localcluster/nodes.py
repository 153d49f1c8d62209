"""Pure builders of the fake Nodes that kwok runs pods on: an on-demand and a spot pool over two zones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ecs_operator.api.labels import CAPACITY_TYPE

Pool = Literal["on-demand", "spot"]
POOLS: tuple[Pool, ...] = ("on-demand", "spot")
ZONES: tuple[str, ...] = ("local-a", "local-b")

KWOK_NODE_ANNOTATION = "kwok.x-k8s.io/node"
KWOK_NODE_ANNOTATION_VALUE = "fake"
KWOK_NODE_SELECTOR = f"{KWOK_NODE_ANNOTATION}={KWOK_NODE_ANNOTATION_VALUE}"

SPOT_TAINT: dict[str, str] = {"key": CAPACITY_TYPE, "value": "spot", "effect": "NoSchedule"}
INSTANCE_TYPE: dict[Pool, str] = {"on-demand": "kwok.m-4x16", "spot": "kwok.m-4x16-spot"}


@dataclass(frozen=True)
class NodeShape:
    """What one fake node offers the scheduler (Kubernetes quantities)."""

    cpu: str = "4"
    memory: str = "16Gi"
    pods: int = 110


DEFAULT_SHAPE = NodeShape()


def node_name(pool: Pool, index: int) -> str:
    return f"kwok-{pool}-{index}"


def zone_for(index: int) -> str:
    """Nodes of a pool alternate over the zones, so every pool spans both."""
    return ZONES[index % len(ZONES)]


def build_node(
    pool: Pool,
    index: int,
    shape: NodeShape = DEFAULT_SHAPE,
    zone: str | None = None,
    extra_taints: Sequence[dict[str, str]] = (),
) -> dict[str, Any]:
    """The Node object for node `index` of `pool`, ready to create; kwok fills in its status conditions.
    `extra_taints` keep other pods off a node a test is about to break."""
    name = node_name(pool, index)
    resources = {"cpu": shape.cpu, "memory": shape.memory, "pods": str(shape.pods)}
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "annotations": {KWOK_NODE_ANNOTATION: KWOK_NODE_ANNOTATION_VALUE},
            "labels": {
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "node.kubernetes.io/instance-type": INSTANCE_TYPE[pool],
                "topology.kubernetes.io/zone": zone or zone_for(index),
                CAPACITY_TYPE: pool,
                "type": "kwok",
            },
        },
        "spec": {
            "providerID": f"kwok://{name}",
            "taints": ([dict(SPOT_TAINT)] if pool == "spot" else []) + [dict(t) for t in extra_taints],
        },
        # kwok's node-initialize stage keeps allocatable/capacity as given, so scheduler fit checks are real.
        "status": {"allocatable": dict(resources), "capacity": dict(resources)},
    }


def build_pools(nodes_per_pool: int, shape: NodeShape = DEFAULT_SHAPE) -> list[dict[str, Any]]:
    """Every node of both pools, `nodes_per_pool` each."""
    return [build_node(pool, index, shape) for pool in POOLS for index in range(nodes_per_pool)]


@dataclass(frozen=True)
class NodeRow:
    """What the demo and `cluster status` show of a node."""

    name: str
    pool: str
    zone: str
    ready: bool


def is_fake(node: dict[str, Any]) -> bool:
    annotations = node.get("metadata", {}).get("annotations") or {}
    return bool(annotations.get(KWOK_NODE_ANNOTATION) == KWOK_NODE_ANNOTATION_VALUE)


def is_ready(node: dict[str, Any]) -> bool:
    conditions = (node.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


# Taints the node lifecycle controller puts on a node until it has seen it Ready (and when it stops being).
LIFECYCLE_TAINT_PREFIX = "node.kubernetes.io/"


def accepts_pods(node: dict[str, Any]) -> bool:
    """Ready, and the controller manager has lifted its not-ready taint, so the scheduler will use it."""
    taints = (node.get("spec") or {}).get("taints") or []
    return is_ready(node) and not any(t.get("key", "").startswith(LIFECYCLE_TAINT_PREFIX) for t in taints)


def node_row(node: dict[str, Any]) -> NodeRow:
    labels = node.get("metadata", {}).get("labels") or {}
    return NodeRow(
        name=node["metadata"]["name"],
        pool=labels.get(CAPACITY_TYPE, ""),
        zone=labels.get("topology.kubernetes.io/zone", ""),
        ready=is_ready(node),
    )


def next_free_index(existing_names: set[str], pool: Pool) -> int:
    """The lowest index whose name is not taken, so added nodes fill gaps left by removed ones."""
    index = 0
    while node_name(pool, index) in existing_names:
        index += 1
    return index
