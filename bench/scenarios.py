"""The measured scenarios on a dedicated local control plane: operator convergence, the bare-client
baselines, API writes (convergence, idle, restart), reaction latency, pods to Running, RSS and CPU."""

from __future__ import annotations

import http.client
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from kubernetes import client, config

from bench import kubeapi, workload
from bench.kubeapi import Endpoint, Watch
from ecs_operator.api import labels
from ecs_operator.controller.kube import Kube
from ecs_operator.localcluster import processes
from ecs_operator.localcluster.layout import Layout
from ecs_operator.localrun import OperatorProcess, install_crds

REPO = Path(__file__).resolve().parents[1]
CLIENT_THREADS = 16
POOL = {"fargate": "on-demand", "fargate-spot": "spot"}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def load() -> float:
    return round(os.getloadavg()[0], 2)


def new_kube(kubeconfig: Path, field_manager: str = "bench") -> Kube:
    cfg = client.Configuration()
    config.load_kube_config(config_file=str(kubeconfig), client_configuration=cfg)
    cfg.connection_pool_maxsize = CLIENT_THREADS * 2
    return Kube(client.ApiClient(cfg), field_manager=field_manager)


def kubectl_path() -> Path:
    out = subprocess.run(
        ["bash", str(REPO / "hack" / "kube-tools.sh")], check=True, capture_output=True, text=True
    )
    return Path(out.stdout.strip().splitlines()[-1]) / "kubectl"


# ---- process figures from /proc ----


def proc_figures(pid: int) -> dict[str, float]:
    status = Path(f"/proc/{pid}/status").read_text()
    fields = {line.split(":")[0]: line.split(":")[1].strip() for line in status.splitlines() if ":" in line}
    return {
        "peak_rss_mb": int(fields["VmHWM"].split()[0]) / 1024,
        "rss_mb": int(fields["VmRSS"].split()[0]) / 1024,
        "cpu_seconds": round(_cpu_seconds(pid), 2),
    }


