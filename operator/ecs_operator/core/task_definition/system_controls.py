"""`systemControls` -> pod sysctls.

Sysctls are pod-wide in Kubernetes: the first value of a name wins and a different one is listed.
Only the sysctls Kubernetes treats as safe are set (others need the kubelet's
`--allowed-unsafe-sysctls` and would keep the pod from starting): the rest are listed, as are
network sysctls under host networking.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ecs_operator.core.task_definition.unsupported import UnsupportedField

# Sysctls Kubernetes allows without kubelet flags (the "safe" set, Kubernetes 1.32).
SAFE_SYSCTLS = frozenset(
    {
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
        "net.ipv4.tcp_rmem",
        "net.ipv4.tcp_wmem",
    }
)


def sysctls(
    definitions: Sequence[Mapping[str, Any]],
    pod_spec: dict[str, Any],
    network_mode: str,
    unsupported: list[UnsupportedField],
) -> None:
    chosen: dict[str, str] = {}
    for index, definition in enumerate(definitions):
        for control_index, control in enumerate(definition.get("systemControls") or []):
            path = f"containerDefinitions[{index}].systemControls[{control_index}]"
            name, value = str(control.get("namespace")), str(control.get("value"))
            if name not in SAFE_SYSCTLS:
                unsupported.append(
                    UnsupportedField(
                        path,
                        f"{name} is not a safe sysctl in Kubernetes; it needs "
                        "the kubelet's --allowed-unsafe-sysctls",
                    )
                )
            elif network_mode == "host" and name.startswith("net."):
                unsupported.append(
                    UnsupportedField(path, "network sysctls cannot be set with host networking")
                )
            elif chosen.setdefault(name, value) != value:
                unsupported.append(
                    UnsupportedField(path, f"sysctls are pod-wide; {name} is already {chosen[name]}")
                )
    if chosen:
        pod_spec["securityContext"] = {"sysctls": [{"name": n, "value": v} for n, v in chosen.items()]}
