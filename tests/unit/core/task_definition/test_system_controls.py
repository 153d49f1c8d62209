"""systemControls -> pod sysctls (core/task_definition/system_controls.py)."""

from task_definition_inputs import container, paths, task

from ecs_operator.core.task_definition.pod_spec import build_pod_spec


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
