"""The Argo CD health checks in argocd/health/, run by a real Lua interpreter (lupa).

Argo CD runs health.lua with gopher-lua (Lua 5.1, every JSON number a float64), the object decoded
from JSON in the global `obj`, and no io/os libraries; the scripts run here the same way, and also
under Lua 5.4 so they do not lean on one interpreter's number formatting.
"""

from __future__ import annotations

import importlib
import json
import runpy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from ecs_operator.api import labels
from ecs_operator.api.capacityprovider import CapacityProviderStatus
from ecs_operator.api.cluster import ClusterStatus
from ecs_operator.api.service import ServiceStatus
from ecs_operator.api.taskdefinition import TaskDefinitionStatus
from ecs_operator.core.cluster.capacity_provider_status import capacity_provider_status
from ecs_operator.core.cluster.cluster_status import cluster_status
from ecs_operator.core.service.plan import Family, ServiceInputs, plan_service
from ecs_operator.core.task_definition import revisions
from ecs_operator.core.task_definition.registration import plan_task_definition

REPO = Path(__file__).resolve().parents[2]
HEALTH = REPO / "argocd" / "health"
SAMPLES = REPO / "tests" / "fixtures" / "argocd-status"
SCRIPTS = {
    "Service": HEALTH / "ecs-operator.dev_Service" / "health.lua",
    "TaskDefinition": HEALTH / "ecs-operator.dev_TaskDefinition" / "health.lua",
    "CapacityProvider": HEALTH / "ecs-operator.dev_CapacityProvider" / "health.lua",
    "Cluster": HEALTH / "ecs-operator.dev_Cluster" / "health.lua",
}
STATUS_MODELS = {
    "Service": ServiceStatus,
    "TaskDefinition": TaskDefinitionStatus,
    "CapacityProvider": CapacityProviderStatus,
    "Cluster": ClusterStatus,
}
LUA_VERSIONS = ["lua51", "lua54"]


