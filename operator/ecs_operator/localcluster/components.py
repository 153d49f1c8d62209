"""Command lines and config files of the control plane's processes. Pure: paths and ports in, argv out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecs_operator.localcluster.admission import ADMISSION_PLUGINS
from ecs_operator.localcluster.layout import Layout
from ecs_operator.localcluster.nodes import KWOK_NODE_SELECTOR

SERVICE_CIDR = "10.96.0.0/16"
POD_CIDR = "10.244.0.0/16"
# Written only into fake Node status; nothing listens there.
FAKE_NODE_IP = "10.240.0.1"
# Must not be loopback (Endpoints reject it); with the endpoint reconciler off it is never dialled.
ADVERTISE_ADDRESS = "192.0.2.100"
SERVICE_ACCOUNT_ISSUER = "https://kubernetes.default.svc.cluster.local"
# Seconds: how long pods tolerate a NotReady/unreachable node, and how fast nodes go NotReady.
TOLERATION_SECONDS = 5
NODE_MONITOR_GRACE = "20s"
NODE_LEASE_SECONDS = 20  # kwok renews every quarter of it (5 s), well inside the grace period


@dataclass(frozen=True)
class Ports:
    etcd_client: int
    etcd_peer: int
    apiserver: int
    controller_manager: int
    scheduler: int


def etcd_args(bin_dir: Path, layout: Layout, ports: Ports) -> list[str]:
    client = f"http://127.0.0.1:{ports.etcd_client}"
    peer = f"http://127.0.0.1:{ports.etcd_peer}"
    return [
        str(bin_dir / "etcd"),
        "--name=local",
        f"--data-dir={layout.etcd_data}",
        f"--listen-client-urls={client}",
        f"--advertise-client-urls={client}",
        f"--listen-peer-urls={peer}",
        f"--initial-advertise-peer-urls={peer}",
        f"--initial-cluster=local={peer}",
        "--initial-cluster-state=new",
        "--unsafe-no-fsync",  # a throwaway test cluster: speed over durability
        "--log-level=warn",
    ]


def apiserver_args(bin_dir: Path, layout: Layout, ports: Ports) -> list[str]:
    return [
        str(bin_dir / "kube-apiserver"),
        f"--etcd-servers=http://127.0.0.1:{ports.etcd_client}",
        "--bind-address=127.0.0.1",
        f"--secure-port={ports.apiserver}",
        f"--advertise-address={ADVERTISE_ADDRESS}",
        "--endpoint-reconciler-type=none",
        f"--cert-dir={layout.pki_dir}",
        f"--tls-cert-file={layout.admin_cert}",
        f"--tls-private-key-file={layout.admin_key}",
        f"--client-ca-file={layout.ca_cert}",
        f"--service-account-issuer={SERVICE_ACCOUNT_ISSUER}",
        f"--service-account-key-file={layout.service_account_pub}",
        f"--service-account-signing-key-file={layout.service_account_key}",
        f"--service-cluster-ip-range={SERVICE_CIDR}",
        "--authorization-mode=RBAC",  # so the chart's RBAC is really exercised
        "--allow-privileged=true",  # Pod Security admission decides, as on EKS
        f"--enable-admission-plugins={','.join(ADMISSION_PLUGINS)}",
        f"--admission-control-config-file={layout.admission_config}",
        f"--audit-policy-file={layout.audit_policy}",
        f"--audit-log-path={layout.audit_log}",
        "--audit-log-maxsize=0",  # never rotated: a test reads it whole
        f"--default-not-ready-toleration-seconds={TOLERATION_SECONDS}",
        f"--default-unreachable-toleration-seconds={TOLERATION_SECONDS}",
        "--profiling=false",
        "--v=1",
    ]


def controller_manager_args(bin_dir: Path, layout: Layout, ports: Ports) -> list[str]:
    kubeconfig = str(layout.kubeconfig)
    return [
        str(bin_dir / "kube-controller-manager"),
        f"--kubeconfig={kubeconfig}",
        f"--authentication-kubeconfig={kubeconfig}",
        f"--authorization-kubeconfig={kubeconfig}",
        "--bind-address=127.0.0.1",
        f"--secure-port={ports.controller_manager}",
        f"--cert-dir={layout.pki_dir / 'controller-manager'}",
        "--leader-elect=false",
        "--controllers=*",
        "--kube-api-qps=200",  # the default 20/s throttles ReplicaSets creating pods in benchmarks
        "--kube-api-burst=400",
        "--use-service-account-credentials=true",
        f"--service-account-private-key-file={layout.service_account_key}",
        f"--root-ca-file={layout.ca_cert}",
        f"--cluster-signing-cert-file={layout.ca_cert}",
        f"--cluster-signing-key-file={layout.ca_key}",
        f"--service-cluster-ip-range={SERVICE_CIDR}",
        "--allocate-node-cidrs=false",
        f"--flex-volume-plugin-dir={layout.state_dir / 'flexvolume'}",  # else it creates /usr/libexec/...
        "--node-monitor-period=2s",
        f"--node-monitor-grace-period={NODE_MONITOR_GRACE}",
        "--profiling=false",
        "--v=1",
    ]


def scheduler_config(layout: Layout) -> dict[str, Any]:
    return {
        "apiVersion": "kubescheduler.config.k8s.io/v1",
        "kind": "KubeSchedulerConfiguration",
        "clientConnection": {"kubeconfig": str(layout.kubeconfig), "qps": 200, "burst": 400},
        "leaderElection": {"leaderElect": False},
    }


def scheduler_args(bin_dir: Path, layout: Layout, ports: Ports) -> list[str]:
    kubeconfig = str(layout.kubeconfig)
    return [
        str(bin_dir / "kube-scheduler"),
        f"--config={layout.scheduler_config}",
        f"--authentication-kubeconfig={kubeconfig}",
        f"--authorization-kubeconfig={kubeconfig}",
        "--bind-address=127.0.0.1",
        f"--secure-port={ports.scheduler}",
        f"--cert-dir={layout.pki_dir / 'scheduler'}",
        "--profiling=false",
        "--v=1",
    ]


def kwok_args(bin_dir: Path, layout: Layout, stage_files: list[Path]) -> list[str]:
    return [
        str(bin_dir / "kwok"),
        f"--kubeconfig={layout.kubeconfig}",
        "--manage-all-nodes=false",
        f"--manage-nodes-with-annotation-selector={KWOK_NODE_SELECTOR}",
        f"--cidr={POD_CIDR}",
        f"--node-ip={FAKE_NODE_IP}",
        f"--node-lease-duration-seconds={NODE_LEASE_SECONDS}",
        "--v=WARN",  # at INFO it logs every pod and node patch, costly with thousands of pods
        *(f"--config={path}" for path in stage_files),
    ]