def _cpu_seconds(pid: int) -> float:
    """utime + stime of the process, from /proc/<pid>/stat."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    parts = stat[stat.rindex(")") + 2 :].split()
    return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")


def _machine_busy_seconds() -> float:
    """CPU time all cores spent busy since boot (/proc/stat: user, nice, system, irq, softirq, steal)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU seconds each process spends in a window: the control plane's (its pid records), the
    operator and this benchmark process (the bare client's threads and the watches), and the whole
    machine. It tells what the extra seconds of a run were spent on when the cores are full."""

    def __init__(self, pids: dict[str, int]) -> None:
        self._pids = dict(pids)
        self._start = self._read()

    def _read(self) -> dict[str, float]:
        seconds = {"machine": _machine_busy_seconds()}
        for name, pid in self._pids.items():
            try:
                seconds[name] = _cpu_seconds(pid)
            except OSError:  # gone (a restarted operator): that process is left out
                continue
        return seconds

    def stop(self) -> dict[str, float]:
        end = self._read()
        return {name: round(end[name] - self._start[name], 2) for name in end if name in self._start}


def control_plane_pids(cluster: str) -> dict[str, int]:
    records = processes.read_records(Layout.for_cluster(cluster).pids_dir)
    return {record.name: record.pid for record in records if processes.is_ours(record)}


def operator_pid(op: OperatorProcess) -> int:
    assert op.process is not None
    return op.process.pid


# ---- namespaces and watches ----


def create_namespace(ep: Endpoint, name: str) -> None:
    ep.request(
        "POST", "/api/v1/namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
    )


def _count(ep: Endpoint, path: str) -> int:
    return len((ep.get(path + "?limit=1000") or {}).get("items", []))


def delete_namespace(ep: Endpoint, name: str, timeout: float = 900, wait: bool = True) -> float:
    """Delete a run's namespace fast: the owners first (the garbage collector deletes ReplicaSets),
    then every pod at once with grace 0 (kwok would otherwise finish thousands of graceful deletions
    one by one, minutes at N = 1000), then the namespace; wait until it is gone."""
    if not wait:  # a throwaway cluster (--quick): leave it, so nothing changes under the next run
        return 0.0
    started = time.monotonic()
    ecs = f"/apis/ecs-operator.dev/v1alpha1/namespaces/{name}"
    _lift_finalizers(ep, name)
    background = {"apiVersion": "v1", "kind": "DeleteOptions", "propagationPolicy": "Background"}
    deployments = f"/apis/apps/v1/namespaces/{name}/deployments"
    for path in (f"{ecs}/ecsservices", f"{ecs}/taskdefinitions", deployments):
        _until_empty(ep, path, background, started + 300)
    while _count(ep, f"/apis/apps/v1/namespaces/{name}/replicasets") and time.monotonic() - started < 300:
        time.sleep(1)
    now = {"apiVersion": "v1", "kind": "DeleteOptions", "gracePeriodSeconds": 0}
    _until_empty(ep, f"/api/v1/namespaces/{name}/pods", now, started + 400)
    ep.request("DELETE", f"/api/v1/namespaces/{name}")
    while time.monotonic() - started < timeout:
        if ep.get(f"/api/v1/namespaces/{name}") is None:
            return time.monotonic() - started
        _lift_finalizers(ep, name)
        time.sleep(1)
    raise TimeoutError(f"namespace {name} still there after {timeout:.0f} s")


def _until_empty(ep: Endpoint, path: str, options: dict[str, Any], deadline: float) -> None:
    """DELETE a collection until it is empty: a big one can outlast the API server's request timeout
    (504, or a response cut off mid-stream), having deleted part of it."""
    while time.monotonic() < deadline:
        try:
            ep.request("DELETE", path, options)
        except (RuntimeError, OSError, http.client.HTTPException) as exc:
            log(f"delete {path}: {str(exc)[:120]}; retrying")
        if not _count(ep, path):
            return
        time.sleep(2)


def _lift_finalizers(ep: Endpoint, name: str) -> None:
    """The operator is stopped before cleanup; its TaskDefinitions' in-use finalizers go by hand."""
    tds = ep.get(f"/apis/ecs-operator.dev/v1alpha1/namespaces/{name}/taskdefinitions") or {}
    for td in tds.get("items", []):
        if td["metadata"].get("finalizers"):
            ep.request(
                "PATCH",
                f"/apis/ecs-operator.dev/v1alpha1/namespaces/{name}/taskdefinitions/{td['metadata']['name']}",
                {"metadata": {"finalizers": None}},
                content_type="application/merge-patch+json",
            )


def deployment_projection(obj: dict[str, Any]) -> int | None:
    return (obj.get("spec") or {}).get("replicas")


def status_reported(obj: dict[str, Any]) -> bool:
    """An ECS Service's status reports its current generation, with its deployments."""
    status = obj.get("status") or {}
    generation = (obj.get("metadata") or {}).get("generation")
    return status.get("observedGeneration") == generation and bool(status.get("deployments"))


def pod_projection(obj: dict[str, Any]) -> tuple[str, str, str, bool]:
    meta = obj["metadata"]
    return (
        (obj.get("status") or {}).get("phase", ""),
        (obj.get("spec") or {}).get("nodeName") or "",
        (meta.get("labels") or {}).get(labels.CAPACITY_PROVIDER, ""),
        bool(meta.get("deletionTimestamp")),
    )


def node_pools(ep: Endpoint) -> dict[str, str]:
    nodes = ep.get("/api/v1/nodes")["items"]
    return {
        n["metadata"]["name"]: (n["metadata"].get("labels") or {}).get(labels.CAPACITY_TYPE, "")
        for n in nodes
    }


class ChildWatches:
    """One watch per child kind the rendered workload has; converged when every expected child
    exists (Deployments with the right replica count). Not Deployments alone: the operator writes a
    Service's Deployments first, and its core Service (the slowest object to create) last."""

    def __init__(self, ep: Endpoint, namespace: str, expected: dict[str, dict[str, Any]]) -> None:
        self.expected = expected
        self.watches = {
            kind: Watch(
                ep,
                workload.CHILD_PATHS[kind].format(ns=namespace),
                workload.child_state(kind),
                until=states_match(expected[kind]),
            )
            for kind in expected
        }

    def start(self) -> ChildWatches:
        for watch in self.watches.values():
            watch.start()
        return self

    def wait(self, timeout: float) -> float:
        """The time the last awaited child arrived."""
        deadline = time.monotonic() + timeout
        watches = self.watches.values()
        return max(watch.wait_reached(max(1.0, deadline - time.monotonic())) for watch in watches)

    def stop(self) -> None:
        for watch in self.watches.values():
            watch.stop()


def states_match(expected: dict[str, Any]) -> Any:
    """Every expected name is present with its expected state (a Deployment's replicas, or True)."""

    def predicate(state: dict[str, Any]) -> bool:
        return all(state.get(name) == wanted for name, wanted in expected.items())

    return predicate


def pods_running(count: int, pools: dict[str, str]) -> Any:
    def predicate(state: dict[str, Any]) -> bool:
        good = sum(
            1
            for phase, node, provider, deleting in state.values()
            if phase == "Running" and not deleting and pools.get(node) == POOL.get(provider)
        )
        return good >= count

    return predicate


# ---- results ----


@dataclass
class Run:
    kind: str  # operator | python | kubectl
    size: int
    rep: int
    converge_s: float = 0.0
    # The operator's runs: until every Service's status reports its current generation's
    # deployment (written after its children, so it can come later than convergence).
    status_s: float | None = None
    pods_running_s: float | None = None
    apply_s: float = 0.0  # time to submit the objects
    writes: dict[str, float] = field(default_factory=dict)  # operator-attributable, at convergence
    writes_settled: dict[str, float] = field(default_factory=dict)
    operator_writes_self: dict[str, float] = field(default_factory=dict)  # its own counter, settled
    all_writes_converge: float = 0.0
    process: dict[str, float] = field(default_factory=dict)
    process_start: dict[str, float] = field(default_factory=dict)
    cpu_converge: dict[str, float] = field(default_factory=dict)  # CpuMeter over the convergence window
    load_before: float = 0.0
    load_after: float = 0.0
    objects: int = 0
    note: str = ""


@dataclass
class Cluster:
    kubeconfig: Path
    endpoint: Endpoint
    kube: Kube
    kubectl: Path
    workdir: Path
    pods_timeout: float = 600.0
    wait_deleted: bool = True  # False: a throwaway cluster (--quick), do not wait for namespaces to go
    quiet_seconds: float = 5.0
    name: str = ""  # the control plane's name, for its processes' CPU

    @classmethod
    def prepare(cls, kubeconfig: Path, workdir: Path, name: str = "") -> Cluster:
        ep = Endpoint.from_kubeconfig(kubeconfig)
        kube = new_kube(kubeconfig)
        install_crds(kube)
        for provider in workload.capacity_providers():
            kube.apply(provider)
        return cls(kubeconfig, ep, kube, kubectl_path(), workdir, name=name)

    def cpu_meter(self, **more: int) -> CpuMeter:
        pids = control_plane_pids(self.name) if self.name else {}
        return CpuMeter({**pids, "bench": os.getpid(), **more})


def _create_all(kube: Kube, objects: list[dict[str, Any]], apply: bool = False) -> None:
    """POST each object from CLIENT_THREADS threads, or server-side apply it (`apply`)."""
    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        for _ in pool.map(kube.apply if apply else kube.create, objects):
            pass


def _operator_self_writes(op: OperatorProcess) -> dict[str, float]:
    prefix = 'ecs_operator_api_writes_total{kind="'
    return {k[len(prefix) : -2]: v for k, v in op.metrics().items() if k.startswith(prefix) and v}


def _settle(op: OperatorProcess, quiet: float = 5.0, timeout: float = 600.0) -> None:
    """Wait until the operator's own write counter has not moved for `quiet` seconds."""
    deadline = time.monotonic() + timeout
    last, since = op.writes(), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(1)
        now = op.writes()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
    log("operator did not settle")


def run_baseline(c: Cluster, method: str, size: int, rep: int, with_pods: bool) -> Run:
    ns = f"base-{method}-{size}-{rep}"
    create_namespace(c.endpoint, ns)
    children = workload.rendered_children(size, ns)
    run = Run(method, size, rep, objects=len(children), load_before=load())
    awaited = ChildWatches(c.endpoint, ns, workload.expected_children(children)).start()
    pods = Watch(c.endpoint, f"/api/v1/namespaces/{ns}/pods", pod_projection).start() if with_pods else None
    pools = node_pools(c.endpoint)
    before = kubeapi.request_counts(c.endpoint)
    meter = c.cpu_meter()
    if method == "kubectl":
        path = c.workdir / f"{ns}.yaml"
        path.write_text(yaml.safe_dump_all(children, sort_keys=False))
        argv = [str(c.kubectl), "--kubeconfig", str(c.kubeconfig), "apply", "--server-side"]
        argv += ["--field-manager=bench", "-n", ns, "-f", str(path)]
        t0 = time.monotonic()
        subprocess.run(argv, check=True, capture_output=True)
    elif method == "python-ssa":
        t0 = time.monotonic()
        _create_all(c.kube, children, apply=True)
    else:
        t0 = time.monotonic()
        _create_all(c.kube, children)
    run.apply_s = time.monotonic() - t0
    run.converge_s = awaited.wait(900) - t0
    run.cpu_converge = meter.stop()
    run.all_writes_converge = kubeapi.all_writes(kubeapi.diff(kubeapi.request_counts(c.endpoint), before))
    if pods is not None:
        run.pods_running_s = pods.wait(pods_running(size * workload.DESIRED, pools), c.pods_timeout) - t0
        pods.stop()
    awaited.stop()
    run.load_after = load()
    log(f"{method} N={size} rep {rep}: converged {run.converge_s:.2f} s, pods {run.pods_running_s}")
    log(f"deleting {ns}: {delete_namespace(c.endpoint, ns, wait=c.wait_deleted):.0f} s")
    return run


@dataclass
class LargeExtras:
    idle_seconds: float = 0.0
    idle_writes: dict[str, float] = field(default_factory=dict)
    idle_self_writes: float = 0.0
    restart_seconds: float = 0.0
    restart_writes: dict[str, float] = field(default_factory=dict)
    restart_self_writes: float = 0.0
    restart_ready_s: float = 0.0
    reaction_s: list[float] = field(default_factory=list)
    process_after: dict[str, float] = field(default_factory=dict)
    load: float = 0.0


@dataclass
class VariantOperatorProcess(OperatorProcess):
    """The operator started through `bench.variant` with experimental settings (see that module)."""

    variant: list[str] = field(default_factory=list)

    def start(self, timeout: float = 60) -> OperatorProcess:
        log_file = open(self.log_path, "ab")  # noqa: SIM115 - handed to the child, closed with it
        argv = [sys.executable, "-m", "bench.variant", *self.variant, "--", "run"]
        argv += ["--kubeconfig", str(self.kubeconfig), "--metrics-port", str(self.metrics_port)]
        argv += ["--health-port", str(self.health_port), "--no-leader-election"]
        env = {**os.environ, "KUBECONFIG": str(self.kubeconfig), "PYTHONPATH": str(REPO)}
        self.process = subprocess.Popen(argv, stdout=log_file, stderr=subprocess.STDOUT, env=env, cwd=REPO)
        log_file.close()
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.probe("/startupz"):
                    return self
            except RuntimeError:
                raise
            except Exception:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.2)


