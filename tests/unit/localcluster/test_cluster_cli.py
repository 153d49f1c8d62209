"""`ecs-operator cluster` run as a user runs it (a subprocess, a real cache dir), with no cluster needed."""

import json
import os
import subprocess
import sys

from ecs_operator.localcluster import controlplane


def cluster_cli(cache, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ECS_OPERATOR_CACHE": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "ecs_operator", "cluster", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_status_of_a_cluster_that_never_ran_exits_1_and_says_so(tmp_path):
    result = cluster_cli(tmp_path, "status", "--name", "nothing-here")
    assert result.returncode == 1
    assert "not running" in result.stderr
    assert result.stdout == ""


def test_down_of_a_cluster_that_never_ran_is_harmless(tmp_path):
    result = cluster_cli(tmp_path, "down", "--name", "nothing-here")
    assert result.returncode == 0
    assert "not running" in result.stderr


def test_status_ignores_leftover_state_whose_processes_are_gone(tmp_path, monkeypatch):
    monkeypatch.setenv("ECS_OPERATOR_CACHE", str(tmp_path))
    state_dir = tmp_path / "clusters" / "stale"
    (state_dir / "pids").mkdir(parents=True)
    ports = {"etcd_client": 1, "etcd_peer": 2, "apiserver": 3, "controller_manager": 4, "scheduler": 5}
    state = {
        "name": "stale",
        "server": "https://127.0.0.1:1",
        "kubeconfig": "/x",
        "bin_dir": "/x",
        "ports": ports,
    }
    (state_dir / "cluster.json").write_text(json.dumps(state))
    (state_dir / "pids" / "etcd.pid").write_text(
        '{"name": "etcd", "pid": 1, "exe": "/nowhere/etcd", "start_ticks": 0}'  # pid 1 is not our etcd
    )
    assert controlplane.status("stale") is None
    assert controlplane.down("stale") is True  # removes the state, signals nothing
    assert not state_dir.exists()
