"""`runtimePlatform` -> nodeSelector kubernetes.io/arch and kubernetes.io/os.

Whether the task runs Windows containers also matters to the task size (ECS ignores task-level
cpu/memory there) and to health check probes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ecs_operator.core.task_definition.unsupported import UnsupportedField, is_set, unmapped_fields

ARCHITECTURES = {"X86_64": "amd64", "ARM64": "arm64"}


def node_selector(
    task_definition: Mapping[str, Any], pod_spec: dict[str, Any], unsupported: list[UnsupportedField]
) -> bool:
    """nodeSelector from runtimePlatform; True when the task runs Windows containers."""
    platform = task_definition.get("runtimePlatform") or {}
    selector = {}
    architecture = platform.get("cpuArchitecture")
    if is_set(architecture):
        if architecture in ARCHITECTURES:
            selector["kubernetes.io/arch"] = ARCHITECTURES[architecture]
        else:
            unsupported.append(
                UnsupportedField("runtimePlatform.cpuArchitecture", f"unknown architecture {architecture!r}")
            )
    family = str(platform.get("operatingSystemFamily") or "")
    if family == "LINUX":
        selector["kubernetes.io/os"] = "linux"
    elif family.startswith("WINDOWS"):
        selector["kubernetes.io/os"] = "windows"
    elif family:
        unsupported.append(
            UnsupportedField("runtimePlatform.operatingSystemFamily", f"unknown family {family!r}")
        )
    unsupported.extend(
        unmapped_fields(
            platform, {"cpuArchitecture", "operatingSystemFamily"}, {}, "runtimePlatform", "RuntimePlatform"
        )
    )
    if selector:
        pod_spec["nodeSelector"] = selector
    return selector.get("kubernetes.io/os") == "windows"
