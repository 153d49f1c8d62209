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


FARGATE_TASK = {
    "requiresCompatibilities": ["FARGATE"],
    "networkMode": "awsvpc",
    "cpu": "256",
    "memory": "512",
}
# https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html
FARGATE_REFUSALS = {
    "containerDefinitions[0].privileged: privileged is not valid on Fargate": {"privileged": True},
    "containerDefinitions[0].links: links is not valid on Fargate": {"links": ["app:self"]},
    "containerDefinitions[0].dnsServers: dnsServers is not valid on Fargate": {"dnsServers": ["1.1.1.1"]},
    "containerDefinitions[0].linuxParameters.devices: linuxParameters.devices is not valid on Fargate": {
        "linuxParameters": {"devices": [{"hostPath": "/dev/fuse"}]}
    },
    "containerDefinitions[0].linuxParameters.sharedMemorySize: linuxParameters.sharedMemorySize": {
        "linuxParameters": {"sharedMemorySize": 64}
    },
    "containerDefinitions[0].linuxParameters.capabilities.add: Fargate adds only the SYS_PTRACE": {
        "linuxParameters": {"capabilities": {"add": ["SYS_PTRACE", "SYS_ADMIN"]}}
    },
    "containerDefinitions[0].resourceRequirements: GPU is not valid on Fargate": {
        "resourceRequirements": [{"type": "GPU", "value": "1"}]
    },
    "containerDefinitions[0].stopTimeout: stopTimeout on FARGATE is at most 120 seconds": {
        "stopTimeout": 121
    },
    "containerDefinitions[0].logConfiguration.logDriver: Fargate's log drivers": {
        "logConfiguration": {"logDriver": "syslog"}
    },
    "containerDefinitions[0].portMappings: on Fargate hostPort is unset or equal to containerPort": {
        "portMappings": [{"containerPort": 80, "hostPort": 8080}]
    },
}


@pytest.mark.parametrize("expected", sorted(FARGATE_REFUSALS))
def test_fargate_refuses_each_container_field_naming_its_path_and_rule(expected: str) -> None:
    container = {"name": "app", "image": "nginx", **FARGATE_REFUSALS[expected]}
    assert expected in rejected(taskdef(**FARGATE_TASK, containerDefinitions=[container]))
    # The same container is fine on EC2.
    TaskDefinitionSpec.model_validate(taskdef(containerDefinitions=[container]))


def test_fargate_refuses_host_task_fields_and_volumes_all_at_once() -> None:
    message = rejected(
        taskdef(
            **FARGATE_TASK,
            pidMode="host",
            ipcMode="host",
            placementConstraints=[{"type": "memberOf", "expression": "attribute:ecs.os-type == linux"}],
            volumes=[
                {"name": "root", "host": {"sourcePath": "/"}},
                {"name": "docker", "dockerVolumeConfiguration": {"scope": "task"}},
            ],
        )
    )
    for expected in (
        "pidMode: pidMode on Fargate is task only",
        "ipcMode: ipcMode is not valid on Fargate",
        "placementConstraints: placementConstraints is not valid on Fargate",
        "volumes[0].host.sourcePath: host volumes on Fargate take no sourcePath",
        "volumes[1].dockerVolumeConfiguration: dockerVolumeConfiguration is not valid on Fargate",
    ):
        assert expected in message


def test_fargate_accepts_what_it_allows() -> None:
    TaskDefinitionSpec.model_validate(
        taskdef(
            **FARGATE_TASK,
            pidMode="task",
            volumes=[{"name": "scratch", "host": {}}],
            containerDefinitions=[
                {
                    "name": "app",
                    "image": "nginx",
                    "privileged": False,
                    "links": [],
                    "linuxParameters": {"capabilities": {"add": ["SYS_PTRACE"], "drop": ["ALL"]}},
                    "portMappings": [{"containerPort": 80, "hostPort": 80}],
                    "logConfiguration": {"logDriver": "awslogs"},
                }
            ],
        )
    )
