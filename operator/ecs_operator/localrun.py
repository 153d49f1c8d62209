"""Run the product locally: install the CRDs, apply manifests, and run the operator as a process.

Shared by `ecs-operator demo` and the integration tests, so the tests exercise what a user runs.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ecs_operator.api.crd import all_crds
from ecs_operator.controller import resources
from ecs_operator.controller.kube import Kube
from ecs_operator.controller.resources import CUSTOM_RESOURCE_DEFINITION as CRD
from ecs_operator.controller.resources import NAMESPACE


def _poll(probe: Any, timeout: float, what: str, interval: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = probe()
            if result:
                return result
        except Exception:  # not ready yet
            if time.monotonic() >= deadline:
                raise
        if time.monotonic() >= deadline:
            raise TimeoutError(f"{what} not ready after {timeout:.0f} s")
        time.sleep(interval)


def install_crds(kube: Kube, timeout: float = 60) -> None:
    """Server-side apply of the CRDs generated from the models, then wait until Established."""
    for crd in all_crds().values():
        kube.apply(crd)
    for crd in all_crds().values():
        name = crd["metadata"]["name"]

        def established(name: str = name) -> bool:
            body = kube.get(CRD, None, name) or {}
            conds = (body.get("status") or {}).get("conditions") or []
            return any(c["type"] == "Established" and c["status"] == "True" for c in conds)

        _poll(established, timeout, f"CRD {name}")


def ensure_namespace(kube: Kube, name: str, timeout: float = 120) -> None:
    """Create the namespace; one still Terminating from an earlier run is waited out first."""

    def gone_or_active() -> bool:
        body = kube.get(NAMESPACE, None, name)
        return body is None or (body.get("status") or {}).get("phase") != "Terminating"

    _poll(gone_or_active, timeout, f"namespace {name} to finish terminating", interval=1)
    if kube.get(NAMESPACE, None, name) is None:
        kube.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})


def read_manifests(paths: Iterable[str | Path]) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for path in paths:
        path = Path(path)
        files = sorted(path.glob("*.y*ml")) if path.is_dir() else [path]
        for file in files:
            docs += [d for d in yaml.safe_load_all(file.read_text()) if isinstance(d, dict)]
    return docs


def apply_manifests(kube: Kube, docs: Iterable[Mapping[str, Any]], namespace: str) -> None:
    for doc in docs:
        body = {**doc, "metadata": dict(doc["metadata"])}
        if resources.resource_of(body).namespaced:
            body["metadata"].setdefault("namespace", namespace)
        kube.apply(body)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class OperatorProcess:
    """`ecs-operator run` as a child process, with its metrics and health ports.

    Leader election is off unless a `lease` ("namespace/name") is given: the demo and the tests
    run one operator each, restart it at once after a kill (no lease to wait out), and need no
    Lease namespace; `ecs-operator run` itself elects by default."""

    kubeconfig: Path
    log_path: Path
    extra_args: list[str] = field(default_factory=list)
    metrics_port: int = field(default_factory=free_port)
    health_port: int = field(default_factory=free_port)
    lease: str | None = None
    process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> OperatorProcess:
        """Start it and wait until its store is primed (/startupz); a standby returns then too."""
        log = open(self.log_path, "ab")  # noqa: SIM115 - handed to the child, closed with it
        env = {**os.environ, "KUBECONFIG": str(self.kubeconfig)}
        if self.lease is None:
            election = ["--no-leader-election"]
        else:
            namespace, _, name = self.lease.partition("/")
            election = ["--lease-namespace", namespace, "--lease-name", name]
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ecs_operator",
                "run",
                "--kubeconfig",
                str(self.kubeconfig),
                "--metrics-port",
                str(self.metrics_port),
                "--health-port",
                str(self.health_port),
                *election,
                *self.extra_args,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        log.close()
        _poll(lambda: self.probe("/startupz"), timeout, "operator /startupz")
        return self

    def probe(self, path: str) -> bool:
        """True if /startupz, /readyz or /healthz answers 200 (False for 503)."""
        if self.process is None or self.process.poll() is not None:
            raise RuntimeError(f"the operator exited; see {self.log_path}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.health_port}{path}", timeout=2) as resp:
                return bool(resp.status == 200)
        except urllib.error.HTTPError as error:
            if error.code == 503:
                return False
            raise

    def leading(self) -> bool:
        return self.metrics().get("ecs_operator_leader", 0) == 1

    def metrics(self) -> dict[str, float]:
        """Prometheus samples as {'name{labels}': value}."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=5) as resp:
            text = resp.read().decode()
        samples = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                key, _, value = line.rpartition(" ")
                samples[key] = float(value)
        return samples

    def writes(self) -> float:
        return sum(v for k, v in self.metrics().items() if k.startswith("ecs_operator_api_writes_total{"))

    def stop(self, timeout: float = 20) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        """An abrupt end (SIGKILL), as a crashed or evicted operator."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None
