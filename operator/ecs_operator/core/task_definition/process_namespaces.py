"""`pidMode`, `ipcMode` and `linuxParameters.initProcessEnabled`: the pod's process and IPC namespaces.

- `pidMode` host -> hostPID, task -> shareProcessNamespace.
- `ipcMode` host -> hostIPC, task -> nothing to do (a pod's containers share IPC), none -> listed.
- `initProcessEnabled` -> shareProcessNamespace: the pod's pause process becomes PID 1 and reaps
  zombies, as ECS's init does; containers then also see each other's processes. With pidMode host
  Kubernetes forbids it, so it is listed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ecs_operator.core.task_definition.unsupported import UnsupportedField, is_set


def process_namespaces(
    task_definition: Mapping[str, Any],
    definitions: Sequence[Mapping[str, Any]],
    pod_spec: dict[str, Any],
    unsupported: list[UnsupportedField],
) -> None:
    pid_mode, ipc_mode = task_definition.get("pidMode"), task_definition.get("ipcMode")
    with_init = [
        i for i, d in enumerate(definitions) if (d.get("linuxParameters") or {}).get("initProcessEnabled")
    ]
    if pid_mode == "host":
        pod_spec["hostPID"] = True
        for index in with_init:
            unsupported.append(
                UnsupportedField(
                    f"containerDefinitions[{index}].linuxParameters.initProcessEnabled",
                    "with the host's process namespace no pod init process is possible",
                )
            )
    elif pid_mode == "task" or with_init:
        pod_spec["shareProcessNamespace"] = True
    elif is_set(pid_mode):
        unsupported.append(UnsupportedField("pidMode", f"unknown pid mode {pid_mode!r}"))
    if ipc_mode == "host":
        pod_spec["hostIPC"] = True
    elif ipc_mode == "none":
        unsupported.append(
            UnsupportedField("ipcMode", "the containers of a pod always share an IPC namespace")
        )
    elif is_set(ipc_mode) and ipc_mode != "task":
        unsupported.append(UnsupportedField("ipcMode", f"unknown ipc mode {ipc_mode!r}"))
