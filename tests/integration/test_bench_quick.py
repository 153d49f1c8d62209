"""The benchmark harness keeps working: `python -m bench --quick` (N = 5, one repetition) on its own
throwaway control plane writes a report with every section and figure."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_bench_quick_writes_every_figure(tmp_path: Path) -> None:
    report, results = tmp_path / "BENCHMARKS.md", tmp_path / "results.json"
    cluster = f"bench-quick-{os.getpid()}"
    argv = ["--quick", "--cluster", cluster, "--output", str(report), "--json", str(results)]
    subprocess.run(
        [sys.executable, "-m", "bench", *argv],
        cwd=REPO,
        check=True,
        timeout=120,
    )
    data = json.loads(results.read_text())
    kinds = {(run["kind"], run["size"]) for run in data["runs"]}
    assert kinds == {("python", 5), ("kubectl", 5), ("operator", 5)}
    for run in data["runs"]:
        assert run["converge_s"] > 0 and run["pods_running_s"] > 0, run
        # CPU by process over the window: the control plane's processes were found by their records.
        cpu = run["cpu_converge"]
        assert cpu["machine"] > 0 and cpu["kube-apiserver"] > 0 and "etcd" in cpu, cpu
        assert ("operator" in cpu) == (run["kind"] == "operator"), cpu
    operator = next(run for run in data["runs"] if run["kind"] == "operator")
    # Every child was created (2 Deployments + 1 PDB per Service, a core Service for 3 of 5), once,
    # and the operator used no more writes than it should at steady state: none while idle or after
    # restart.
    assert operator["writes"]["POST deployments"] == 10 and "APPLY deployments" not in operator["writes"]
    assert operator["process"]["peak_rss_mb"] > 0 and operator["process"]["cpu_seconds"] > 0
    large = data["large"]
    assert large["idle_self_writes"] == 0 and sum(large["idle_writes"].values()) == 0
    assert large["restart_self_writes"] == 0 and sum(large["restart_writes"].values()) == 0
    assert len(large["reaction_s"]) == 5 and all(0 < t < 5 for t in large["reaction_s"])
    assert data["core"]["split_rate"] and data["core"]["render_s"]
    text = report.read_text()
    for heading in (
        "## Machine and versions",
        "## 1. Convergence vs. the bare client",
        "## 2. API writes",
        "## 3. Reaction latency",
        "## 4. Pods to Running",
        "## 5. Operator memory and CPU",
        "## 6. The pure core",
    ):
        assert heading in text
    for field in ("nproc", "Kubernetes v1.36.3", "kopf", "ratio", "p99", "peak RSS", "Where the CPU went"):
        assert field in text