def as_argocd_decodes(value: Any) -> Any:
    """JSON as Go decodes it for gopher-lua: every number a float."""
    if isinstance(value, dict):
        return {k: as_argocd_decodes(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_argocd_decodes(v) for v in value]
    if isinstance(value, bool) or not isinstance(value, int):
        return value
    return float(value)


def health(obj: dict, lua: str = "lua51") -> dict[str, str]:
    runtime = importlib.import_module(f"lupa.{lua}").LuaRuntime(unpack_returned_tuples=True)
    lua_globals = runtime.globals()
    for unsafe in ("io", "os", "dofile", "loadfile", "require"):
        lua_globals[unsafe] = None  # Argo CD's sandbox has none of these
    lua_globals.obj = runtime.table_from(as_argocd_decodes(obj), recursive=True)
    result = runtime.execute(SCRIPTS[obj["kind"]].read_text())
    return dict(result.items())


def sample(name: str) -> dict:
    return json.loads((SAMPLES / f"{name}.json").read_text())


CASES = [
    # (sample, status, words the message must hold)
    ("service-steady", "Healthy", ["Steady state", "running 10/10", "FARGATE 4/4", "FARGATE_SPOT 6/6"]),
    ("service-scaled-to-zero", "Healthy", ["running 0/0"]),
    ("service-rolling-out", "Progressing", ["Rollout in progress to web:5", "running 8/10", "pending 2"]),
    ("service-scaling-out", "Progressing", ["Tasks starting", "running 10/14", "FARGATE_SPOT 6/9"]),
    (
        "service-rolling-out-tasks-unplaced",
        "Progressing",
        ["Rollout in progress to web:5", "FARGATE_SPOT 4/6 (2 unplaced)"],
    ),
    ("service-child-not-owned", "Degraded", ["does not own", "Deployment shop/web-fargate"]),
    (
        "service-invalid-strategy",
        "Degraded",
        ["only one capacity provider in a strategy can have a base", "running tasks are left as they are"],
    ),
    (
        "service-circuit-breaker-failed",
        "Degraded",
        ["Deployment failed", "ECS deployment circuit breaker: tasks failed to start."],
    ),
    ("service-tasks-unplaced", "Degraded", ["6 tasks could not be placed"]),
    ("service-generation-not-observed", "Progressing", ["observe generation 7"]),
    ("service-no-status", "Progressing", ["Waiting for ecs-operator"]),
    ("taskdefinition-active", "Healthy", ["web:4 is ACTIVE"]),
    (
        "taskdefinition-active-with-unsupported-fields",
        "Healthy",
        ["web:4 is ACTIVE", "2 field(s) have no effect on Kubernetes"],
    ),
    ("taskdefinition-inactive", "Suspended", ["web:4 is INACTIVE"]),
    ("taskdefinition-invalid-spec", "Degraded", ["containerDefinitions[0].memory: must be at least 6 MiB"]),
    ("taskdefinition-generation-not-observed", "Progressing", ["generation 5"]),
    (
        "capacityprovider-ready",
        "Healthy",
        ["3 of 3 matching nodes Ready", "capacityProviderReservation 66.67%"],
    ),
    ("capacityprovider-no-matching-nodes", "Degraded", ["no nodes match"]),
    ("capacityprovider-no-ready-nodes", "Degraded", ["2 matching nodes, none Ready"]),
    ("capacityprovider-generation-not-observed", "Progressing", ["observe generation 2"]),
    ("capacityprovider-no-status", "Progressing", ["Waiting for ecs-operator"]),
    (
        "cluster-active",
        "Healthy",
        ["capacity providers FARGATE, FARGATE_SPOT", "2 services", "14 running tasks"],
    ),
    ("cluster-missing-capacity-provider", "Degraded", ["no CapacityProvider named FARGATE_SPOT"]),
    ("cluster-generation-not-observed", "Progressing", ["observe generation 3"]),
]


@pytest.mark.parametrize("lua", LUA_VERSIONS)
@pytest.mark.parametrize(("name", "status", "words"), CASES, ids=[c[0] for c in CASES])
def test_health_of_status_sample(name: str, status: str, words: list[str], lua: str) -> None:
    result = health(sample(name), lua)
    assert result["status"] == status, result
    for word in words:
        assert word in result["message"], result


def test_every_sample_is_covered_and_is_a_status_the_operator_can_write() -> None:
    names = {path.stem for path in SAMPLES.glob("*.json")}
    assert names == {c[0] for c in CASES}
    for name in names:
        obj = sample(name)
        assert obj["apiVersion"] == "ecs-operator.dev/v1alpha1"
        if "status" in obj:
            STATUS_MODELS[obj["kind"]].model_validate(obj["status"])


def test_every_kind_with_status_samples_reaches_healthy_progressing_and_degraded() -> None:
    seen: dict[str, set[str]] = {}
    for name, status, _ in CASES:
        seen.setdefault(sample(name)["kind"], set()).add(status)
    for kind in SCRIPTS:
        assert {"Healthy", "Progressing", "Degraded"} <= seen[kind], kind


def test_service_unplaced_tasks_are_progressing_during_a_rollout_and_degraded_after_it() -> None:
    obj = sample("service-rolling-out-tasks-unplaced")
    assert health(obj)["status"] == "Progressing"
    # The same Ready=False once the rollout is over (ECS: COMPLETED, still unable to place) is Degraded.
    for cond in obj["status"]["conditions"]:
        if cond["type"] == "Progressing":
            cond.update(status="False", reason="DeploymentComplete")
    obj["status"]["rolloutState"] = "COMPLETED"
    obj["status"]["deployments"] = obj["status"]["deployments"][:1]
    obj["status"]["deployments"][0]["rolloutState"] = "COMPLETED"
    assert health(obj) == {
        "status": "Degraded",
        "message": "2 tasks could not be placed on their capacity providers",
    }


def test_service_failed_rollout_without_deployments_uses_the_ready_message() -> None:
    obj = sample("service-circuit-breaker-failed")
    del obj["status"]["deployments"]
    for cond in obj["status"]["conditions"]:
        cond["message"] = "tasks of web:6 failed to start; rolled back to web:4"
    result = health(obj)
    assert result == {
        "status": "Degraded",
        "message": "Deployment failed: tasks of web:6 failed to start; rolled back to web:4",
    }


def test_service_completed_but_not_yet_ready_is_progressing() -> None:
    obj = sample("service-steady")
    obj["status"]["conditions"] = [c for c in obj["status"]["conditions"] if c["type"] != "Ready"]
    assert health(obj)["status"] == "Progressing"


def test_capacity_provider_with_no_nodes_is_degraded_even_without_conditions() -> None:
    obj = sample("capacityprovider-no-matching-nodes")
    del obj["status"]["conditions"]
    assert health(obj) == {
        "status": "Degraded",
        "message": "no nodes match the provider's nodeSelector, tolerations and affinity",
    }


def test_health_messages_print_whole_numbers_without_a_decimal_point_in_both_interpreters() -> None:
    for lua in LUA_VERSIONS:
        assert ".0" not in health(sample("service-steady"), lua)["message"]
        assert ".0" not in health(sample("service-generation-not-observed"), lua)["message"]


# --- statuses written by the operator's own core -------------------------------------------------------
# The samples above are hand-written; these feed the health checks what the core really writes, so a
# change of condition reasons or status shape in the operator shows up here.

NOW = "2026-11-21T00:00:00Z"


def node(name: str, capacity_type: str, ready: bool = True) -> dict:
    taints = (
        [{"key": "ecs-operator.dev/capacity-type", "value": "spot", "effect": "NoSchedule"}]
        if capacity_type == "spot"
        else []
    )
    return {
        "metadata": {"name": name, "labels": {"ecs-operator.dev/capacity-type": capacity_type}},
        "spec": {"taints": taints},
        "status": {
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
            "allocatable": {"cpu": "4", "memory": "16Gi", "pods": "110"},
        },
    }


def with_status(obj: dict, status: dict) -> dict:
    return {**obj, "status": status}


def test_health_of_service_status_from_the_core() -> None:
    svc = sample("service-no-status")
    svc["spec"] = {
        "taskDefinition": "web",
        "desiredCount": 4,
        "capacityProviderStrategy": [
            {"capacityProvider": "FARGATE", "weight": 3},
            {"capacityProvider": "FARGATE_SPOT", "weight": 1},
        ],
    }
    family = Family(
        "web",
        False,
        {1: {"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx", "memory": 128}]}},
    )
    providers = {
        "fargate": sample("capacityprovider-generation-not-observed")["spec"],
        "fargate-spot": sample("capacityprovider-ready")["spec"],
    }
    now = datetime(2026, 11, 21, tzinfo=UTC)

    def status_of(service: dict) -> dict:
        inputs = ServiceInputs(service, {"web": family}, providers, None, [], [], [], now)
        return plan_service(inputs).status

    result = health(with_status(svc, status_of(svc)))
    assert result["status"] == "Progressing"
    assert result["message"].startswith("Rollout in progress to web:1: running 0/4")

    strategy = [
        {"capacityProvider": "FARGATE", "base": 2},
        {"capacityProvider": "FARGATE_SPOT", "base": 1, "weight": 1},
    ]
    bad = {**svc, "spec": {**svc["spec"], "capacityProviderStrategy": strategy}}
    result = health(with_status(bad, status_of(bad)))
    assert result["status"] == "Degraded"
    assert "only one capacity provider in a strategy can have a base" in result["message"]


