from pathlib import Path

from ecs_operator.localcluster import admission, audit, components
from ecs_operator.localcluster.components import Ports
from ecs_operator.localcluster.layout import Layout, cache_root

PORTS = Ports(etcd_client=2379, etcd_peer=2380, apiserver=6443, controller_manager=10257, scheduler=10259)
BIN = Path("/bin-dir")
LAYOUT = Layout(Path("/state"))


def flags(argv: list[str]) -> dict[str, str]:
    return dict(arg[2:].split("=", 1) for arg in argv[1:] if "=" in arg)


def test_state_lives_under_the_cache_env_var(monkeypatch, tmp_path):
    monkeypatch.setenv("ECS_OPERATOR_CACHE", str(tmp_path))
    assert cache_root() == tmp_path
    assert Layout.for_cluster("x").state_dir == tmp_path / "clusters" / "x"


def test_etcd_listens_on_loopback_without_fsync():
    argv = components.etcd_args(BIN, LAYOUT, PORTS)
    assert argv[0] == "/bin-dir/etcd"
    assert flags(argv)["listen-client-urls"] == "http://127.0.0.1:2379"
    assert flags(argv)["initial-cluster"] == "local=http://127.0.0.1:2380"
    assert "--unsafe-no-fsync" in argv


def test_apiserver_uses_rbac_the_pki_and_short_tolerations():
    f = flags(components.apiserver_args(BIN, LAYOUT, PORTS))
    assert f["etcd-servers"] == "http://127.0.0.1:2379"
    assert (f["bind-address"], f["secure-port"]) == ("127.0.0.1", "6443")
    assert f["authorization-mode"] == "RBAC"
    assert f["client-ca-file"] == str(LAYOUT.ca_cert)
    assert f["service-account-signing-key-file"] == str(LAYOUT.service_account_key)
    assert f["service-account-key-file"] == str(LAYOUT.service_account_pub)
    assert int(f["default-not-ready-toleration-seconds"]) <= 10
    assert int(f["default-unreachable-toleration-seconds"]) <= 10
    assert not f["advertise-address"].startswith("127.")


def test_controller_manager_signs_with_the_ca_and_watches_nodes_closely():
    f = flags(components.controller_manager_args(BIN, LAYOUT, PORTS))
    assert f["leader-elect"] == "false"
    assert f["service-account-private-key-file"] == str(LAYOUT.service_account_key)
    assert f["root-ca-file"] == f["cluster-signing-cert-file"] == str(LAYOUT.ca_cert)
    assert f["cluster-signing-key-file"] == str(LAYOUT.ca_key)
    assert f["node-monitor-grace-period"] == components.NODE_MONITOR_GRACE
    # kwok renews leases every quarter of their duration; that must beat the grace period comfortably.
    assert int(components.NODE_MONITOR_GRACE.rstrip("s")) / 2 > components.NODE_LEASE_SECONDS / 4


def test_scheduler_config_points_at_the_kubeconfig_without_leader_election():
    config = components.scheduler_config(LAYOUT)
    assert config["kind"] == "KubeSchedulerConfiguration"
    assert config["clientConnection"]["kubeconfig"] == str(LAYOUT.kubeconfig)
    assert config["leaderElection"] == {"leaderElect": False}
    assert flags(components.scheduler_args(BIN, LAYOUT, PORTS))["config"] == str(LAYOUT.scheduler_config)


def test_kwok_manages_only_annotated_nodes_with_our_stages():
    stages = [Path("/s/a.yaml"), Path("/s/b.yaml")]
    argv = components.kwok_args(BIN, LAYOUT, stages)
    f = flags(argv)
    assert f["manage-nodes-with-annotation-selector"] == "kwok.x-k8s.io/node=fake"
    assert f["manage-all-nodes"] == "false"
    assert [a for a in argv if a.startswith("--config=")] == ["--config=/s/a.yaml", "--config=/s/b.yaml"]


def test_apiserver_admits_as_eks_does_and_checks_owner_reference_permissions():
    f = flags(components.apiserver_args(BIN, LAYOUT, PORTS))
    plugins = f["enable-admission-plugins"].split(",")
    assert set(admission.EKS_ADMISSION_PLUGINS) <= set(plugins)
    assert {"NodeRestriction", "PodSecurity", "OwnerReferencesPermissionEnforcement"} <= set(plugins)
    assert f["admission-control-config-file"] == str(LAYOUT.admission_config)


def test_pod_security_defaults_to_privileged_for_unlabelled_namespaces_as_on_eks():
    config = admission.admission_configuration()
    (plugin,) = config["plugins"]
    assert plugin["name"] == "PodSecurity"
    defaults = plugin["configuration"]["defaults"]
    assert (defaults["enforce"], defaults["audit"], defaults["warn"]) == ("privileged",) * 3


def test_apiserver_audits_the_operator_namespaces_service_accounts_into_the_state_dir():
    f = flags(components.apiserver_args(BIN, LAYOUT, PORTS))
    assert f["audit-policy-file"] == str(LAYOUT.audit_policy)
    assert f["audit-log-path"] == str(LAYOUT.audit_log)
    assert LAYOUT.audit_log.is_relative_to(LAYOUT.state_dir)
    rules = audit.audit_policy("ops")["rules"]
    assert rules[0] == {"level": "Metadata", "userGroups": ["system:serviceaccounts:ops"]}
    assert rules[-1] == {"level": "None"}  # nobody else: the controllers would flood it
