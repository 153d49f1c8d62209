"""`ecs-operator demo`: the whole product on a laptop, no Docker needed.

Starts (or reuses) the local control plane with on-demand and spot pools, installs the CRDs, starts
the operator (left running in the background, reused by the next demo), applies `examples/`, waits
until every Service is steady, and prints where every task landed."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ecs_operator.commands.cluster import add_node_arguments, node_shape
from ecs_operator.localcluster import controlplane, fleet
from ecs_operator.localcluster.controlplane import ClusterInfo
from ecs_operator.localcluster.nodes import NodeRow

NAME = "demo"
HELP = "Start the local cluster and the operator, apply examples/, and show where every task landed."
DEMO_NAMESPACE = "ecs-demo"
EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--name", default=controlplane.DEFAULT_NAME, help="cluster name (default: %(default)s)"
    )
    parser.add_argument("--examples", default=str(EXAMPLES), help="manifests to apply (default: %(default)s)")
    parser.add_argument(
        "--namespace", default=DEMO_NAMESPACE, help="namespace (ECS cluster) for the examples"
    )
    parser.add_argument("--timeout", type=float, default=180, help="seconds to wait for steady state")
    parser.add_argument("--stop", action="store_true", help="stop the demo's operator and exit")
    add_node_arguments(parser)


def run(args: argparse.Namespace) -> int:
    if args.stop:
        return stop_operator(args.name)
    step("starting the local control plane (the first run builds it from source: ~8 min)")
    info = start_cluster(args)
    print_node_pools(info)
    from ecs_operator.controller.kube import Kube, load_api_client
    from ecs_operator.localrun import apply_manifests, ensure_namespace, install_crds, read_manifests

    kube = Kube(load_api_client(str(info.kubeconfig)), field_manager="ecs-operator-demo")
    step("installing the CRDs")
    install_crds(kube)
    step("starting the operator")
    pid, log = start_operator(info)
    step(f"applying {args.examples} to namespace {args.namespace}")
    ensure_namespace(kube, args.namespace)
    apply_manifests(kube, read_manifests([args.examples]), args.namespace)
    step("waiting until every Service has reached a steady state")
    services = wait_steady(kube, args.namespace, args.timeout)
    print()
    print(format_services(services))
    print()
    print(format_tasks(task_rows(kube, args.namespace)))
    print(f"\noperator: pid {pid}, log {log} (stop it with: ecs-operator demo --stop)")
    print(f"export KUBECONFIG={info.kubeconfig}")
    print(f"kubectl get ecs -n {args.namespace}")
    return 0 if all(_is_steady(s) for s in services) else 1


def step(message: str) -> None:
    print(f"==> {message}", file=sys.stderr, flush=True)


def _operator_files(info: ClusterInfo) -> tuple[Path, Path]:
    return info.state_dir / "demo-operator.pid", info.state_dir / "demo-operator.log"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return False
    return b"ecs_operator" in cmdline and b"run" in cmdline


def start_operator(info: ClusterInfo) -> tuple[int, Path]:
    """Reuse the demo's operator when it still runs; else start one that outlives this command."""
    from ecs_operator.localrun import OperatorProcess

    pid_file, log = _operator_files(info)
    if pid_file.exists() and _alive(int(pid_file.read_text() or 0)):
        return int(pid_file.read_text()), log
    process = OperatorProcess(info.kubeconfig, log).start()
    assert process.process is not None
    pid_file.write_text(str(process.process.pid))
    return process.process.pid, log


def stop_operator(name: str) -> int:
    info = controlplane.status(name)
    if info is None:
        print("no local cluster is running", file=sys.stderr)
        return 1
    pid_file, _ = _operator_files(info)
    if pid_file.exists() and _alive(pid := int(pid_file.read_text() or 0)):
        os.kill(pid, 15)
        print(f"stopped the demo operator (pid {pid})")
    pid_file.unlink(missing_ok=True)
    return 0


def _is_steady(service: dict[str, Any]) -> bool:
    status = service.get("status") or {}
    ready: dict[str, Any] = next((c for c in status.get("conditions") or [] if c.get("type") == "Ready"), {})
    return bool(ready.get("status") == "True" and status.get("rolloutState") == "COMPLETED")


def wait_steady(kube: Any, namespace: str, timeout: float) -> list[dict[str, Any]]:
    from ecs_operator.controller import resources

    deadline = time.monotonic() + timeout
    while True:
        services = kube.list(resources.ECS_SERVICE, namespace)
        if (services and all(_is_steady(s) for s in services)) or time.monotonic() > deadline:
            return services
        time.sleep(1)


def format_services(services: Sequence[dict[str, Any]]) -> str:
    rows = [("SERVICE", "DESIRED", "RUNNING", "TASK DEFINITION", "ROLLOUT", "SPLIT (desired per provider)")]
    for s in sorted(services, key=lambda s: s["metadata"]["name"]):
        status = s.get("status") or {}
        split = ", ".join(
            f"{p['capacityProvider']}={p.get('desiredCount', 0)}" for p in status.get("providers") or []
        )
        rows.append(
            (
                s["metadata"]["name"],
                str(status.get("desiredCount", "")),
                str(status.get("runningCount", "")),
                str(status.get("taskDefinition", "")),
                str(status.get("rolloutState", "")),
                split,
            )
        )
    return _table(rows)


def task_rows(kube: Any, namespace: str) -> list[tuple[str, ...]]:
    from ecs_operator.api import labels
    from ecs_operator.controller import resources

    nodes = {n["metadata"]["name"]: n["metadata"].get("labels") or {} for n in kube.list(resources.NODE)}
    providers = {
        p["metadata"]["name"]: (p.get("spec") or {}).get("name", p["metadata"]["name"])
        for p in kube.list(resources.CAPACITY_PROVIDER)
    }
    rows = []
    for pod in kube.list(resources.POD, namespace, f"{labels.MANAGED_BY}={labels.MANAGED_BY_VALUE}"):
        meta, status = pod["metadata"], pod.get("status") or {}
        node = (pod.get("spec") or {}).get("nodeName") or "-"
        ready = any(
            c.get("type") == "Ready" and c.get("status") == "True" for c in status.get("conditions") or []
        )
        rows.append(
            (
                labels.service_of(pod) or "",
                providers.get(meta["labels"].get(labels.CAPACITY_PROVIDER, ""), "?"),
                nodes.get(node, {}).get(labels.CAPACITY_TYPE, "-"),
                node,
                nodes.get(node, {}).get("topology.kubernetes.io/zone", "-"),
                (meta.get("annotations") or {}).get(labels.TASK_DEFINITION_ANNOTATION, ""),
                "yes" if ready else "no",
            )
        )
    return sorted(rows)


def format_tasks(rows: Sequence[tuple[str, ...]]) -> str:
    header = ("SERVICE", "CAPACITY PROVIDER", "POOL", "NODE", "ZONE", "TASK DEFINITION", "READY")
    summary = Counter((r[0], r[1], r[2]) for r in rows)
    totals = "\n".join(
        f"  {svc:<10} {cp:<13} on {pool:<9} {n:>3} tasks" for (svc, cp, pool), n in sorted(summary.items())
    )
    return _table([header, *rows]) + "\n\nwhere tasks landed:\n" + totals


def _table(table: Sequence[tuple[str, ...]]) -> str:
    widths = [max(len(line[column]) for line in table) for column in range(len(table[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in table
    )


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
    return _table(table)
