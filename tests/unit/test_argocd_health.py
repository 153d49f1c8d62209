"""The Argo CD health checks in argocd/health/, run by a real Lua interpreter (lupa).

Argo CD runs health.lua with gopher-lua (Lua 5.1, every JSON number a float64), the object decoded
from JSON in the global `obj`, and no io/os libraries; the scripts run here the same way, and also
under Lua 5.4 so they do not lean on one interpreter's number formatting.
"""

from __future__ import annotations

import importlib
import json
import runpy
from pathlib import Path
from typing import Any

import pytest
import yaml

from ecs_operator.api.capacityprovider import CapacityProviderStatus
from ecs_operator.api.cluster import ClusterStatus
from ecs_operator.api.service import ServiceStatus
from ecs_operator.api.taskdefinition import TaskDefinitionStatus

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
    ("service-scaling-out", "Progressing", ["running 10/14", "FARGATE_SPOT 6/9"]),
    (
        "service-circuit-breaker-failed",
        "Degraded",
        ["Deployment failed", "ECS deployment circuit breaker: tasks failed to start."],
    ),
    ("service-tasks-unplaced", "Degraded", ["was unable to place a task", "FARGATE_SPOT"]),
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


def test_service_ready_false_while_progressing_is_progressing_not_degraded() -> None:
    obj = sample("service-rolling-out")
    for cond in obj["status"]["conditions"]:
        if cond["type"] == "Ready":
            cond.update(status="False", reason="RolloutInProgress", message="new tasks are starting")
    assert health(obj)["status"] == "Progressing"
    # The same Ready=False once the operator no longer reports progress is Degraded, with its message.
    for cond in obj["status"]["conditions"]:
        if cond["type"] == "Progressing":
            cond["status"] = "False"
    obj["status"]["rolloutState"] = "COMPLETED"
    obj["status"]["runningCount"] = obj["status"]["desiredCount"]
    assert health(obj) == {"status": "Degraded", "message": "new tasks are starting"}


def test_service_failed_rollout_without_deployments_uses_the_ready_message() -> None:
    obj = sample("service-circuit-breaker-failed")
    del obj["status"]["deployments"]
    result = health(obj)
    assert result["status"] == "Degraded"
    assert "rolled back to web:4" in result["message"]


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
