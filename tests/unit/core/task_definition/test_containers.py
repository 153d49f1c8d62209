"""Container-level rules: command, env, secrets, ports, security, probes, GPUs
(core/task_definition/containers.py)."""

from typing import Any

import pytest
from task_definition_inputs import container, paths, task

from ecs_operator.core.task_definition.pod_spec import TaskDefinitionError, build_pod_spec


def only_container(definition: dict[str, Any]) -> dict[str, Any]:
    return build_pod_spec(task(definition)).pod_spec["containers"][0]


def test_entry_point_is_command_and_command_is_args():
    built = only_container(
        container(entryPoint=["/bin/sh", "-c"], command=["echo hi"], workingDirectory="/srv")
    )
    assert built["command"] == ["/bin/sh", "-c"]
    assert built["args"] == ["echo hi"]
    assert built["workingDir"] == "/srv"


def test_environment_values_become_strings_and_missing_values_empty():
    built = only_container(
        container(environment=[{"name": "A", "value": "1"}, {"name": "B"}, {"name": "C", "value": 5}])
    )
    assert built["env"] == [
        {"name": "A", "value": "1"},
        {"name": "B", "value": ""},
        {"name": "C", "value": "5"},
    ]


def test_secrets_become_secret_key_refs_after_plain_variables():
    built = only_container(
        container(
            environment=[{"name": "PLAIN", "value": "x"}],
            secrets=[
                {
                    "name": "DB_PASSWORD",
                    "valueFrom": "arn:aws:secretsmanager:us-east-1:1:secret:prod/db-AbC123:password::",
                }
            ],
        )
    )
    assert built["env"] == [
        {"name": "PLAIN", "value": "x"},
        {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "prod-db", "key": "password"}}},
    ]


def test_a_name_and_key_value_from_names_the_secret_and_its_key():
    built = only_container(container(secrets=[{"name": "T", "valueFrom": "vault-sync:token"}]))
    assert built["env"] == [
        {"name": "T", "valueFrom": {"secretKeyRef": {"name": "vault-sync", "key": "token"}}}
    ]


def test_secret_without_value_from_is_an_error():
    with pytest.raises(TaskDefinitionError, match=r"containerDefinitions\[0\]\.secrets\[0\]"):
        build_pod_spec(task(container(secrets=[{"name": "X"}])))


def test_port_mappings_become_container_ports_and_service_ports():
    result = build_pod_spec(
        task(
            container(
                portMappings=[
                    {"containerPort": 8080, "name": "Web_HTTP", "appProtocol": "http"},
                    {"containerPort": 53, "protocol": "udp"},
                ]
            )
        )
    )
    assert result.pod_spec["containers"][0]["ports"] == [
        {"name": "web-http", "containerPort": 8080, "protocol": "TCP"},
        {"containerPort": 53, "protocol": "UDP"},
    ]
    assert result.ports == [
        {
            "name": "web-http",
            "port": 8080,
            "targetPort": "web-http",
            "protocol": "TCP",
            "appProtocol": "http",
        },
        {"name": "udp-53", "port": 53, "targetPort": 53, "protocol": "UDP"},
    ]


def test_port_names_are_shortened_to_15_chars_and_kept_unique_across_containers():
    result = build_pod_spec(
        task(
            container("a", portMappings=[{"containerPort": 1, "name": "a-very-long-port-name-indeed"}]),
            container("b", portMappings=[{"containerPort": 2, "name": "a-very-long-port-name-indeed"}]),
            container("c", portMappings=[{"containerPort": 3, "name": "8080"}]),
        )
    )
    names = [c["ports"][0]["name"] for c in result.pod_spec["containers"]]
    assert all(len(name) <= 15 for name in names)
    assert len(set(names)) == 3
    assert names[2] == "p-8080"  # a port name needs a letter
    assert [p["targetPort"] for p in result.ports] == names


@pytest.mark.parametrize(("app_protocol", "expected"), [("http2", "kubernetes.io/h2c"), ("grpc", "grpc")])
def test_app_protocols_map_to_service_app_protocol(app_protocol, expected):
    result = build_pod_spec(
        task(container(portMappings=[{"containerPort": 80, "appProtocol": app_protocol}]))
    )
    assert result.ports[0]["appProtocol"] == expected


def test_unknown_protocol_is_treated_as_tcp_and_listed():
    result = build_pod_spec(task(container(portMappings=[{"containerPort": 80, "protocol": "http"}])))
    assert result.pod_spec["containers"][0]["ports"] == [{"containerPort": 80, "protocol": "TCP"}]
    assert paths(result) == {"containerDefinitions[0].portMappings[0].protocol"}


def test_static_host_port_in_bridge_mode_is_listed_but_awsvpc_equal_port_is_not():
    bridge = build_pod_spec(task(container(portMappings=[{"containerPort": 80, "hostPort": 8080}])))
    assert "hostPort" not in bridge.pod_spec["containers"][0]["ports"][0]
    assert paths(bridge) == {"containerDefinitions[0].portMappings[0].hostPort"}
    ephemeral = build_pod_spec(task(container(portMappings=[{"containerPort": 80, "hostPort": 0}])))
    assert ephemeral.unsupported == []
    awsvpc = build_pod_spec(
        task(container(portMappings=[{"containerPort": 80, "hostPort": 80}]), networkMode="awsvpc")
    )
    assert awsvpc.unsupported == []


