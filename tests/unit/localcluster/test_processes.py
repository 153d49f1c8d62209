import dataclasses
import shutil
import time
from pathlib import Path

from ecs_operator.localcluster import processes


def group_alive(pgid: int) -> bool:
    """Any non-zombie process left in the process group."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def test_started_process_is_ours_until_stopped_and_its_log_is_kept(tmp_path):
    sleep = shutil.which("sleep")
    record = processes.start("sleeper", [sleep, "60"], tmp_path / "logs", tmp_path / "pids")
    try:
        assert processes.read_records(tmp_path / "pids") == [record]
        assert processes.is_ours(record)
    finally:
        processes.stop(record, timeout=5)
    assert not processes.is_ours(record)
    # The script's `sleep` child went with it (a signalled child may take a moment to be reaped).
    deadline = time.monotonic() + 5
    while group_alive(record.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not group_alive(record.pid)
    assert (tmp_path / "logs" / "sleeper.log").exists()


def test_a_reused_pid_is_not_ours_and_is_never_signalled(tmp_path):
    sleep = shutil.which("sleep")
    record = processes.start("sleeper", [sleep, "60"], tmp_path / "logs", tmp_path / "pids")
    try:
        impostor = dataclasses.replace(record, start_ticks=record.start_ticks - 1)
        assert not processes.is_ours(impostor)
        processes.stop(impostor)
        time.sleep(0.2)
        assert processes.is_ours(record)  # still running: stop() refused the mismatching record
        assert not processes.is_ours(dataclasses.replace(record, exe="/usr/bin/other"))
    finally:
        processes.stop(record, timeout=5)


def test_process_that_ignores_sigterm_is_killed_after_the_timeout(tmp_path):
    sh = shutil.which("sh")
    record = processes.start("stubborn", [sh, "-c", "trap '' TERM; sleep 60"], tmp_path / "l", tmp_path / "p")
    time.sleep(0.2)  # let the shell install its trap
    started = time.monotonic()
    processes.stop(record, timeout=0.5)
    assert not processes.is_ours(record)
    assert time.monotonic() - started < 4  # SIGKILL after 0.5 s, not an endless wait
    # The killed shell's `sleep` is killed with the group; it may stay a zombie for a moment until
    # it is reaped (a CI run under load saw the group still there right after stop()).
    deadline = time.monotonic() + 5
    while group_alive(record.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not group_alive(record.pid)


def test_a_wrapper_script_counts_as_the_binary_it_is(tmp_path):
    script = tmp_path / "kube-fake"
    script.write_text("#!/bin/sh\nsleep 60\n")
    script.chmod(0o755)
    record = processes.start("wrapped", [str(script)], tmp_path / "l", tmp_path / "p")
    try:
        time.sleep(0.1)
        assert processes.is_ours(record)
    finally:
        processes.stop(record, timeout=5)
    assert not processes.is_ours(record)
    # The script's `sleep` child went with it (a signalled child may take a moment to be reaped).
    deadline = time.monotonic() + 5
    while group_alive(record.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not group_alive(record.pid)