def test_health_of_capacity_provider_status_from_the_core() -> None:
    spot = sample("capacityprovider-ready")
    del spot["status"]
    pool = [node("spot-0", "spot"), node("spot-1", "spot")]

    healthy = health(with_status(spot, capacity_provider_status(spot, pool, [], now=NOW)))
    assert healthy["status"] == "Healthy"
    assert healthy["message"].startswith("2 of 2 matching nodes Ready")

    on_demand_only = [node("od-0", "on-demand")]
    degraded = health(with_status(spot, capacity_provider_status(spot, on_demand_only, [], now=NOW)))
    assert degraded["status"] == "Degraded"
    assert "no nodes match" in degraded["message"]

    not_ready = [node("spot-0", "spot", ready=False)]
    degraded = health(with_status(spot, capacity_provider_status(spot, not_ready, [], now=NOW)))
    assert degraded == {"status": "Degraded", "message": "1 matching nodes, none Ready"}


def test_health_of_task_definition_status_from_the_core() -> None:
    td = sample("taskdefinition-active")
    del td["status"]
    td["metadata"]["generation"] = 1
    td["spec"] = {"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx", "memory": 128}]}
    plan = plan_task_definition(td, [], in_use=False, now=NOW)
    assert health(with_status(td, plan.status)) == {"status": "Healthy", "message": "web:1 is ACTIVE"}

    bad = {
        **td,
        "spec": {
            "family": "web",
            "containerDefinitions": [{"name": "web", "image": "nginx", "essential": False}],
        },
    }
    result = health(with_status(bad, plan_task_definition(bad, [], in_use=False, now=NOW).status))
    assert result["status"] == "Degraded"
    assert "essential" in result["message"]

    first = revisions.next_revision(td, td["spec"], [])
    existing = [
        revisions.Revision(
            first["revision"], first["data"], first["metadata"]["annotations"][labels.FINGERPRINT], "web-1"
        )
    ]
    deleting = {**td, "metadata": {**td["metadata"], "deletionTimestamp": NOW}}
    result = health(
        with_status(deleting, plan_task_definition(deleting, existing, in_use=True, now=NOW).status)
    )
    assert result == {"status": "Suspended", "message": "web:1 is INACTIVE (deregistered)"}


