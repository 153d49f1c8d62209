"""A real Kubernetes control plane on 127.0.0.1: etcd, kube-apiserver, kube-controller-manager,
kube-scheduler and kwok with fake on-demand and spot nodes. `up` starts one (or reuses a running one),
`status` describes it, `down` stops exactly the processes it started and removes its state."""

from __future__ import annotations

import contextlib
import fcntl
import json
import shutil
import socket
import ssl
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path

import yaml
from kubernetes import client, config

from ecs_operator.localcluster import admission, audit, components, fleet, processes
from ecs_operator.localcluster.binaries import ensure_binaries
from ecs_operator.localcluster.kubeconfig import build_kubeconfig
from ecs_operator.localcluster.layout import Layout
from ecs_operator.localcluster.nodes import DEFAULT_SHAPE, NodeShape, build_pools
from ecs_operator.localcluster.pki import make_pki
from ecs_operator.localcluster.waiting import GiveUp, wait_for

DEFAULT_NAME = "ecs-operator"
# Start order; `down` stops in reverse.
PROCESS_ORDER = ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok")

Progress = Callable[[str], None]


def _stderr_progress(message: str) -> None:
    print(f"[cluster] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class ClusterInfo:
    name: str
    kubeconfig: Path
    server: str
    bin_dir: Path
    state_dir: Path
    ports: components.Ports

    @property
    def versions(self) -> str:
        """e.g. k8s-v1.36.3_etcd-v3.6.16_kwok-v0.8.0: the build script names its bin dir so."""
        return self.bin_dir.name

    def new_api_client(self) -> client.ApiClient:
        return config.new_client_from_config(config_file=str(self.kubeconfig))


class ControlPlaneFailed(GiveUp, RuntimeError):
    pass


def status(name: str = DEFAULT_NAME) -> ClusterInfo | None:
    """The running cluster `name`, or None when it is not fully running and serving."""
    layout = Layout.for_cluster(name)
    info = _read_state(layout)
    if info is None:
        return None
    records = {record.name: record for record in processes.read_records(layout.pids_dir)}
    if any(process not in records or not processes.is_ours(records[process]) for process in PROCESS_ORDER):
        return None
    try:
        if not _apiserver_ready(info):
            return None
    except OSError:
        return None
    return info


def up(
    name: str = DEFAULT_NAME,
    *,
    nodes_per_pool: int = 3,
    node_shape: NodeShape = DEFAULT_SHAPE,
    timeout: float = 120.0,
    progress: Progress = _stderr_progress,
) -> ClusterInfo:
    """Start cluster `name`, or reuse it if it runs; either way both pools have at least `nodes_per_pool`
    Ready nodes. A reused cluster keeps the shape its nodes were created with."""
    with _exclusive(name):
        return _up_locked(name, nodes_per_pool, node_shape, timeout, progress)


def _up_locked(
    name: str, nodes_per_pool: int, node_shape: NodeShape, timeout: float, progress: Progress
) -> ClusterInfo:
    started = time.monotonic()
    running = status(name)
    if running is not None:
        progress(f"reusing running cluster {name!r} at {running.server}")
        _ensure_nodes(running, nodes_per_pool, node_shape, timeout)
        return running
    layout = Layout.for_cluster(name)
    if layout.state_dir.exists():
        progress(f"cleaning up stale state of cluster {name!r}")
        _down_locked(name, progress)
    bin_dir = ensure_binaries()
    try:
        info = _start(name, layout, bin_dir, timeout, progress)
        _ensure_nodes(info, nodes_per_pool, node_shape, timeout)
        _wait_default_service_account(info, timeout)
    except Exception:
        progress(f"start failed; logs are in {layout.logs_dir}")
        _stop_processes(layout)
        raise
    layout.state_file.write_text(json.dumps(_state_dict(info), indent=2))
    progress(f"cluster {name!r} ready at {info.server} in {time.monotonic() - started:.1f} s")
    return info


def down(name: str = DEFAULT_NAME, *, progress: Progress = _stderr_progress) -> bool:
    """Stop the processes cluster `name` started and delete its state. False if there was nothing."""
    with _exclusive(name):
        return _down_locked(name, progress)


def _down_locked(name: str, progress: Progress) -> bool:
    layout = Layout.for_cluster(name)
    if not layout.state_dir.exists():
        return False
    _stop_processes(layout, progress)
    shutil.rmtree(layout.state_dir, ignore_errors=True)
    progress(f"cluster {name!r} removed")
    return True


@contextlib.contextmanager
def _exclusive(name: str) -> Iterator[None]:
    """One `up`/`down` at a time per cluster, across processes (parallel test sessions share a cluster)."""
    lock_path = Layout.for_cluster(name).state_dir.with_suffix(".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def stage_files() -> list[Path]:
    """The kwok Stage files shipped with the package (they replace kwok's defaults entirely)."""
    stages = resources.files("ecs_operator.localcluster") / "stages"
    return sorted(Path(str(entry)) for entry in stages.iterdir() if entry.name.endswith(".yaml"))


def _start(name: str, layout: Layout, bin_dir: Path, timeout: float, progress: Progress) -> ClusterInfo:
    layout.state_dir.mkdir(parents=True, exist_ok=True)
    _write_pki(layout)
    ports = components.Ports(*_free_ports(5))
    server = f"https://127.0.0.1:{ports.apiserver}"
    info = ClusterInfo(name, layout.kubeconfig, server, bin_dir, layout.state_dir, ports)
    pki_files = {path: path.read_bytes() for path in (layout.ca_cert, layout.admin_cert, layout.admin_key)}
    kubeconfig = build_kubeconfig(name, server, *pki_files.values())
    _write_private(layout.kubeconfig, yaml.safe_dump(kubeconfig).encode())
    layout.scheduler_config.write_text(yaml.safe_dump(components.scheduler_config(layout)))
    layout.admission_config.write_text(yaml.safe_dump(admission.admission_configuration()))
    layout.audit_policy.write_text(yaml.safe_dump(audit.audit_policy()))

    progress(f"starting etcd on 127.0.0.1:{ports.etcd_client}")
    _launch(layout, "etcd", components.etcd_args(bin_dir, layout, ports))
    _wait_process(layout, "etcd", lambda: _etcd_healthy(ports.etcd_client), timeout)

    progress(f"starting kube-apiserver on {server}")
    _launch(layout, "kube-apiserver", components.apiserver_args(bin_dir, layout, ports))
    _wait_process(layout, "kube-apiserver", lambda: _apiserver_ready(info), timeout)

    progress("starting kube-controller-manager, kube-scheduler, kwok")
    _launch(layout, "kube-controller-manager", components.controller_manager_args(bin_dir, layout, ports))
    _launch(layout, "kube-scheduler", components.scheduler_args(bin_dir, layout, ports))
    _launch(layout, "kwok", components.kwok_args(bin_dir, layout, stage_files()))
    return info


def _ensure_nodes(info: ClusterInfo, nodes_per_pool: int, shape: NodeShape, timeout: float) -> None:
    nodes = build_pools(nodes_per_pool, shape)
    with info.new_api_client() as api_client:
        fleet.create_nodes(api_client, nodes)
        fleet.wait_nodes_ready(api_client, {node["metadata"]["name"] for node in nodes}, timeout)


def _wait_default_service_account(info: ClusterInfo, timeout: float) -> None:
    # The controller manager creates it; pods created before it exists are rejected by admission.
    with info.new_api_client() as api_client:
        core = client.CoreV1Api(api_client)
        wait_for(
            lambda: core.read_namespaced_service_account("default", "default"),
            timeout=timeout,
            what="ServiceAccount default/default",
        )


def _launch(layout: Layout, name: str, argv: list[str]) -> None:
    processes.start(name, argv, layout.logs_dir, layout.pids_dir)


def _wait_process(layout: Layout, name: str, ready: Callable[[], bool], timeout: float) -> None:
    """Wait for `ready`, failing at once (with its log) if the process dies first."""
    record = next(r for r in processes.read_records(layout.pids_dir) if r.name == name)

    def probe() -> bool:
        if processes.has_exited(record):
            raise _died_during_start(layout, name)
        return ready()

    wait_for(probe, timeout=timeout, what=name)


def _died_during_start(layout: Layout, name: str) -> ControlPlaneFailed:
    log = processes.log_tail(layout.logs_dir, name)
    return ControlPlaneFailed(f"{name} exited during start-up; last lines of its log:\n{log}")


def _stop_processes(layout: Layout, progress: Progress = _stderr_progress) -> None:
    records = {record.name: record for record in processes.read_records(layout.pids_dir)}
    for name in reversed(PROCESS_ORDER):
        if name in records and processes.is_ours(records[name]):
            progress(f"stopping {name} (pid {records[name].pid})")
            processes.stop(records[name])


def _write_pki(layout: Layout) -> None:
    layout.pki_dir.mkdir(parents=True, exist_ok=True)
    pki = make_pki(components.SERVICE_CIDR)
    _write_private(layout.ca_cert, pki.ca_cert)
    _write_private(layout.ca_key, pki.ca_key)
    _write_private(layout.admin_cert, pki.admin_cert)
    _write_private(layout.admin_key, pki.admin_key)
    _write_private(layout.service_account_key, pki.service_account_key)
    _write_private(layout.service_account_pub, pki.service_account_pub)


def _write_private(path: Path, data: bytes) -> None:
    path.touch(mode=0o600, exist_ok=True)
    path.write_bytes(data)


def _free_ports(count: int) -> list[int]:
    """Distinct ports free right now (all sockets stay open until all are chosen, so no duplicates)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _etcd_healthy(port: int) -> bool:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
        return bool(json.load(response).get("health") == "true")


def _apiserver_ready(info: ClusterInfo) -> bool:
    layout = Layout(info.state_dir)
    context = ssl.create_default_context(cafile=str(layout.ca_cert))
    context.load_cert_chain(str(layout.admin_cert), str(layout.admin_key))
    with urllib.request.urlopen(f"{info.server}/readyz", timeout=2, context=context) as response:
        return bool(response.status == 200)


def _state_dict(info: ClusterInfo) -> dict[str, object]:
    return {
        "name": info.name,
        "server": info.server,
        "kubeconfig": str(info.kubeconfig),
        "bin_dir": str(info.bin_dir),
        "ports": asdict(info.ports),
    }


def _read_state(layout: Layout) -> ClusterInfo | None:
    try:
        state = json.loads(layout.state_file.read_text())
        return ClusterInfo(
            name=state["name"],
            kubeconfig=Path(state["kubeconfig"]),
            server=state["server"],
            bin_dir=Path(state["bin_dir"]),
            state_dir=layout.state_dir,
            ports=components.Ports(**state["ports"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
