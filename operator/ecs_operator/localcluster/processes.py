"""Start and stop the control plane's processes, each with a pid file and a log in the state dir.

A pid file records the pid, the binary and the process start time, so `stop` never signals a
process that merely reused the pid."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProcessRecord:
    name: str
    pid: int
    exe: str  # resolved path of the binary
    start_ticks: int  # field 22 of /proc/<pid>/stat: start time since boot, in clock ticks


def start(name: str, argv: list[str], logs_dir: Path, pids_dir: Path) -> ProcessRecord:
    """Start `argv` detached from our session (it outlives the CLI), logging to logs_dir/<name>.log."""
    logs_dir.mkdir(parents=True, exist_ok=True)
    pids_dir.mkdir(parents=True, exist_ok=True)
    with (logs_dir / f"{name}.log").open("ab") as log:
        process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    # The Popen object is dropped on purpose: the pid file is the handle, across CLI invocations.
    process.returncode = 0  # silences the "still running" ResourceWarning when it is collected
    record = ProcessRecord(
        name=name, pid=process.pid, exe=str(Path(argv[0]).resolve()), start_ticks=_start_ticks(process.pid)
    )
    (pids_dir / f"{name}.pid").write_text(json.dumps(asdict(record)))
    return record


def read_records(pids_dir: Path) -> list[ProcessRecord]:
    records = []
    for path in sorted(pids_dir.glob("*.pid")):
        try:
            records.append(ProcessRecord(**json.loads(path.read_text())))
        except (ValueError, TypeError):
            continue  # a torn or foreign file: nothing we can safely signal
    return records


def is_ours(record: ProcessRecord) -> bool:
    """True while the pid still runs the binary we started, started when we started it."""
    return (
        _start_ticks(record.pid) == record.start_ticks
        and _runs(record.pid, record.exe)
        and not _is_zombie(record.pid)
    )


def has_exited(record: ProcessRecord) -> bool:
    """For a process started by this one and not reaped yet (its pid cannot be reused): it is gone
    or a zombie. Not `not is_ours`: while exec is under way, for a moment after Popen returns, the
    executable and command line can read as another program or as nothing."""
    return _start_ticks(record.pid) != record.start_ticks or _is_zombie(record.pid)


def _runs(pid: int, exe: str) -> bool:
    """The process's executable is `exe`, or (a wrapper script) its interpreter was given `exe`."""
    try:
        if os.readlink(f"/proc/{pid}/exe") == exe:
            return True
        return exe in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return False


def stop(record: ProcessRecord, timeout: float = 10.0) -> None:
    """SIGTERM, then SIGKILL after `timeout`; only if the pid is still the process we started."""
    if not is_ours(record):
        _reap(record.pid)
        return
    # start_new_session made the process a group leader: signal the group, so a wrapper's children go too.
    os.killpg(record.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _reap(record.pid)
        if not is_ours(record):
            return
        time.sleep(0.1)
    if is_ours(record):
        os.killpg(record.pid, signal.SIGKILL)
    while is_ours(record):
        _reap(record.pid)
        time.sleep(0.05)
    _reap(record.pid)


def log_tail(logs_dir: Path, name: str, lines: int = 20) -> str:
    path = logs_dir / f"{name}.log"
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _start_ticks(pid: int) -> int:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return -1
    # The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    return int(stat.rsplit(")", 1)[1].split()[19])


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return False


def _reap(pid: int) -> None:
    """Collect the exit status if the process is our child, so it does not linger as a zombie."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