def test_health_of_cluster_status_from_the_core() -> None:
    cluster = sample("cluster-active")
    del cluster["status"]
    providers = {  # Kubernetes name -> spec, as the controller passes them
        "fargate": sample("capacityprovider-generation-not-observed")["spec"],
        "fargate-spot": sample("capacityprovider-ready")["spec"],
    }
    status = cluster_status(cluster, providers, running_tasks=14, active_services=2, now=NOW)
    result = health(with_status(cluster, status))
    assert result["status"] == "Healthy", result
    assert "FARGATE, FARGATE_SPOT" in result["message"]

    status = cluster_status(
        cluster, {"fargate": providers["fargate"]}, running_tasks=0, active_services=0, now=NOW
    )
    result = health(with_status(cluster, status))
    assert result["status"] == "Degraded"
    assert "FARGATE_SPOT" in result["message"]


# --- argocd-cm.yaml ----------------------------------------------------------------------------------


def test_argocd_cm_embeds_exactly_the_health_scripts() -> None:
    cm = yaml.safe_load((REPO / "argocd" / "argocd-cm.yaml").read_text())
    assert cm["kind"] == "ConfigMap"
    assert cm["metadata"]["name"] == "argocd-cm"
    expected = {
        f"resource.customizations.health.{path.parent.name}": path.read_text()
        for path in HEALTH.glob("*/health.lua")
    }
    assert set(expected) == {
        "resource.customizations.health.ecs-operator.dev_Service",
        "resource.customizations.health.ecs-operator.dev_TaskDefinition",
        "resource.customizations.health.ecs-operator.dev_CapacityProvider",
        "resource.customizations.health.ecs-operator.dev_Cluster",
    }
    assert cm["data"] == expected, "run: python argocd/render_argocd_cm.py"


def test_argocd_cm_is_what_the_generator_writes() -> None:
    render = runpy.run_path(str(REPO / "argocd" / "render_argocd_cm.py"))["render"]
    assert (REPO / "argocd" / "argocd-cm.yaml").read_text() == render()


def test_example_application_installs_the_chart_and_the_examples() -> None:
    apps = [d for d in yaml.safe_load_all((REPO / "argocd" / "application.yaml").read_text()) if d]
    paths = {app["spec"]["source"]["path"] for app in apps}
    assert paths == {"charts/ecs-operator", "examples"}
    for app in apps:
        assert app["kind"] == "Application"
        assert (REPO / app["spec"]["source"]["path"]).is_dir()
    chart_app = next(a for a in apps if a["spec"]["source"]["path"] == "charts/ecs-operator")
    chart_values = yaml.safe_load((REPO / "charts" / "ecs-operator" / "values.yaml").read_text())
    assert set(chart_app["spec"]["source"]["helm"]["valuesObject"]) <= set(chart_values)
