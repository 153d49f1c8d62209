"""`python -m bench [--quick]`: run the benchmarks on a dedicated local control plane and write
BENCHMARKS.md (and bench/results/results.json). See bench/README.md."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import shlex
import subprocess
import sys
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from bench import core, report, scenarios, workload
from ecs_operator.localcluster import controlplane
from ecs_operator.localcluster.nodes import NodeShape

REPO = Path(__file__).resolve().parents[1]
# Big fake nodes: 4000 pods of 62m / 64Mi at N = 1000 fit on 4 + 4 of them.
NODES_PER_POOL = 4
SHAPE = NodeShape(cpu="128", memory="256Gi", pods=1100)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--quick", action="store_true", help="N=5, 1 repetition, short windows (CI smoke run)")
    p.add_argument("--sizes", default="100,500,1000", help="comma-separated N")
    p.add_argument("--reps", type=int, default=3, help="repetitions per N")
    p.add_argument("--large-reps", type=int, default=None, help="reps at the largest N")
    p.add_argument("--pod-sizes", default=None, help="N at which pods must reach Running (default: all)")
    p.add_argument("--idle-seconds", type=float, default=300.0)
    p.add_argument("--restart-seconds", type=float, default=60.0)
    p.add_argument("--reaction-changes", type=int, default=50)
    p.add_argument("--cluster", default=None, help="dedicated control plane (bench; --quick: bench-quick)")
    p.add_argument("--keep-cluster", action="store_true", help="leave the control plane running")
    p.add_argument("--no-baseline-kubectl", action="store_true")
    p.add_argument(
        "--baseline-python-ssa",
        action="store_true",
        help="also the Python client with server-side apply (the operator's write method), for reference",
    )
    p.add_argument("--no-baseline", action="store_true", help="operator runs only (profiling)")
    p.add_argument("--profile", action="store_true", help="py-spy record the operator until converged")
    p.add_argument(
        "--variant",
        default="",
        help="also run, after each operator run at --variant-sizes, the operator with these bench.variant "
        "options (a proposed change, measured interleaved with the shipped one), e.g. '--workers 8'",
    )
    p.add_argument("--variant-sizes", default=None, help="N for the variant runs (default: the largest)")
    p.add_argument("--variant-extras", action="store_true", help="idle/restart/reaction for the variant too")
    p.add_argument("--report-only", action="store_true", help="re-render BENCHMARKS.md from --json, no runs")
    p.add_argument("--output", default=str(REPO / "BENCHMARKS.md"))
    p.add_argument("--json", default=str(REPO / "bench" / "results" / "results.json"))
    args = p.parse_args(argv)
    if args.quick:
        args.sizes, args.reps, args.large_reps = "5", 1, 1
        args.idle_seconds, args.restart_seconds, args.reaction_changes = 3.0, 3.0, 5
    args.cluster = args.cluster or ("bench-quick" if args.quick else "bench")
    args.size_list = [int(s) for s in args.sizes.split(",")]
    args.pod_list = [int(s) for s in args.pod_sizes.split(",")] if args.pod_sizes else args.size_list
    args.large_reps = args.reps if args.large_reps is None else args.large_reps
    sizes = args.variant_sizes
    args.variant_list = [int(s) for s in sizes.split(",")] if sizes else [max(args.size_list)]
    return args


def machine() -> dict[str, object]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = int(
        next(
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    )
    return {"cpu_model": cpu, "nproc": os.cpu_count(), "mem_gb": mem_kb / 1024 / 1024}


def versions(info: controlplane.ClusterInfo, kubectl: Path) -> dict[str, str]:
    parts = dict(part.split("-", 1) for part in info.versions.split("_"))  # k8s-v1.36.3_etcd-v3.6.16_...
    out = subprocess.run([str(kubectl), "version", "--client", "-o", "json"], capture_output=True, text=True)
    kubectl_version = json.loads(out.stdout)["clientVersion"]["gitVersion"] if out.returncode == 0 else "?"
    return {
        "kubernetes": parts.get("k8s", "?"),
        "etcd": parts.get("etcd", "?"),
        "kwok": parts.get("kwok", "?"),
        "kubectl": kubectl_version,
        "python": platform.python_version(),
        "kopf": metadata.version("kopf"),
        "kubernetes_client": metadata.version("kubernetes"),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.report_only:
        recorded = json.loads(Path(args.json).read_text())
        recorded["notes"] = _notes()
        Path(args.json).write_text(json.dumps(recorded, indent=1, default=str))
        Path(args.output).write_text(report.render_markdown(recorded))
        return 0
    started = time.monotonic()
    load_start = scenarios.load()
    scenarios.log(f"sizes {args.size_list}, reps {args.reps}, cluster {args.cluster!r}, load {load_start}")
    info = controlplane.up(args.cluster, nodes_per_pool=NODES_PER_POOL, node_shape=SHAPE, timeout=300)
    try:
        c = scenarios.Cluster.prepare(info.kubeconfig, scenarios.workdir(), name=args.cluster)
        if args.quick:
            c.wait_deleted, c.quiet_seconds = False, 1.5
        scenarios.log(f"logs and manifests in {c.workdir}")
        results: dict[str, object] = {"runs": [], "large": None}
        results["core"] = {
            "split_rate": core.split_rate(),
            "render_s": core.render_per_service(min(100, max(args.size_list))),
            "render_services": min(100, max(args.size_list)),
        }
        idle = 2.0 if args.quick else 10.0
        results["idle_n0_seconds"] = idle
        results["idle_n0"] = scenarios.idle_operator(c, idle)
        largest = max(args.size_list)
        runs: list[dict[str, object]] = results["runs"]  # type: ignore[assignment]
        for size in args.size_list:
            reps = args.large_reps if size == largest else args.reps
            pods = size in args.pod_list
            for rep in range(reps):
                if not args.no_baseline:
                    runs.append(dataclasses.asdict(scenarios.run_baseline(c, "python", size, rep, pods)))
                if not (args.no_baseline or args.no_baseline_kubectl):
                    runs.append(dataclasses.asdict(scenarios.run_baseline(c, "kubectl", size, rep, pods)))
                if args.baseline_python_ssa and not args.no_baseline:
                    runs.append(dataclasses.asdict(scenarios.run_baseline(c, "python-ssa", size, rep, pods)))
                extras = None
                if size == largest and rep == reps - 1:
                    extras = scenarios.LargeExtras(idle_seconds=args.idle_seconds)
                run = scenarios.run_operator(
                    c, size, rep, pods, extras, args.reaction_changes, args.restart_seconds, args.profile
                )
                runs.append(dataclasses.asdict(run))
                if extras is not None:
                    results["large"] = dataclasses.asdict(extras)
                if args.variant and size in args.variant_list:
                    vextras = None
                    if extras is not None and args.variant_extras:
                        vextras = scenarios.LargeExtras(idle_seconds=min(60.0, args.idle_seconds))
                    run = scenarios.run_operator(
                        c,
                        size,
                        rep,
                        pods,
                        vextras,
                        args.reaction_changes,
                        args.restart_seconds,
                        args.profile,
                        variant=args.variant.split(),
                    )
                    runs.append(dataclasses.asdict(run))
                    if vextras is not None:
                        results["large_variant"] = dataclasses.asdict(vextras)
                _write(args, results, info, c, started, load_start)  # partial results survive a crash
        _write(args, results, info, c, started, load_start)
    finally:
        if not args.keep_cluster:
            controlplane.down(args.cluster)
    return 0


def _notes() -> list[str]:
    notes = REPO / "bench" / "notes.md"
    return notes.read_text().splitlines() if notes.exists() else []


def _write(args, results, info, c, started, load_start) -> None:  # type: ignore[no-untyped-def]
    command = "bash bench/run.sh" + (" --quick" if args.quick else " " + shlex.join(sys.argv[1:])).rstrip()
    results["meta"] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "duration_min": (time.monotonic() - started) / 60,
        "load_start": load_start,
        "load_end": scenarios.load(),
        "versions": versions(info, c.kubectl),
        **machine(),
    }
    results["config"] = {
        "command": command,
        "sizes": args.size_list,
        "reps": args.reps,
        "large_reps": args.large_reps,
        "large_size": max(args.size_list),
        "pod_sizes": args.pod_list,
        "cluster": args.cluster,
        "nodes": f"{NODES_PER_POOL} on-demand + {NODES_PER_POOL} spot kwok nodes of {SHAPE.cpu} cpu / "
        f"{SHAPE.memory} / {SHAPE.pods} pods",
        "task_definitions": workload.TASK_DEFINITIONS,
        "desired": workload.DESIRED,
        "client_threads": scenarios.CLIENT_THREADS,
        "variant": args.variant,
    }
    results["notes"] = _notes()
    Path(args.json).write_text(json.dumps(results, indent=1, default=str))
    Path(args.output).write_text(report.render_markdown(results))  # type: ignore[arg-type]


if __name__ == "__main__":
    sys.exit(main())
