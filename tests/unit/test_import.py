"""`ecs-operator import` on every real ECS sample in tests/fixtures/ecs-samples, plus edge cases."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from ecs_operator.ecs_import import ImportProblem, Options, import_sources
from ecs_operator.ecs_import.services import SERVICE_RESPONSE_ONLY
from ecs_operator.ecs_import.task_definitions import TASK_DEFINITION_RESPONSE_ONLY

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "tests" / "fixtures" / "ecs-samples"


@dataclass(frozen=True)
class Imports:
    """The file must import into these (kind, name, namespace) resources."""

    resources: list[tuple[str, str, str | None]]
    options: Options = field(default_factory=Options)
    with_files: tuple[str, ...] = ()  # imported in the same run (ecspresso pairs)


@dataclass(frozen=True)
class Fails:
    """The file must be refused at this JSON path with a message containing `rule`."""

    path: str
    rule: str
    options: Options = field(default_factory=Options)


TD = "TaskDefinition"
EXPECTED: dict[str, Imports | Fails] = {
    # --- task definitions ---
    "taskdefs/app-mesh-examples--envoy-container.json": Fails("line 3 column 12", "not valid JSON"),
    "taskdefs/app-mesh-examples--fargate-colorteller-task-def.json": Fails(
        "line 2 column 13", "not valid JSON"
    ),
    "taskdefs/aws-for-fluent-bit--task_definitions-cloudwatch.json": Fails(
        "line 60 column 24", "not valid JSON"
    ),
    "taskdefs/cdk-agent-broker--ecs-task-def.json": Imports([(TD, "openabintegbrokertaskdef644f1664", None)]),
    "taskdefs/container-transform--tests-task.json": Fails("$.volumes[1].readOnly", "not an ECS field"),
    "taskdefs/datadog-docs--datadog-agent-ecs-win.json": Imports([(TD, "datadog-agent-task", None)]),
    "taskdefs/datadog-docs--datadog-agent-sysprobe-ecs.json": Imports([(TD, "datadog-agent-task-lee", None)]),
    "taskdefs/ecs-agent--appmesh-plugin-validator-task-definition.json": Imports(
        [(TD, "ecsftest-appmesh-plugin-validator", None)]
    ),
    "taskdefs/ecs-agent--container-health-windows-task-definition.json": Fails(
        "line 14 column 13", "not valid JSON"
    ),
    "taskdefs/ecs-agent--container-ordering-healthy-task-definition.json": Imports(
        [(TD, "ecsftest-container-ordering-complete-condition", None)]
    ),
    "taskdefs/ecs-agent--firelens-fluentbit-fluent-logger-awsvpc-task-definition.json": Imports(
        [(TD, "ecsftest-firelens-fluentbit-fluent-logger-awsvpc", None)]
    ),
    "taskdefs/ecs-agent--nvidia-gpu-task-definition.json": Imports([(TD, "ecsftest-nvidia-gpu", None)]),
    "taskdefs/ecs-agent--pid-namespace-task-share-task-definition.json": Imports(
        [(TD, "ecsftest-task-pid-namespace-share", None)]
    ),
    "taskdefs/ecs-agent--private-registry-auth-asm-validator-unix-task-definition.json": Imports(
        [(TD, "ecsftest-private-registry-auth-asm-validator-unix", None)]
    ),
    "taskdefs/ecs-agent--secrets-environment-variables-task-definition.json": Imports(
        [(TD, "secrets-integration", None)]
    ),
    "taskdefs/ecs-agent--sysctl-task-definition.json": Imports([(TD, "ecsftest-sysctl", None)]),
    "taskdefs/ecs-agent--task-efs-vol-write-task-definition.json": Imports(
        [(TD, "ecsftest-task-efs-volume", None)]
    ),
    # Elastic Inference's container-level `inferenceDevices` is not a ContainerDefinition member.
    "taskdefs/ecs-agent--task-elastic-inference-task-definition.json": Fails(
        "$.containerDefinitions[0].inferenceDevices", "not an ECS field"
    ),
    "taskdefs/ecs-bg-patterns--taskdef_backend.template.json": Imports([(TD, "bluegreen-backend", None)]),
    "taskdefs/ecs-bg-patterns--taskdef_frontend.template.json": Imports([(TD, "bluegreen-frontend", None)]),
    "taskdefs/ecs2k8s--ecs-secretsmanager-task-definition.json": Imports([(TD, "nginx-sample-poc", None)]),
    "taskdefs/ecspresso--ci-ecs-task-def.json": Imports([(TD, "ecspresso-test", None)]),
    "taskdefs/ecspresso--ecs-task-def-daemon.json": Imports([(TD, "ecspresso-test", None)]),
    "taskdefs/ecspresso--td-plain.json": Imports([(TD, "katsubushi", None)]),
    "taskdefs/ecspresso--tests-ecs-task-def.json": Imports([(TD, "app", None)]),
    "taskdefs/firelens-examples--appmesh-firelens-colorteller-black-ecs-task-def.json": Imports(
        [(TD, "appmesh-firelens-colorteller-black", None)]
    ),
    "taskdefs/firelens-examples--dynatrace-task-definition.json": Fails(
        "line 34 column 20", "not valid JSON"
    ),
    "taskdefs/firelens-examples--multi-config-support-task-definition.json": Imports(
        [(TD, "firelens-example-multi-config-support", None)]
    ),
    "taskdefs/firelens-examples--task-definition-tcp-healthcheck.json": Imports(
        [(TD, "firelens-example-cloudwatch", None)]
    ),
    "taskdefs/kecs--api-service.json": Imports([(TD, "api-service", None)]),
    "taskdefs/kecs--init-container.json": Imports([(TD, "init-container", None)]),
    "taskdefs/kecs--task-definition-with-artifacts.json": Fails(
        "$.containerDefinitions[0].artifacts", "not an ECS field"
    ),
    "taskdefs/modern-app-workshop--aws-cli-task-definition.json": Fails(
        "$.containerDefinitions[0].portMappings[0].protocol", "'tcp' or 'udp'"
    ),
    "taskdefs/sbcntr-backend--aws-task-definition.json": Imports([(TD, "sbcntr-backend-def", None)]),
    "taskdefs/splunk-otel-collector--splunk-otel-collector.json": Imports(
        [(TD, "splunk-otel-collector", None)]
    ),
    "taskdefs/tf-sorry-cypress--container_definitions.json": Imports(
        [(TD, "sorry-cypress", None)], Options(family="sorry_cypress")
    ),
    "taskdefs/tf-warpstream--container-definitions.json": Imports(
        [(TD, "warpstream-agent", None)], Options(family="warpstream-agent")
    ),
    # --- services ---
    "services/cdk-agent-broker--ecs-service-def.json": Imports(
        [
            (TD, "openabintegbrokertaskdef644f1664", None),
            ("Service", "cdk-agent-broker--ecs-service-def", None),
        ],
        with_files=("taskdefs/cdk-agent-broker--ecs-task-def.json",),
    ),
    "services/ecs-bg-patterns--service_backend.template.json": Imports(
        [("Service", "bluegreen-backend", "ecs-cluster-name")]
    ),
    "services/ecs-bg-patterns--service_template.json": Imports(
        [("Service", "bluegreendemo", "ecs-cluster-name")]
    ),
    "services/ecs-deployment-monitor--fargate-deployment.json": Imports(
        [("Service", "my-test-application", "mycluster")]
    ),
    "services/ecspresso--ci-ecs-service-def.json": Fails(
        "$.deploymentController.type", "template placeholder"
    ),
    "services/gha-deploy-ecspresso--test-servicedef.json": Imports(
        [("Service", "web", "prod")], Options(service_name="web", task_definition="web:3", namespace="prod")
    ),
    "services/kecs--backend-service-def.json": Imports([("Service", "backend-api-service", None)]),
    "services/kecs--microservice-with-service-connect.json": Fails(
        "$", "launchType and capacityProviderStrategy are mutually exclusive"
    ),
    "services/kecs--nginx-fargate-service.json": Imports([("Service", "nginx-fargate-service", "default")]),
    "services/kecs--service-with-secrets-service_def.json": Fails("$.taskDefinition", "is not `family` or"),
    "services/kecs--task-set-blue-green-create_service.json": Imports(
        [("Service", "webapp-service", "default")]
    ),
}


def source(relative: str) -> tuple[str, str]:
    return relative, (SAMPLES / relative).read_text()


def test_the_table_covers_every_sample_file() -> None:
    on_disk = {str(p.relative_to(SAMPLES)) for p in SAMPLES.rglob("*.json")}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_sample_imports_or_fails_as_stated(relative: str) -> None:
    expected = EXPECTED[relative]
    if isinstance(expected, Fails):
        with pytest.raises(ImportProblem) as problem:
            import_sources([source(relative)], expected.options)
        assert problem.value.source == relative
        assert problem.value.path == expected.path
        assert expected.rule in str(problem.value)
        return
    imported = import_sources([*map(source, expected.with_files), source(relative)], expected.options)
    found = [(r["kind"], r["metadata"]["name"], r["metadata"].get("namespace")) for r in imported.resources]
    assert found == expected.resources
    for resource in imported.resources:
        assert resource["apiVersion"] == "ecs-operator.dev/v1alpha1"


def leaves(value: Any, path: tuple[str | int, ...] = ()) -> list[tuple[tuple[str | int, ...], Any]]:
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in leaves(v, (*path, k))] or [(path, {})]
    if isinstance(value, list):
        return [leaf for i, v in enumerate(value) for leaf in leaves(v, (*path, i))] or [(path, [])]
    return [(path, value)]


def lookup(value: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


def ecs_objects(relative: str, data: Any) -> list[tuple[str, Any]]:
    """(kind, ECS object) as the file holds them, in import order."""
    if isinstance(data, list):
        return [(TD, {"containerDefinitions": data})]
    if isinstance(data.get("taskDefinition"), dict):
        return [(TD, data["taskDefinition"])]
    if "services" in data:
        return [("Service", s) for s in data["services"]]
    return [(TD if "containerDefinitions" in data else "Service", data)]


# Transformations the import documents; everything else must be copied unchanged.
ALLOWED_CHANGES = {"cluster", "taskDefinition", "serviceName"}


@pytest.mark.parametrize("relative", sorted(r for r, e in EXPECTED.items() if isinstance(e, Imports)))
def test_round_trip_keeps_every_ecs_field_unchanged(relative: str) -> None:
    expected = EXPECTED[relative]
    assert isinstance(expected, Imports)
    imported = import_sources(
        [source(relative)]
        if not expected.with_files
        else [*map(source, expected.with_files), source(relative)],
        expected.options,
    )
    resources = imported.resources[len(expected.with_files) :]
    objects = ecs_objects(relative, json.loads((SAMPLES / relative).read_text()))
    assert len(resources) == len(objects)
    warnings = "\n".join(imported.warnings)
    for (kind, original), resource in zip(objects, resources, strict=True):
        dropped = TASK_DEFINITION_RESPONSE_ONLY if kind == TD else SERVICE_RESPONSE_ONLY
        for path, value in leaves(original):
            if value is None or path[0] in dropped or (kind == "Service" and path[0] in ALLOWED_CHANGES):
                continue
            if value == "" and "empty string where ECS expects an enum" in warnings:
                try:
                    lookup(resource["spec"], path)
                except (KeyError, IndexError):
                    continue  # the documented normalisation of "" enums
            assert lookup(resource["spec"], path) == value, f"{relative}: {path} changed"


def test_empty_string_enums_from_ecs_exports_are_dropped_with_a_warning() -> None:
    imported = import_sources([source("taskdefs/cdk-agent-broker--ecs-task-def.json")])
    spec = imported.resources[0]["spec"]
    assert "ipcMode" not in spec and "pidMode" not in spec
    assert any("$.ipcMode: empty string where ECS expects an enum" in w for w in imported.warnings)
    assert any("$.containerDefinitions[0].versionConsistency" in w for w in imported.warnings)


def test_empty_string_in_a_free_form_field_is_kept() -> None:
    imported = import_sources([source("taskdefs/sbcntr-backend--aws-task-definition.json")])
    assert imported.resources[0]["spec"]["executionRoleArn"] == ""


def test_describe_output_response_only_fields_are_dropped_with_a_warning() -> None:
    imported = import_sources([source("taskdefs/sbcntr-backend--aws-task-definition.json")])
    spec = imported.resources[0]["spec"]
    assert not TASK_DEFINITION_RESPONSE_ONLY & spec.keys()
    assert any("response-only fields dropped: compatibilities" in w for w in imported.warnings)


def test_explicit_nulls_are_the_same_as_absent() -> None:
    imported = import_sources([source("taskdefs/sbcntr-backend--aws-task-definition.json")])
    container = imported.resources[0]["spec"]["containerDefinitions"][0]
    assert "linuxParameters" not in container and "memory" not in container


def test_wrapped_describe_task_definition_output_with_tags() -> None:
    text = json.dumps(
        {
            "taskDefinition": {
                "family": "web",
                "revision": 7,
                "status": "ACTIVE",
                "containerDefinitions": [{"name": "app", "image": "nginx"}],
            },
            "tags": [{"key": "team", "value": "a"}],
        }
    )
    resource = import_sources([("web.json", text)]).resources[0]
    assert resource["spec"] == {
        "family": "web",
        "containerDefinitions": [{"name": "app", "image": "nginx"}],
        "tags": [{"key": "team", "value": "a"}],
    }


def test_single_container_definition_needs_a_family() -> None:
    text = json.dumps({"name": "envoy", "image": "envoy:1", "essential": True})
    with pytest.raises(ImportProblem, match="need --family"):
        import_sources([("envoy.json", text)])
    resource = import_sources([("envoy.json", text)], Options(family="mesh")).resources[0]
    assert resource["spec"] == {"family": "mesh", "containerDefinitions": [json.loads(text)]}


def test_error_paths_in_a_container_array_read_as_in_the_file() -> None:
    text = json.dumps([{"name": "a", "image": "x"}, {"name": "b", "memory": "${MEM}"}])
    with pytest.raises(ImportProblem) as problem:
        import_sources([("defs.json", text)], Options(family="f"))
    assert problem.value.path == "$[1].memory"
    assert "template placeholder '${MEM}'" in str(problem.value)


def test_placeholders_in_free_form_strings_import_as_is_with_a_warning() -> None:
    text = json.dumps(
        {
            "family": "web",
            "containerDefinitions": [
                {
                    "name": "app",
                    "image": "${IMAGE}",
                    "environment": [{"name": "K", "value": "<YOUR_API_KEY>"}],
                },
                {"name": "b", "image": "$$$TEST_IMAGE$$$", "essential": False},
            ],
        }
    )
    imported = import_sources([("web.json", text)])
    assert imported.resources[0]["spec"]["containerDefinitions"][0]["image"] == "${IMAGE}"
    joined = "\n".join(imported.warnings)
    assert "$.containerDefinitions[0].image: template placeholder imported as-is: '${IMAGE}'" in joined
    assert "$.containerDefinitions[0].environment[0].value" in joined
    assert "$.containerDefinitions[1].image" in joined


def test_ecs_rule_violation_names_file_path_and_rule() -> None:
    text = json.dumps({"family": "web", "containerDefinitions": [{"name": "a", "essential": False}]})
    with pytest.raises(ImportProblem) as problem:
        import_sources([("web.json", text)])
    assert str(problem.value) == "web.json: $: containerDefinitions: at least one container must be essential"


def test_two_ecs_names_mapping_to_one_kubernetes_name_are_an_error() -> None:
    first = json.dumps({"family": "My_App", "containerDefinitions": [{"name": "a"}]})
    second = json.dumps({"family": "my-app", "containerDefinitions": [{"name": "a"}]})
    with pytest.raises(ImportProblem, match=r"also imported from a\.json"):
        import_sources([("a.json", first), ("b.json", second)])


def test_service_without_name_from_stdin_needs_service_name() -> None:
    text = json.dumps({"taskDefinition": "web", "desiredCount": 1})
    with pytest.raises(ImportProblem, match="needs --service-name"):
        import_sources([("-", text)])


def test_namespace_option_wins_over_cluster() -> None:
    text = json.dumps({"serviceName": "web", "cluster": "prod", "taskDefinition": "web", "desiredCount": 1})
    resource = import_sources([("s.json", text)], Options(namespace="staging")).resources[0]
    assert resource["metadata"]["namespace"] == "staging"
    assert "cluster" not in resource["spec"]


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ecs_operator", "import", *args],
        capture_output=True,
        text=True,
        input=stdin,
        cwd=SAMPLES,
        check=False,
    )


def test_cli_prints_multi_document_yaml_for_several_files() -> None:
    result = run_cli("taskdefs/kecs--api-service.json", "services/kecs--nginx-fargate-service.json")
    assert result.returncode == 0, result.stderr
    documents = list(yaml.safe_load_all(result.stdout))
    assert [d["kind"] for d in documents] == ["TaskDefinition", "Service"]


def test_cli_reads_stdin_and_warns_on_stderr() -> None:
    text = json.dumps([{"name": "app", "image": "${IMAGE}"}])
    result = run_cli("--family", "web", "-", stdin=text)
    assert result.returncode == 0
    assert yaml.safe_load(result.stdout)["metadata"]["name"] == "web"
    assert "warning: -: $[0].image: template placeholder imported as-is" in result.stderr


def test_cli_exits_2_naming_file_and_path_on_invalid_input() -> None:
    result = run_cli("taskdefs/modern-app-workshop--aws-cli-task-definition.json")
    assert result.returncode == 2
    assert "taskdefs/modern-app-workshop--aws-cli-task-definition.json" in result.stderr
    assert "$.containerDefinitions[0].portMappings[0].protocol" in result.stderr
    assert result.stdout == ""


def test_cli_exits_2_on_a_missing_file() -> None:
    assert run_cli("does-not-exist.json").returncode == 2


def test_update_service_input_names_the_service_by_its_service_key() -> None:
    text = json.dumps(
        {
            "cluster": "prod",
            "service": "web",
            "taskDefinition": "web:4",
            "desiredCount": 3,
            "forceNewDeployment": True,
        }
    )
    resource = import_sources([("update.json", text)]).resources[0]
    assert resource["metadata"] == {"name": "web", "namespace": "prod"}
    assert resource["spec"] == {
        "serviceName": "web",
        "taskDefinition": "web:4",
        "desiredCount": 3,
        "forceNewDeployment": True,
    }


def test_a_task_definition_imported_with_its_service_lands_in_the_service_namespace():
    from ecs_operator.ecs_import import import_sources

    td = '{"family": "api", "containerDefinitions": [{"name": "api", "image": "nginx", "memory": 128}]}'
    svc = '{"cluster": "prod", "serviceName": "api", "taskDefinition": "api:1", "desiredCount": 1}'
    imported = import_sources([("td.json", td), ("svc.json", svc)])
    namespaces = {r["kind"]: r["metadata"].get("namespace") for r in imported.resources}
    assert namespaces == {"TaskDefinition": "prod", "Service": "prod"}


def test_a_task_definition_used_from_two_clusters_is_left_without_a_namespace_and_says_so():
    from ecs_operator.ecs_import import import_sources

    td = '{"family": "api", "containerDefinitions": [{"name": "api", "image": "nginx", "memory": 128}]}'
    a = '{"cluster": "prod", "serviceName": "api", "taskDefinition": "api", "desiredCount": 1}'
    b = '{"cluster": "staging", "serviceName": "api2", "taskDefinition": "api", "desiredCount": 1}'
    imported = import_sources([("td.json", td), ("a.json", a), ("b.json", b)])
    td_resource = next(r for r in imported.resources if r["kind"] == "TaskDefinition")
    assert "namespace" not in td_resource["metadata"]
    assert any("apply it to each" in w for w in imported.warnings)


def test_a_long_shell_script_imports_without_a_placeholder_warning() -> None:
    # ECS bounds only the whole task definition (64 KiB of JSON), not one command string.
    script = "set -eu\n" + "".join(f'echo "step {i}: $HOME ${{PATH}}" >> "$LOG"\n' for i in range(150))
    assert len(script) > 5000
    text = json.dumps(
        {
            "family": "batch",
            "containerDefinitions": [
                {
                    "name": "job",
                    "image": "busybox",
                    "entryPoint": ["sh", "-c"],
                    "command": [script],
                    "healthCheck": {"command": ["CMD-SHELL", "test -f $HOME/ok"]},
                }
            ],
        }
    )
    imported = import_sources([("batch.json", text)])
    assert imported.resources[0]["spec"]["containerDefinitions"][0]["command"] == [script]
    assert not [w for w in imported.warnings if "placeholder" in w]


def test_a_template_placeholder_in_a_command_is_still_one() -> None:
    text = json.dumps(
        {"family": "web", "containerDefinitions": [{"name": "a", "command": ["run {{ must_env `MODE` }}"]}]}
    )
    joined = "\n".join(import_sources([("web.json", text)]).warnings)
    assert "$.containerDefinitions[0].command[0]: template placeholder imported as-is" in joined


def test_a_task_definition_over_64_kib_is_refused_naming_ecs_limit() -> None:
    text = json.dumps(
        {"family": "web", "containerDefinitions": [{"name": "a", "command": ["x" * 40_000, "y" * 30_000]}]}
    )
    with pytest.raises(ImportProblem) as problem:
        import_sources([("web.json", text)])
    assert "over ECS's limit of 64 KiB" in str(problem.value)
