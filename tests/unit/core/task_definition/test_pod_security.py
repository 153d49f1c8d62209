"""Pod Security Standards levels (https://kubernetes.io/docs/concepts/security/pod-security-standards/)."""

from __future__ import annotations

from typing import Any

import pytest

from ecs_operator.core.task_definition.pod_security import allowed_under, needed_level, violations
from ecs_operator.core.task_definition.pod_spec import build_pod_spec

RESTRICTED_CONTAINER = {
    "name": "app",
    "image": "nginx",
    "securityContext": {
        "allowPrivilegeEscalation": False,
        "runAsNonRoot": True,
        "seccompProfile": {"type": "RuntimeDefault"},
        "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]},
    },
}


def level(pod: dict[str, Any]) -> str:
    return needed_level(violations(pod))


def test_a_hardened_pod_needs_only_restricted() -> None:
    assert (
        level({"containers": [RESTRICTED_CONTAINER], "volumes": [{"name": "x", "emptyDir": {}}]})
        == "restricted"
    )


def test_a_plain_pod_needs_baseline_and_says_why() -> None:
    found = violations({"containers": [{"name": "app", "image": "nginx"}]})
    assert needed_level(found) == "baseline"
    rules = {v.rule for v in found}
    assert "allowPrivilegeEscalation must be false" in rules
    assert "capabilities must drop ALL" in rules


@pytest.mark.parametrize(
    "pod",
    [
        {"hostNetwork": True},
        {"hostPID": True},
        {"hostIPC": True},
        {"volumes": [{"name": "root", "hostPath": {"path": "/"}}]},
        {"securityContext": {"sysctls": [{"name": "kernel.msgmax", "value": "1"}]}},
        {"containers": [{"name": "a", "securityContext": {"privileged": True}}]},
        {"containers": [{"name": "a", "securityContext": {"capabilities": {"add": ["SYS_ADMIN"]}}}]},
        {"containers": [{"name": "a", "ports": [{"containerPort": 80, "hostPort": 80}]}]},
        {"containers": [{"name": "a", "securityContext": {"procMount": "Unmasked"}}]},
        {"containers": [{"name": "a", "securityContext": {"seccompProfile": {"type": "Unconfined"}}}]},
        {"containers": [{"name": "a", "securityContext": {"seLinuxOptions": {"type": "spc_t"}}}]},
    ],
)
def test_each_baseline_check_makes_the_pod_privileged(pod: dict[str, Any]) -> None:
    assert level({"containers": [RESTRICTED_CONTAINER], **pod}) == "privileged"


def test_baseline_allows_its_capabilities_and_safe_sysctls() -> None:
    pod = {
        "securityContext": {"sysctls": [{"name": "net.ipv4.tcp_keepalive_time", "value": "60"}]},
        "containers": [{"name": "a", "securityContext": {"capabilities": {"add": ["CHOWN"]}}}],
    }
    assert level(pod) == "baseline"


def test_a_namespace_refuses_only_what_is_above_its_level() -> None:
    found = violations({"hostNetwork": True, "containers": [{"name": "a"}]})
    assert {v.level for v in allowed_under("baseline", found)} == {"privileged"}
    assert allowed_under("privileged", found) == []
    assert len(allowed_under("restricted", found)) == len(found)
    assert len(allowed_under("nonsense", found)) == len(found)  # an unknown level counts as restricted


def test_violations_name_the_task_definition_fields_that_made_them() -> None:
    task = {
        "networkMode": "host",
        "pidMode": "host",
        "containerDefinitions": [
            {"name": "side", "image": "busybox"},
            {
                "name": "Agent_1",
                "image": "busybox",
                "privileged": True,
                "user": "0",
                "linuxParameters": {"capabilities": {"add": ["SYS_ADMIN"]}},
            },
        ],
    }
    found = allowed_under("baseline", violations(build_pod_spec(task).pod_spec, task))
    described = "; ".join(v.describe() for v in found)
    assert "networkMode (hostNetwork)" in described
    assert "pidMode (hostPID)" in described
    assert "containerDefinitions[1].privileged (containers[1].securityContext.privileged)" in described
    assert "containerDefinitions[1].linuxParameters.capabilities (containers[1].securityContext" in described