def test_same_port_in_two_containers_is_an_error_and_a_repeat_in_one_is_kept_once():
    with pytest.raises(
        TaskDefinitionError, match=r"containerDefinitions\[1\]\.portMappings\[0\]\.containerPort"
    ):
        build_pod_spec(
            task(
                container("a", portMappings=[{"containerPort": 80}]),
                container("b", portMappings=[{"containerPort": 80}]),
            )
        )
    repeat = build_pod_spec(task(container(portMappings=[{"containerPort": 80}, {"containerPort": 80}])))
    assert len(repeat.pod_spec["containers"][0]["ports"]) == 1
    assert paths(repeat) == {"containerDefinitions[0].portMappings[1]"}


def test_port_ranges_are_listed():
    result = build_pod_spec(task(container(portMappings=[{"containerPortRange": "9000-9100"}])))
    assert "ports" not in result.pod_spec["containers"][0]
    assert paths(result) == {"containerDefinitions[0].portMappings[0]"}


@pytest.mark.parametrize(
    ("user", "context"),
    [
        ("1000", {"runAsUser": 1000}),
        ("1000:2000", {"runAsUser": 1000, "runAsGroup": 2000}),
        ("root", {"runAsUser": 0}),
    ],
)
def test_numeric_user_becomes_run_as_user_and_group(user, context):
    assert only_container(container(user=user))["securityContext"] == context


def test_user_name_is_listed():
    result = build_pod_spec(task(container(user="nginx")))
    assert "securityContext" not in result.pod_spec["containers"][0]
    assert paths(result) == {"containerDefinitions[0].user"}


def test_security_flags_and_capabilities():
    built = only_container(
        container(
            privileged=True,
            readonlyRootFilesystem=True,
            dockerSecurityOptions=["no-new-privileges"],
            linuxParameters={"capabilities": {"add": ["SYS_PTRACE", "CAP_NET_ADMIN"], "drop": ["ALL"]}},
        )
    )
    assert built["securityContext"] == {
        "privileged": True,
        "readOnlyRootFilesystem": True,
        "allowPrivilegeEscalation": False,
        "capabilities": {"add": ["SYS_PTRACE", "NET_ADMIN"], "drop": ["ALL"]},
    }


def test_other_docker_security_options_and_linux_parameters_without_equivalent_are_listed():
    result = build_pod_spec(
        task(
            container(
                dockerSecurityOptions=["label:type:svirt_apache_t"],
                linuxParameters={"devices": [{"hostPath": "/dev/fuse"}], "maxSwap": 0, "swappiness": 10},
            )
        )
    )
    assert paths(result) == {
        "containerDefinitions[0].dockerSecurityOptions[0]",
        "containerDefinitions[0].linuxParameters.devices",
        "containerDefinitions[0].linuxParameters.maxSwap",
        "containerDefinitions[0].linuxParameters.swappiness",
    }


def test_interactive_and_pseudo_terminal_become_stdin_and_tty():
    built = only_container(container(interactive=True, pseudoTerminal=True))
    assert built["stdin"] is True and built["tty"] is True


def test_gpu_requirement_becomes_nvidia_limit_and_other_accelerators_are_listed():
    result = build_pod_spec(
        task(
            container(
                resourceRequirements=[
                    {"type": "GPU", "value": "2"},
                    {"type": "InferenceAccelerator", "value": "dev1"},
                ]
            )
        )
    )
    assert result.pod_spec["containers"][0]["resources"] == {"limits": {"nvidia.com/gpu": "2"}}
    assert paths(result) == {"containerDefinitions[0].resourceRequirements[1]"}


def test_health_check_becomes_readiness_and_liveness_probes_with_ecs_defaults():
    built = only_container(container(healthCheck={"command": ["CMD-SHELL", "curl -f localhost || exit 1"]}))
    expected = {
        "exec": {"command": ["sh", "-c", "curl -f localhost || exit 1"]},
        "periodSeconds": 30,
        "timeoutSeconds": 5,
        "failureThreshold": 3,
    }
    assert built["readinessProbe"] == expected
    assert built["livenessProbe"] == expected
    assert "startupProbe" not in built


def test_health_check_cmd_form_and_explicit_timings():
    built = only_container(
        container(
            healthCheck={
                "command": ["CMD", "/bin/check", "--fast"],
                "interval": 10,
                "timeout": 2,
                "retries": 5,
            }
        )
    )
    assert built["livenessProbe"] == {
        "exec": {"command": ["/bin/check", "--fast"]},
        "periodSeconds": 10,
        "timeoutSeconds": 2,
        "failureThreshold": 5,
    }


def test_start_period_becomes_a_startup_probe_covering_it_plus_the_retries():
    built = only_container(
        container(healthCheck={"command": ["CMD", "true"], "interval": 10, "startPeriod": 60})
    )
    assert built["startupProbe"]["failureThreshold"] == 3 + 6
    assert built["startupProbe"]["periodSeconds"] == 10


def test_windows_cmd_shell_uses_cmd_exe():
    result = build_pod_spec(
        task(
            container(healthCheck={"command": ["CMD-SHELL", "exit 0"]}),
            runtimePlatform={"operatingSystemFamily": "WINDOWS_SERVER_2019_CORE"},
        )
    )
    assert result.pod_spec["containers"][0]["readinessProbe"]["exec"]["command"] == [
        "cmd",
        "/S",
        "/C",
        "exit 0",
    ]


def test_health_check_without_cmd_prefix_is_an_error():
    with pytest.raises(TaskDefinitionError, match=r"containerDefinitions\[0\]\.healthCheck\.command"):
        build_pod_spec(task(container(healthCheck={"command": ["curl", "localhost"]})))


def test_non_essential_container_health_check_has_no_probe_and_is_listed():
    result = build_pod_spec(
        task(container("a"), container("b", essential=False, healthCheck={"command": ["CMD", "true"]}))
    )
    assert not {"readinessProbe", "livenessProbe"} & result.pod_spec["containers"][1].keys()
    assert paths(result) == {"containerDefinitions[1].healthCheck"}
