"""`up` with binaries that die at once: it must fail fast, show the log, and leave nothing running."""

import os
import time

import pytest

from ecs_operator.localcluster import controlplane
from ecs_operator.localcluster.binaries import REQUIRED
from ecs_operator.localcluster.controlplane import ControlPlaneFailed


@pytest.fixture
def broken_binaries(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in REQUIRED:
        script = bin_dir / name
        script.write_text(f"#!/bin/sh\necho '{name}: unknown flag --nonsense' >&2\nexit 1\n")
        script.chmod(0o755)
    monkeypatch.setenv("ECS_OPERATOR_BIN_DIR", str(bin_dir))
    monkeypatch.setenv("ECS_OPERATOR_CACHE", str(tmp_path / "cache"))
    return bin_dir


def test_up_fails_fast_with_the_dead_process_log_and_leaves_no_running_cluster(broken_binaries):
    started = time.monotonic()
    with pytest.raises(ControlPlaneFailed, match="etcd exited during start-up") as failure:
        controlplane.up("broken", timeout=60, progress=lambda message: None)
    assert time.monotonic() - started < 30  # the timeout is 60 s: failing before it means failing fast
    assert "etcd: unknown flag --nonsense" in str(failure.value)
    assert controlplane.status("broken") is None
    assert controlplane.down("broken", progress=lambda message: None)  # the failed attempt's state goes too


def test_missing_binaries_are_named(tmp_path, monkeypatch):
    monkeypatch.setenv("ECS_OPERATOR_BIN_DIR", str(tmp_path))
    monkeypatch.setenv("ECS_OPERATOR_CACHE", str(tmp_path / "cache"))
    with pytest.raises(RuntimeError, match="lacks etcd, kube-apiserver"):
        controlplane.up("nothing", progress=lambda message: None)
    assert not os.path.exists(tmp_path / "cache" / "clusters" / "nothing" / "cluster.json")