def start_operator(c: Cluster, tag: str, variant: list[str] | None = None) -> OperatorProcess:
    """The shipped operator, or with `variant` the same code with bench.variant's experimental settings."""
    log_path = c.workdir / f"operator-{tag}.log"
    if variant:
        return VariantOperatorProcess(c.kubeconfig, log_path, variant=variant).start(timeout=120)
    return OperatorProcess(c.kubeconfig, log_path).start(timeout=120)


def run_operator(
    c: Cluster,
    size: int,
    rep: int,
    with_pods: bool,
    extras: LargeExtras | None = None,
    reaction_changes: int = 50,
    restart_seconds: float = 60.0,
    profile: bool = False,
    variant: list[str] | None = None,
) -> Run:
    kind = "variant" if variant else "operator"
    ns = f"{'var' if variant else 'op'}-{size}-{rep}"
    create_namespace(c.endpoint, ns)
    ecs = workload.ecs_objects(size, ns)
    expected = workload.expected_children(workload.rendered_children(size, ns))
    run = Run(kind, size, rep, objects=len(ecs), load_before=load())
    awaited = ChildWatches(c.endpoint, ns, expected).start()
    statuses = Watch(
        c.endpoint,
        f"/apis/ecs-operator.dev/v1alpha1/namespaces/{ns}/ecsservices",
        status_reported,
        until=lambda state: len(state) == size and all(state.values()),
    ).start()
    pods = Watch(c.endpoint, f"/api/v1/namespaces/{ns}/pods", pod_projection).start() if with_pods else None
    pools = node_pools(c.endpoint)
    op = start_operator(c, f"{kind}-{size}-{rep}", variant)
    profiler = None
    try:
        time.sleep(3)
        run.process_start = proc_figures(operator_pid(op))
        if profile:
            out = c.workdir / f"profile-{size}-{rep}.txt"
            argv = [str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(operator_pid(op))]
            argv += ["--format", "raw", "--rate", "50", "--output", str(out)]
            profiler = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            log(f"profiling the operator into {out}")
        before = kubeapi.request_counts(c.endpoint)
        meter = c.cpu_meter(operator=operator_pid(op))
        t0 = time.monotonic()
        _create_all(c.kube, ecs[: workload.TASK_DEFINITIONS])
        _create_all(c.kube, ecs[workload.TASK_DEFINITIONS :])
        run.apply_s = time.monotonic() - t0
        run.converge_s = awaited.wait(1800) - t0
        run.cpu_converge = meter.stop()
        delta = kubeapi.diff(kubeapi.request_counts(c.endpoint), before)
        run.writes = kubeapi.operator_writes(delta)
        run.all_writes_converge = kubeapi.all_writes(delta)
        log(f"{kind} N={size} rep {rep}: converged {run.converge_s:.2f} s (apply {run.apply_s:.2f} s)")
        run.status_s = statuses.wait_reached(600) - t0
        statuses.stop()
        log(f"{kind} N={size} rep {rep}: every status written after {run.status_s:.2f} s")
        if profiler is not None:  # the profile covers convergence, what the ratio measures
            profiler.send_signal(signal.SIGINT)
            profiler.wait(60)
        if pods is not None:
            run.pods_running_s = pods.wait(pods_running(size * workload.DESIRED, pools), c.pods_timeout) - t0
            log(f"{kind} N={size} rep {rep}: pods Running after {run.pods_running_s:.1f} s")
        _settle(op, c.quiet_seconds)
        run.writes_settled = kubeapi.operator_writes(kubeapi.diff(kubeapi.request_counts(c.endpoint), before))
        run.operator_writes_self = _operator_self_writes(op)
        run.process = proc_figures(operator_pid(op))
        run.load_after = load()
        if extras is not None:
            op = _large_extras(c, op, ns, size, extras, reaction_changes, restart_seconds, variant)
    finally:
        awaited.stop()
        statuses.stop()
        if pods is not None:
            pods.stop()
        if profiler is not None and profiler.poll() is None:
            profiler.send_signal(signal.SIGINT)
            profiler.wait(60)
        op.stop()
    log(f"deleting {ns}: {delete_namespace(c.endpoint, ns, wait=c.wait_deleted):.0f} s")
    return run


