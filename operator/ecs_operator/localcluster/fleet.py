"""The live fake nodes: create the pools, add or interrupt a node at runtime, list them by pool."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from kubernetes import client
from kubernetes.client.exceptions import ApiException

from ecs_operator.localcluster.nodes import (
    DEFAULT_SHAPE,
    NodeRow,
    NodeShape,
    Pool,
    accepts_pods,
    build_node,
    is_fake,
    next_free_index,
    node_row,
)
from ecs_operator.localcluster.waiting import wait_for

# What a spot reclaim looks like to the cluster: pods without a matching toleration are evicted at once.
INTERRUPTION_TAINT: dict[str, str] = {
    "key": "ecs-operator.dev/interrupted",
    "value": "true",
    "effect": "NoExecute",
}


LOST_LEASE_HOLDER = "ecs-operator-lost-node"
NODE_LEASES = "kube-node-lease"  # the namespace of node heartbeat Leases


def create_nodes(api_client: client.ApiClient, nodes: list[dict[str, Any]]) -> None:
    """Create each node unless it already exists (so `up` on a running cluster can top the pools up)."""
    core = client.CoreV1Api(api_client)
    for node in nodes:
        try:
            core.create_node(body=node)  # type: ignore[arg-type]  # the client sends dicts as they are
        except ApiException as error:
            if error.status != 409:
                raise


def list_fake_nodes(api_client: client.ApiClient) -> list[NodeRow]:
    """Every node kwok manages, sorted by pool then name."""
    rows = [node_row(node) for node in _raw_nodes(api_client) if is_fake(node)]
    return sorted(rows, key=lambda row: (row.pool, row.name))


def wait_nodes_ready(api_client: client.ApiClient, names: set[str], timeout: float = 60.0) -> None:
    """Until every named node is Ready and free of the not-ready taint (Ready alone is not enough: pods
    created in between would still avoid a node that just came up)."""

    def all_ready() -> bool:
        return names <= {node["metadata"]["name"] for node in _raw_nodes(api_client) if accepts_pods(node)}

    wait_for(all_ready, timeout=timeout, what=f"nodes {sorted(names)}")


def add_node(
    api_client: client.ApiClient,
    pool: Pool,
    *,
    shape: NodeShape = DEFAULT_SHAPE,
    zone: str | None = None,
    extra_taints: Sequence[dict[str, str]] = (),
    wait: bool = True,
) -> str:
    """New capacity in `pool` (e.g. spot capacity coming back): a fresh node, Ready when `wait`.
    Safe beside other sessions adding nodes: a name taken meanwhile moves on to the next index."""
    core = client.CoreV1Api(api_client)
    taken = {row.name for row in list_fake_nodes(api_client)}
    while True:
        node = build_node(pool, next_free_index(taken, pool), shape, zone, extra_taints)
        name: str = node["metadata"]["name"]
        try:
            core.create_node(body=node)  # type: ignore[arg-type]  # the client sends dicts as they are
            break
        except ApiException as error:
            if error.status != 409:
                raise
            taken.add(name)
    if wait:
        wait_nodes_ready(api_client, {name})
    return name


def interrupt_node(api_client: client.ApiClient, name: str) -> None:
    """A spot interruption: taint the node NoExecute, so the taint eviction controller deletes its pods at
    once (unless they tolerate it), as the reclaim of the instance would."""
    core = client.CoreV1Api(api_client)
    node = api_client.sanitize_for_serialization(core.read_node(name))
    taints = [t for t in node["spec"].get("taints") or [] if t["key"] != INTERRUPTION_TAINT["key"]]
    core.patch_node(name, {"spec": {"taints": [*taints, dict(INTERRUPTION_TAINT)]}})


def lose_node(api_client: client.ApiClient, name: str) -> None:
    """The machine dies without notice: its heartbeats stop, the controller manager marks the node NotReady
    after the monitor grace period (20 s) and evicts its pods after their not-ready/unreachable toleration
    (5 s by default here). Evicted pods stay Terminating, as on a real dead node, until `remove_node`.

    How: another holder takes the node's Lease for an hour. kwok then stops renewing it and treats the
    node and its pods as not its own (it neither heals the node's status nor finishes pod deletions);
    changing the kwok annotation would not do, kwok v0.8.0 lets go of a node only when it is deleted."""
    lease = {"spec": {"holderIdentity": LOST_LEASE_HOLDER, "leaseDurationSeconds": 3600}}
    client.CoordinationV1Api(api_client).patch_namespaced_lease(name, NODE_LEASES, lease)


def remove_node(api_client: client.ApiClient, name: str, *, wait: bool = True, timeout: float = 30.0) -> None:
    """Delete the node and its Lease (after `interrupt_node` or `lose_node`, this completes the loss; a
    lost node's Lease must go too, or a new node of the same name would never be managed). Missing is
    fine."""
    _delete_ignoring_missing(
        lambda: client.CoordinationV1Api(api_client).delete_namespaced_lease(name, NODE_LEASES)
    )
    if not _delete_ignoring_missing(lambda: client.CoreV1Api(api_client).delete_node(name)):
        return
    if wait:
        wait_for(
            lambda: name not in {row.name for row in list_fake_nodes(api_client)},
            timeout=timeout,
            what=f"deletion of node {name}",
        )


def _delete_ignoring_missing(delete: Callable[[], object]) -> bool:
    """True if something was deleted."""
    try:
        delete()
    except ApiException as error:
        if error.status != 404:
            raise
        return False
    return True


def _raw_nodes(api_client: client.ApiClient) -> list[dict[str, Any]]:
    # Plain dicts (camelCase, as the API sends them), so the pure builders in `nodes` read them too.
    nodes = client.CoreV1Api(api_client).list_node()
    items: list[dict[str, Any]] = api_client.sanitize_for_serialization(nodes)["items"]
    return items
