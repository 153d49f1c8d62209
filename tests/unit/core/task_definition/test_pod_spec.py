"""Pod-level rules of the task definition -> pod template mapping (core/podspec.py)."""

from typing import Any

import pytest

from ecs_operator.api.labels import ESSENTIAL_CONTAINERS_ANNOTATION
from ecs_operator.core.task_definition.pod_spec import (
    IRSA_ROLE_ANNOTATION,
    TaskDefinitionError,
    build_pod_spec,
)


def container(name: str = "app", **fields: Any) -> dict[str, Any]:
    return {"name": name, "image": "nginx", **fields}


def task(*containers: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"family": "web", "containerDefinitions": list(containers) or [container()], **fields}


def paths(result) -> set[str]:
    return {field.path for field in result.unsupported}


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


@pytest.mark.parametrize("mode", ["awsvpc", "bridge", "default", None])
def test_ordinary_network_modes_use_pod_networking(mode):
    result = build_pod_spec(task(networkMode=mode))
    assert "hostNetwork" not in result.pod_spec
    assert result.unsupported == []


def test_host_network_mode_sets_host_network_and_host_ports():
    result = build_pod_spec(task(container(portMappings=[{"containerPort": 80}]), networkMode="host"))
    assert result.pod_spec["hostNetwork"] is True
    assert result.pod_spec["containers"][0]["ports"] == [
        {"containerPort": 80, "protocol": "TCP", "hostPort": 80}
    ]


def test_network_mode_none_is_listed():
    assert paths(build_pod_spec(task(networkMode="none"))) == {"networkMode"}


def test_pid_mode_host_and_task_and_ipc_modes():
    assert build_pod_spec(task(pidMode="host")).pod_spec["hostPID"] is True
    assert build_pod_spec(task(pidMode="task")).pod_spec["shareProcessNamespace"] is True
    assert build_pod_spec(task(ipcMode="host")).pod_spec["hostIPC"] is True
    shared_ipc = build_pod_spec(task(ipcMode="task"))
    assert "hostIPC" not in shared_ipc.pod_spec and shared_ipc.unsupported == []
    assert paths(build_pod_spec(task(ipcMode="none"))) == {"ipcMode"}


def test_empty_string_modes_from_exports_mean_unset():
    result = build_pod_spec(task(ipcMode="", pidMode="", networkMode=""))
    assert result.unsupported == []
    assert not {"hostPID", "hostIPC", "shareProcessNamespace", "hostNetwork"} & result.pod_spec.keys()


def test_init_process_enabled_shares_the_process_namespace():
    result = build_pod_spec(task(container(linuxParameters={"initProcessEnabled": True})))
    assert result.pod_spec["shareProcessNamespace"] is True
    assert result.unsupported == []


def test_init_process_with_host_pid_is_listed_because_kubernetes_forbids_both():
    result = build_pod_spec(task(container(linuxParameters={"initProcessEnabled": True}), pidMode="host"))
    assert "shareProcessNamespace" not in result.pod_spec
    assert paths(result) == {"containerDefinitions[0].linuxParameters.initProcessEnabled"}


