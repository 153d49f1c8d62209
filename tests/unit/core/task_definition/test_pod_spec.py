"""Pod-level rules of the task definition -> pod template mapping (core/task_definition/pod_spec.py)."""

import pytest
from task_definition_inputs import container, paths, task

from ecs_operator.api.labels import ESSENTIAL_CONTAINERS_ANNOTATION
from ecs_operator.core.task_definition.pod_spec import TaskDefinitionError, build_pod_spec


def test_minimal_task_becomes_one_container_with_default_grace_and_no_ports():
    result = build_pod_spec(task())
    assert result.pod_spec == {
        "containers": [{"name": "app", "image": "nginx"}],
        "terminationGracePeriodSeconds": 30,
    }
    assert result.ports == []
    assert result.service_account is None
    assert result.unsupported == []


def test_container_names_become_unique_dns_labels_and_are_reported():
    result = build_pod_spec(task(container("My_App"), container("my-app"), container("Side.Car")))
    assert [c["name"] for c in result.pod_spec["containers"]] == ["my-app", "my-app-2", "side-car"]
    assert result.container_names == {"My_App": "my-app", "my-app": "my-app-2", "Side.Car": "side-car"}


def test_duplicate_or_missing_container_names_are_errors_with_their_path():
    with pytest.raises(TaskDefinitionError, match=r"containerDefinitions\[1\]\.name"):
        build_pod_spec(task(container("a"), container("a")))
    with pytest.raises(TaskDefinitionError, match=r"containerDefinitions\[0\]\.name"):
        build_pod_spec(task({"image": "nginx"}))


def test_task_without_containers_is_an_error():
    with pytest.raises(TaskDefinitionError, match="containerDefinitions"):
        build_pod_spec({"family": "web", "containerDefinitions": []})


def test_essential_defaults_to_true_and_is_recorded_as_annotation():
    result = build_pod_spec(
        task(container("a"), container("B_b", essential=True), container("c", essential=False))
    )
    assert result.annotations == {ESSENTIAL_CONTAINERS_ANNOTATION: "a,b-b"}


def test_empty_string_modes_from_exports_mean_unset():
    result = build_pod_spec(task(ipcMode="", pidMode="", networkMode=""))
    assert result.unsupported == []
    assert not {"hostPID", "hostIPC", "shareProcessNamespace", "hostNetwork"} & result.pod_spec.keys()


def test_fields_without_kubernetes_meaning_are_listed_with_reasons():
    result = build_pod_spec(
        task(
            container(
                logConfiguration={"logDriver": "awslogs"},
                ulimits=[{"name": "nofile", "softLimit": 1, "hardLimit": 1}],
                firelensConfiguration={"type": "fluentbit"},
                repositoryCredentials={"credentialsParameter": "x"},
                environmentFiles=[{"type": "s3", "value": "arn:aws:s3:::b/x.env"}],
                dockerLabels={"a": "b"},
            ),
            executionRoleArn="arn:aws:iam::1:role/exec",
            proxyConfiguration={"type": "APPMESH", "containerName": "app"},
            inferenceAccelerators=[{"deviceName": "d", "deviceType": "eia2.medium"}],
        )
    )
    assert paths(result) == {
        "executionRoleArn",
        "proxyConfiguration",
        "inferenceAccelerators",
        "containerDefinitions[0].logConfiguration",
        "containerDefinitions[0].ulimits",
        "containerDefinitions[0].firelensConfiguration",
        "containerDefinitions[0].repositoryCredentials",
        "containerDefinitions[0].environmentFiles",
        "containerDefinitions[0].dockerLabels",
    }
    assert all(field.reason for field in result.unsupported)


def test_unknown_and_response_only_keys_are_listed_not_dropped():
    result = build_pod_spec(task(container(artifacts=[{"name": "x"}]), revision=3, madeUp=True))
    assert {f.path: f.reason for f in result.unsupported} == {
        "revision": "read-only DescribeTaskDefinition field; ignored",
        "madeUp": "not an ECS task definition field; ignored",
        "containerDefinitions[0].artifacts": "not an ECS ContainerDefinition field; ignored",
    }


def test_null_and_empty_values_are_not_listed():
    result = build_pod_spec(task(container(logConfiguration=None, ulimits=[], dockerLabels={}), tags=[]))
    assert result.unsupported == []


def test_unsupported_fields_serialise_for_status():
    result = build_pod_spec(task(networkMode="none"))
    assert [field.as_dict() for field in result.unsupported] == [
        {"path": "networkMode", "reason": result.unsupported[0].reason}
    ]


def test_input_is_not_modified():
    definition = task(
        container(portMappings=[{"containerPort": 80}], healthCheck={"command": ["CMD", "true"]})
    )
    snapshot = repr(definition)
    build_pod_spec(definition)
    assert repr(definition) == snapshot


def test_version_consistency_disabled_is_what_kubernetes_does_and_is_not_listed():
    assert build_pod_spec(task(container(versionConsistency="disabled"))).unsupported == []
    assert paths(build_pod_spec(task(container(versionConsistency="enabled")))) == {
        "containerDefinitions[0].versionConsistency"
    }


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        ({"stopTimeout": "soon"}, r"containerDefinitions\[0\]\.stopTimeout"),
        (
            {"portMappings": [{"containerPort": "http"}]},
            r"containerDefinitions\[0\]\.portMappings\[0\]\.containerPort",
        ),
        (
            {"portMappings": [{"containerPort": 70000}]},
            r"containerDefinitions\[0\]\.portMappings\[0\]\.containerPort",
        ),
        (
            {"healthCheck": {"command": ["CMD", "x"], "interval": "${i}"}},
            r"containerDefinitions\[0\]\.healthCheck\.interval",
        ),
        ({"memory": "${memory}"}, r"containerDefinitions\[0\]\.memory"),
        (
            {"linuxParameters": {"sharedMemorySize": "big"}},
            r"containerDefinitions\[0\]\.linuxParameters\.sharedMemorySize",
        ),
    ],
)
def test_malformed_numbers_are_errors_naming_their_path(fields, path):
    with pytest.raises(TaskDefinitionError, match=f"^{path}:"):
        build_pod_spec(task(container(**fields)))


def test_container_definition_that_is_not_an_object_is_an_error():
    with pytest.raises(TaskDefinitionError, match=r"^containerDefinitions\[1\]:"):
        build_pod_spec({"family": "web", "containerDefinitions": [container(), "nginx"]})


def test_unknown_keys_inside_nested_objects_are_listed():
    result = build_pod_spec(
        task(
            container(
                environment=[{"name": "A", "value": "1", "type": "plain"}],
                linuxParameters={"tmpfs": [{"containerPath": "/t", "size": 8, "mode": "1777"}]},
                healthCheck={"command": ["CMD", "true"], "grace": 3},
            ),
            volumes=[
                {"name": "h", "host": {"sourcePath": "/x", "kind": "bind"}},
                {"name": "e", "efsVolumeConfiguration": {"fileSystemId": "fs-1", "throughput": "max"}},
            ],
        )
    )
    assert paths(result) == {
        "containerDefinitions[0].environment[0].type",
        "containerDefinitions[0].linuxParameters.tmpfs[0].mode",
        "containerDefinitions[0].healthCheck.grace",
        "volumes[0].host.kind",
        "volumes[1].efsVolumeConfiguration.throughput",
    }


def test_container_without_image_is_an_error():
    with pytest.raises(TaskDefinitionError, match=r"^containerDefinitions\[0\]\.image:"):
        build_pod_spec(task({"name": "app", "image": ""}))