def _large_extras(
    c: Cluster,
    op: OperatorProcess,
    ns: str,
    size: int,
    extras: LargeExtras,
    reaction_changes: int,
    restart_seconds: float,
    variant: list[str] | None = None,
) -> OperatorProcess:
    extras.load = load()
    # Idle: nothing changes; the operator must write nothing.
    log(f"idle window {extras.idle_seconds:.0f} s")
    before, self_before = kubeapi.request_counts(c.endpoint), op.writes()
    time.sleep(extras.idle_seconds)
    extras.idle_writes = kubeapi.operator_writes(kubeapi.diff(kubeapi.request_counts(c.endpoint), before))
    extras.idle_self_writes = op.writes() - self_before
    # Restart: a new process primes its store and reconciles everything; it must write nothing.
    op.stop()
    before = kubeapi.request_counts(c.endpoint)
    t0 = time.monotonic()
    op = start_operator(c, f"{size}-restart{'-variant' if variant else ''}", variant)
    extras.restart_ready_s = time.monotonic() - t0
    log(f"restarted; watching writes for {restart_seconds:.0f} s")
    time.sleep(restart_seconds)
    extras.restart_seconds = restart_seconds
    extras.restart_writes = kubeapi.operator_writes(kubeapi.diff(kubeapi.request_counts(c.endpoint), before))
    extras.restart_self_writes = op.writes()
    # Reaction: change one Service's desiredCount; time until its Deployments carry the new split.
    name = f"svc-{size // 2:04d}"
    index = size // 2
    watch = Watch(
        c.endpoint,
        f"/apis/apps/v1/namespaces/{ns}/deployments",
        deployment_projection,
        label_selector=f"{labels.SERVICE}={name}",
    ).start()
    try:
        for change in range(reaction_changes):
            desired = 5 + change % 8  # 5..12, every step a different split
            expected = workload.expected_deployments(
                workload.rendered_children_of_service(index, ns, desired)
            )
            t0 = time.monotonic()
            c.endpoint.request(
                "PATCH",
                f"/apis/ecs-operator.dev/v1alpha1/namespaces/{ns}/ecsservices/{name}",
                {"spec": {"desiredCount": desired}},
                content_type="application/merge-patch+json",
            )
            extras.reaction_s.append(watch.wait(states_match(expected), 60) - t0)
            time.sleep(0.3)
    finally:
        watch.stop()
    if extras.reaction_s:
        log(f"reaction p50 {statistics.median(extras.reaction_s) * 1000:.0f} ms")
    extras.process_after = proc_figures(operator_pid(op))
    return op


def idle_operator(c: Cluster, seconds: float = 10.0) -> dict[str, float]:
    """N = 0: the operator started and idle on the cluster (no Services)."""
    op = start_operator(c, "idle")
    try:
        time.sleep(seconds)
        return proc_figures(operator_pid(op))
    finally:
        op.stop()


def workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="ecs-bench-"))
