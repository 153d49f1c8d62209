"""Where one local cluster keeps its state, outside the repo:
`${ECS_OPERATOR_CACHE:-~/.cache/ecs-operator}/clusters/<name>/`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def cache_root() -> Path:
    configured = os.environ.get("ECS_OPERATOR_CACHE")
    if configured:
        return Path(configured).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "ecs-operator"


@dataclass(frozen=True)
class Layout:
    """Paths inside one cluster's state directory."""

    state_dir: Path

    @classmethod
    def for_cluster(cls, name: str) -> Layout:
        return cls(cache_root() / "clusters" / name)

    @property
    def pki_dir(self) -> Path:
        return self.state_dir / "pki"

    @property
    def ca_cert(self) -> Path:
        return self.pki_dir / "ca.crt"

    @property
    def ca_key(self) -> Path:
        return self.pki_dir / "ca.key"

    @property
    def admin_cert(self) -> Path:
        return self.pki_dir / "admin.crt"

    @property
    def admin_key(self) -> Path:
        return self.pki_dir / "admin.key"

    @property
    def service_account_key(self) -> Path:
        return self.pki_dir / "sa.key"

    @property
    def service_account_pub(self) -> Path:
        return self.pki_dir / "sa.pub"

    @property
    def etcd_data(self) -> Path:
        return self.state_dir / "etcd"

    @property
    def logs_dir(self) -> Path:
        return self.state_dir / "logs"

    @property
    def pids_dir(self) -> Path:
        return self.state_dir / "pids"

    @property
    def kubeconfig(self) -> Path:
        return self.state_dir / "kubeconfig"

    @property
    def scheduler_config(self) -> Path:
        return self.state_dir / "kube-scheduler.yaml"

    @property
    def admission_config(self) -> Path:
        return self.state_dir / "admission.yaml"

    @property
    def audit_policy(self) -> Path:
        return self.state_dir / "audit-policy.yaml"

    @property
    def audit_log(self) -> Path:
        """The API server's audit log (localcluster/audit.py says whose requests it holds)."""
        return self.logs_dir / "audit.log"

    @property
    def state_file(self) -> Path:
        """Ports, versions and the bin dir of the running cluster (JSON)."""
        return self.state_dir / "cluster.json"
