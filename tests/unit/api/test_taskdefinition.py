"""TaskDefinitionSpec: ECS RegisterTaskDefinition rules (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from ecs_operator.api import TaskDefinitionSpec


def taskdef(**overrides: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"family": "web", "containerDefinitions": [{"name": "app", "image": "nginx"}]}
    spec.update(overrides)
    return spec


def rejected(spec: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as error:
        TaskDefinitionSpec.model_validate(spec)
    return str(error.value)


def test_dump_gives_back_the_ecs_json_without_added_fields() -> None:
    source = taskdef(cpu="256", memory="512", networkMode="awsvpc")
    model = TaskDefinitionSpec.model_validate(source)
    assert model.model_dump(mode="json", exclude_unset=True, exclude_none=True) == source


def test_essential_defaults_to_true() -> None:
    assert TaskDefinitionSpec.model_validate(taskdef()).containerDefinitions[0].essential is True


def test_family_pattern_is_enforced() -> None:
    assert "family" in rejected(taskdef(family="my.app"))
    assert "family" in rejected(taskdef(family="x" * 256))


def test_family_may_be_left_out_and_defaults_to_metadata_name() -> None:
    model = TaskDefinitionSpec.model_validate({"containerDefinitions": [{"name": "app", "image": "x"}]})
    assert model.effective_family("web") == "web"


def test_unknown_field_is_an_error_not_a_silent_drop() -> None:
    message = rejected(taskdef(containerDefinitions=[{"name": "app", "image": "x", "artifacts": []}]))
    assert "containerDefinitions.0.artifacts" in message and "Extra inputs" in message


def test_numbers_given_as_strings_are_refused() -> None:
    assert "containerDefinitions.0.memory" in rejected(
        taskdef(containerDefinitions=[{"name": "app", "memory": "512"}])
    )


def test_at_least_one_essential_container() -> None:
    spec = taskdef(
        containerDefinitions=[{"name": "a", "essential": False}, {"name": "b", "essential": False}]
    )
    assert "at least one container must be essential" in rejected(spec)


def test_container_names_are_unique() -> None:
    spec = taskdef(containerDefinitions=[{"name": "a"}, {"name": "a", "essential": False}])
    assert "container names must be unique" in rejected(spec)


def test_depends_on_must_name_an_existing_container() -> None:
    spec = taskdef(
        containerDefinitions=[{"name": "a", "dependsOn": [{"containerName": "b", "condition": "START"}]}]
    )
    assert "dependsOn must name a container of this task definition (container a: b)" in rejected(spec)


def test_complete_and_success_are_not_allowed_on_an_essential_dependency() -> None:
    spec = taskdef(
        containerDefinitions=[
            {"name": "init"},
            {"name": "app", "dependsOn": [{"containerName": "init", "condition": "SUCCESS"}]},
        ]
    )
    assert "not allowed on essential container init" in rejected(spec)


def test_healthy_dependency_needs_a_health_check() -> None:
    spec = taskdef(
        containerDefinitions=[
            {"name": "envoy"},
            {"name": "app", "dependsOn": [{"containerName": "envoy", "condition": "HEALTHY"}]},
        ]
    )
    assert "needs a healthCheck on envoy" in rejected(spec)


def test_links_and_volumes_from_reference_existing_containers() -> None:
    assert "links names unknown container db" in rejected(
        taskdef(containerDefinitions=[{"name": "app", "links": ["db:database"]}])
    )
    assert "volumesFrom must name a container of this task definition (container app: data)" in rejected(
        taskdef(containerDefinitions=[{"name": "app", "volumesFrom": [{"sourceContainer": "data"}]}])
    )


def test_mount_points_reference_declared_volumes() -> None:
    mounts = [{"sourceVolume": "logs", "containerPath": "/logs"}]
    assert "sourceVolume logs is not in volumes" in rejected(
        taskdef(containerDefinitions=[{"name": "app", "mountPoints": mounts}])
    )
    TaskDefinitionSpec.model_validate(
        taskdef(containerDefinitions=[{"name": "app", "mountPoints": mounts}], volumes=[{"name": "logs"}])
    )


def test_fargate_needs_a_valid_cpu_memory_pair() -> None:
    fargate = {"requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc"}
    TaskDefinitionSpec.model_validate(taskdef(cpu="256", memory="512", **fargate))
    TaskDefinitionSpec.model_validate(taskdef(cpu="1 vCPU", memory="2 GB", **fargate))
    assert "not a valid Fargate combination" in rejected(taskdef(cpu="256", memory="4096", **fargate))
    assert "FARGATE requires task-level cpu and memory" in rejected(taskdef(**fargate))
    assert "FARGATE requires networkMode awsvpc" in rejected(
        taskdef(cpu="256", memory="512", requiresCompatibilities=["FARGATE"], networkMode="bridge")
    )


def test_enums_are_enforced() -> None:
    assert "networkMode" in rejected(taskdef(networkMode="overlay"))
    ports = [{"containerPort": 80, "protocol": "http"}]
    assert "portMappings.0.protocol" in rejected(
        taskdef(containerDefinitions=[{"name": "app", "portMappings": ports}])
    )


def test_only_member_of_placement_constraints_in_a_task_definition() -> None:
    assert "placementConstraints.0.type" in rejected(
        taskdef(placementConstraints=[{"type": "distinctInstance"}])
    )


def test_full_shape_with_nested_structures_validates() -> None:
    container = {
        "name": "app",
        "image": "repo/app:1",
        "portMappings": [{"containerPort": 8080, "name": "http", "appProtocol": "http"}],
        "healthCheck": {"command": ["CMD-SHELL", "curl -f localhost"], "startPeriod": 10},
        "secrets": [{"name": "TOKEN", "valueFrom": "arn:aws:secretsmanager:r:1:secret:t"}],
        "environment": [{"name": "A", "value": "1"}],
        "environmentFiles": [{"value": "arn:aws:s3:::b/e.env", "type": "s3"}],
        "linuxParameters": {
            "capabilities": {"add": ["SYS_PTRACE"]},
            "tmpfs": [{"containerPath": "/tmp", "size": 64}],
            "initProcessEnabled": True,
            "maxSwap": 0,
            "swappiness": 60,
        },
        "ulimits": [{"name": "nofile", "softLimit": 1024, "hardLimit": 2048}],
        "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "g"}},
        "restartPolicy": {"enabled": True, "restartAttemptPeriod": 60},
        "extraHosts": [{"hostname": "h", "ipAddress": "10.0.0.1"}],
        "dockerLabels": {"a": "b"},
        "systemControls": [{"namespace": "net.core.somaxconn", "value": "1024"}],
        "resourceRequirements": [{"type": "GPU", "value": "1"}],
    }
    spec = taskdef(
        containerDefinitions=[container],
        volumes=[
            {
                "name": "efs",
                "efsVolumeConfiguration": {"fileSystemId": "fs-1", "transitEncryption": "ENABLED"},
            },
            {"name": "ebs", "configuredAtLaunch": True},
        ],
        runtimePlatform={"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
        ephemeralStorage={"sizeInGiB": 30},
        tags=[{"key": "team", "value": "a"}],
    )
    model = TaskDefinitionSpec.model_validate(spec)
    assert model.model_dump(mode="json", exclude_unset=True, exclude_none=True) == spec


def test_task_definition_has_every_register_task_definition_member() -> None:
    assert set(TaskDefinitionSpec.model_fields) == {
        "family", "taskRoleArn", "executionRoleArn", "networkMode", "containerDefinitions", "volumes",
        "placementConstraints", "requiresCompatibilities", "cpu", "memory", "tags", "pidMode", "ipcMode",
        "proxyConfiguration", "inferenceAccelerators", "ephemeralStorage", "runtimePlatform",
        "enableFaultInjection", "trustedExecutionConfiguration",
    }  # fmt: skip


def test_at_most_10_containers_per_task_definition() -> None:
    containers = [{"name": f"c{i}"} for i in range(11)]
    assert "containerDefinitions" in rejected(taskdef(containerDefinitions=containers))
