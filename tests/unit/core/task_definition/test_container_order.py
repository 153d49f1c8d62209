"""dependsOn as start order: init containers, native sidecars, regular ones (core/container_order.py)."""

from typing import Any

import pytest

from ecs_operator.core.task_definition.pod_spec import TaskDefinitionError, build_pod_spec

CHECK = {"command": ["CMD-SHELL", "curl -f localhost:9901/ready"], "interval": 5, "retries": 3}


def container(name: str, *depends: tuple[str, str], **fields: Any) -> dict[str, Any]:
    definition = {"name": name, "image": "busybox", **fields}
    if depends:
        definition["dependsOn"] = [{"containerName": n, "condition": c} for n, c in depends]
    return definition


def build(*containers: dict[str, Any]):
    return build_pod_spec({"family": "web", "containerDefinitions": list(containers)})


def names(items: list[dict[str, Any]] | None) -> list[str]:
    return [item["name"] for item in items or []]


def test_success_dependency_becomes_an_init_container_that_runs_to_completion():
    result = build(container("migrate", essential=False), container("app", ("migrate", "SUCCESS")))
    assert names(result.pod_spec["initContainers"]) == ["migrate"]
    assert "restartPolicy" not in result.pod_spec["initContainers"][0]
    assert names(result.pod_spec["containers"]) == ["app"]
    assert result.unsupported == []


def test_complete_dependency_is_an_init_container_and_listed_as_acting_like_success():
    result = build(container("setup", essential=False), container("app", ("setup", "COMPLETE")))
    assert names(result.pod_spec["initContainers"]) == ["setup"]
    assert {f.path for f in result.unsupported} == {"containerDefinitions[1].dependsOn[0].condition"}


def test_start_dependency_becomes_a_native_sidecar_without_startup_probe():
    result = build(container("proxy"), container("app", ("proxy", "START")))
    (sidecar,) = result.pod_spec["initContainers"]
    assert sidecar["name"] == "proxy"
    assert sidecar["restartPolicy"] == "Always"
    assert "startupProbe" not in sidecar


def test_healthy_dependency_becomes_a_sidecar_with_a_startup_probe_from_its_health_check():
    result = build(container("envoy", healthCheck=CHECK), container("app", ("envoy", "HEALTHY")))
    (sidecar,) = result.pod_spec["initContainers"]
    assert sidecar["restartPolicy"] == "Always"
    assert sidecar["startupProbe"]["exec"]["command"] == ["sh", "-c", "curl -f localhost:9901/ready"]
    assert sidecar["readinessProbe"]["periodSeconds"] == 5  # essential: its health is the task's health


def test_non_essential_healthy_dependency_only_gets_the_startup_probe():
    result = build(
        container("envoy", essential=False, healthCheck=CHECK), container("app", ("envoy", "HEALTHY"))
    )
    (sidecar,) = result.pod_spec["initContainers"]
    assert "startupProbe" in sidecar
    assert not {"readinessProbe", "livenessProbe"} & sidecar.keys()
    assert result.unsupported == []


def test_healthy_needs_a_health_check():
    with pytest.raises(TaskDefinitionError, match=r"containerDefinitions\[1\]\.dependsOn\[0\]\.condition"):
        build(container("envoy"), container("app", ("envoy", "HEALTHY")))


def test_success_on_an_essential_container_is_an_error_as_in_ecs():
    with pytest.raises(TaskDefinitionError, match="essential"):
        build(container("migrate"), container("app", ("migrate", "SUCCESS")))


def test_init_containers_are_ordered_dependencies_first_then_definition_order():
    result = build(
        container("app", ("b", "SUCCESS"), ("proxy", "START")),
        container("b", ("a", "SUCCESS"), essential=False),
        container("proxy"),
        container("a", essential=False),
    )
    assert names(result.pod_spec["initContainers"]) == ["proxy", "a", "b"]
    assert names(result.pod_spec["containers"]) == ["app"]


def test_a_container_waited_on_to_complete_and_to_start_runs_to_completion():
    result = build(
        container("setup", essential=False),
        container("app", ("setup", "SUCCESS")),
        container("worker", ("setup", "START")),
    )
    assert "restartPolicy" not in result.pod_spec["initContainers"][0]


def test_health_check_of_an_init_container_is_listed_because_kubernetes_cannot_probe_it():
    result = build(
        container("setup", essential=False, healthCheck=CHECK), container("app", ("setup", "SUCCESS"))
    )
    assert (
        not {"readinessProbe", "livenessProbe", "startupProbe"} & result.pod_spec["initContainers"][0].keys()
    )
    assert {f.path for f in result.unsupported} == {"containerDefinitions[0].healthCheck"}


def test_dependency_cycle_is_an_error_naming_the_cycle():
    with pytest.raises(TaskDefinitionError, match=r"cycle: .*a -> b -> a|cycle: .*b -> a -> b"):
        build(container("a", ("b", "START")), container("b", ("a", "START")), container("c"))


def test_self_dependency_is_a_cycle():
    with pytest.raises(TaskDefinitionError, match="cycle"):
        build(container("a", ("a", "START")), container("b"))


def test_unknown_dependency_or_condition_is_an_error_with_its_path():
    with pytest.raises(TaskDefinitionError, match=r"dependsOn\[0\]\.containerName"):
        build(container("app", ("ghost", "START")))
    with pytest.raises(TaskDefinitionError, match=r"dependsOn\[0\]\.condition"):
        build(container("side"), container("app", ("side", "READY")))


def test_dependencies_follow_renamed_containers():
    result = build(container("Log_Router"), container("App", ("Log_Router", "START")))
    assert names(result.pod_spec["initContainers"]) == ["log-router"]
    assert names(result.pod_spec["containers"]) == ["app"]
