"""`ecs-operator demo`: a local cluster with on-demand and spot pools, and where things run on it.

Each step is a small function so the demo can grow (install CRDs, start the operator, apply
examples/, show where tasks landed) without becoming one long script."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from ecs_operator.commands.cluster import add_node_arguments, node_shape
from ecs_operator.localcluster import controlplane, fleet
from ecs_operator.localcluster.controlplane import ClusterInfo
from ecs_operator.localcluster.nodes import NodeRow

NAME = "demo"
HELP = "Start (or reuse) the local cluster and show its node pools."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--name", default=controlplane.DEFAULT_NAME, help="cluster name (default: %(default)s)"
    )
    add_node_arguments(parser)


def run(args: argparse.Namespace) -> int:
    info = start_cluster(args)
    print_node_pools(info)
    print(f"\nexport KUBECONFIG={info.kubeconfig}")
    return 0


def start_cluster(args: argparse.Namespace) -> ClusterInfo:
    return controlplane.up(args.name, nodes_per_pool=args.nodes_per_pool, node_shape=node_shape(args))


def print_node_pools(info: ClusterInfo) -> None:
    with info.new_api_client() as api_client:
        rows = fleet.list_fake_nodes(api_client)
    print(format_node_table(rows))


def format_node_table(rows: Sequence[NodeRow]) -> str:
    """A fixed-width table: NAME, POOL, ZONE, READY."""
    table = [("NAME", "POOL", "ZONE", "READY")]
    table += [(row.name, row.pool, row.zone, "yes" if row.ready else "no") for row in rows]
    widths = [max(len(line[column]) for line in table) for column in range(len(table[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in table
    )