@pytest.mark.parametrize(
    ("platform", "selector"),
    [
        (
            {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
            {"kubernetes.io/arch": "arm64", "kubernetes.io/os": "linux"},
        ),
        ({"cpuArchitecture": "X86_64"}, {"kubernetes.io/arch": "amd64"}),
        ({"operatingSystemFamily": "WINDOWS_SERVER_2022_CORE"}, {"kubernetes.io/os": "windows"}),
    ],
)
def test_runtime_platform_becomes_node_selector(platform, selector):
    assert build_pod_spec(task(runtimePlatform=platform)).pod_spec["nodeSelector"] == selector


def test_stop_timeout_is_the_largest_container_timeout_with_30_for_unset_ones():
    assert (
        build_pod_spec(task(container("a", stopTimeout=10))).pod_spec["terminationGracePeriodSeconds"] == 10
    )
    two = task(container("a", stopTimeout=10), container("b"))
    assert build_pod_spec(two).pod_spec["terminationGracePeriodSeconds"] == 30
    long = task(container("a", stopTimeout=90), container("b"))
    assert build_pod_spec(long).pod_spec["terminationGracePeriodSeconds"] == 90


def test_max_grace_seconds_caps_the_grace_period_and_lists_the_capped_timeout():
    result = build_pod_spec(task(container("a", stopTimeout=300)), max_grace_seconds=120)
    assert result.pod_spec["terminationGracePeriodSeconds"] == 120
    assert paths(result) == {"containerDefinitions[0].stopTimeout"}
    within = build_pod_spec(task(container("a", stopTimeout=60)), max_grace_seconds=120)
    assert within.pod_spec["terminationGracePeriodSeconds"] == 60 and within.unsupported == []


def test_task_role_becomes_an_irsa_service_account_named_after_the_family():
    role = "arn:aws:iam::123456789012:role/web-task"
    result = build_pod_spec(task(family="My_Web", taskRoleArn=role))
    assert result.service_account == {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": "my-web", "annotations": {IRSA_ROLE_ANNOTATION: role}},
    }
    assert result.pod_spec["serviceAccountName"] == "my-web"
    assert result.unsupported == []


def test_given_service_account_name_names_the_account_and_is_used_without_a_role():
    with_role = build_pod_spec(task(taskRoleArn="arn:aws:iam::1:role/r"), service_account_name="custom")
    assert with_role.service_account["metadata"]["name"] == "custom"
    assert with_role.pod_spec["serviceAccountName"] == "custom"
    without_role = build_pod_spec(task(), service_account_name="custom")
    assert without_role.service_account is None
    assert without_role.pod_spec["serviceAccountName"] == "custom"


def test_task_role_given_as_a_name_is_annotated_and_listed():
    result = build_pod_spec(task(taskRoleArn="my-role"))
    assert result.service_account["metadata"]["annotations"][IRSA_ROLE_ANNOTATION] == "my-role"
    assert paths(result) == {"taskRoleArn"}


def test_hostname_and_extra_hosts():
    result = build_pod_spec(
        task(
            container(
                hostname="web-1",
                extraHosts=[
                    {"hostname": "db", "ipAddress": "10.0.0.5"},
                    {"hostname": "cache", "ipAddress": "10.0.0.5"},
                ],
            )
        )
    )
    assert result.pod_spec["hostname"] == "web-1"
    assert result.pod_spec["hostAliases"] == [{"ip": "10.0.0.5", "hostnames": ["db", "cache"]}]


def test_second_different_hostname_and_hostname_with_host_network_are_listed():
    two = build_pod_spec(task(container("a", hostname="one"), container("b", hostname="two")))
    assert two.pod_spec["hostname"] == "one"
    assert paths(two) == {"containerDefinitions[1].hostname"}
    host = build_pod_spec(task(container(hostname="one"), networkMode="host"))
    assert "hostname" not in host.pod_spec
    assert paths(host) == {"containerDefinitions[0].hostname"}


def test_links_resolve_to_localhost_because_pod_containers_share_the_network():
    result = build_pod_spec(task(container("db"), container("web", links=["db:database", "db"])))
    assert result.pod_spec["hostAliases"] == [{"ip": "127.0.0.1", "hostnames": ["db", "database"]}]


def test_link_to_unknown_container_is_an_error():
    with pytest.raises(TaskDefinitionError, match=r"containerDefinitions\[0\]\.links\[0\]"):
        build_pod_spec(task(container("web", links=["redis"])))


def test_dns_servers_replace_the_resolvers_and_search_domains_are_added():
    result = build_pod_spec(task(container(dnsServers=["10.0.0.2"], dnsSearchDomains=["corp.example"])))
    assert result.pod_spec["dnsPolicy"] == "None"
    assert result.pod_spec["dnsConfig"] == {"nameservers": ["10.0.0.2"], "searches": ["corp.example"]}
    only_search = build_pod_spec(task(container(dnsSearchDomains=["corp.example"])))
    assert "dnsPolicy" not in only_search.pod_spec
    assert only_search.pod_spec["dnsConfig"] == {"searches": ["corp.example"]}


def test_more_than_three_nameservers_are_cut_and_listed():
    result = build_pod_spec(task(container(dnsServers=["1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4"])))
    assert result.pod_spec["dnsConfig"]["nameservers"] == ["1.1.1.1", "2.2.2.2", "3.3.3.3"]
    assert paths(result) == {"containerDefinitions[0].dnsServers"}


def test_safe_sysctls_become_pod_sysctls_and_unsafe_ones_are_listed():
    result = build_pod_spec(
        task(
            container(
                systemControls=[
                    {"namespace": "net.ipv4.tcp_keepalive_time", "value": "300"},
                    {"namespace": "net.core.somaxconn", "value": "1024"},
                ]
            )
        )
    )
    assert result.pod_spec["securityContext"] == {
        "sysctls": [{"name": "net.ipv4.tcp_keepalive_time", "value": "300"}]
    }
    assert paths(result) == {"containerDefinitions[0].systemControls[1]"}


def test_network_sysctls_with_host_networking_and_conflicting_values_are_listed():
    host = build_pod_spec(
        task(
            container(systemControls=[{"namespace": "net.ipv4.tcp_syncookies", "value": "1"}]),
            networkMode="host",
        )
    )
    assert "securityContext" not in host.pod_spec
    assert paths(host) == {"containerDefinitions[0].systemControls[0]"}
    conflict = build_pod_spec(
        task(
            container("a", systemControls=[{"namespace": "kernel.shm_rmid_forced", "value": "1"}]),
            container("b", systemControls=[{"namespace": "kernel.shm_rmid_forced", "value": "0"}]),
        )
    )
    assert conflict.pod_spec["securityContext"]["sysctls"] == [
        {"name": "kernel.shm_rmid_forced", "value": "1"}
    ]
    assert paths(conflict) == {"containerDefinitions[1].systemControls[0]"}


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
