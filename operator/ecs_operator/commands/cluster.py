"""`ecs-operator cluster up|down|status`: the local control plane with fake on-demand and spot nodes."""

from __future__ import annotations

import argparse
import sys
from collections import Counter

from ecs_operator.localcluster import controlplane, fleet
from ecs_operator.localcluster.nodes import NodeShape

NAME = "cluster"
HELP = "Start, stop or describe the local Kubernetes control plane (etcd, apiserver, scheduler, kwok)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("up", "down", "status"))
    parser.add_argument(
        "--name", default=controlplane.DEFAULT_NAME, help="cluster name (default: %(default)s)"
    )
    add_node_arguments(parser)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for readiness")


def add_node_arguments(parser: argparse.ArgumentParser) -> None:
    """Node pool options, shared with `demo`."""
    defaults = NodeShape()
    parser.add_argument("--nodes-per-pool", type=int, default=3, help="fake nodes in each pool (default: 3)")
    parser.add_argument(
        "--node-cpu", default=defaults.cpu, help="cpu of each new node (default: %(default)s)"
    )
    parser.add_argument(
        "--node-memory", default=defaults.memory, help="memory of each new node (default: %(default)s)"
    )
    parser.add_argument(
        "--node-pods", type=int, default=defaults.pods, help="pods per node (default: %(default)s)"
    )


def node_shape(args: argparse.Namespace) -> NodeShape:
    return NodeShape(cpu=args.node_cpu, memory=args.node_memory, pods=args.node_pods)


def run(args: argparse.Namespace) -> int:
    if args.action == "up":
        info = controlplane.up(
            args.name, nodes_per_pool=args.nodes_per_pool, node_shape=node_shape(args), timeout=args.timeout
        )
        print(
            info.kubeconfig
        )  # last line of stdout, for scripts: KUBECONFIG=$(ecs-operator cluster up | tail -1)
        return 0
    if args.action == "down":
        if not controlplane.down(args.name):
            print(f"cluster {args.name!r} is not running", file=sys.stderr)
        return 0
    return print_status(args.name)


def print_status(name: str) -> int:
    info = controlplane.status(name)
    if info is None:
        print(f"cluster {name!r} is not running", file=sys.stderr)
        return 1
    with info.new_api_client() as api_client:
        rows = fleet.list_fake_nodes(api_client)
    total = Counter(row.pool for row in rows)
    ready = Counter(row.pool for row in rows if row.ready)
    print(f"name:       {info.name}")
    print(f"server:     {info.server}")
    print(f"kubeconfig: {info.kubeconfig}")
    print(f"versions:   {info.versions}")
    for pool in sorted(total):
        print(f"pool {pool}: {ready[pool]}/{total[pool]} nodes ready")
    return 0
