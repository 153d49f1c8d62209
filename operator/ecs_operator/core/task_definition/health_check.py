"""ECS `healthCheck` as Kubernetes exec probes.

`["CMD-SHELL", "x"]` -> `sh -c x` (`cmd /S /C x` on Windows), `["CMD", args...]` -> args.
interval -> periodSeconds (30), timeout -> timeoutSeconds (5), retries -> failureThreshold (3).
ECS replaces a task whose essential container turns UNHEALTHY and a task is healthy only when its
essential containers are, so the check is both the readiness and the liveness probe of an essential
container. `startPeriod` (failures inside it do not count; a success ends it) becomes a startup
probe with room for startPeriod plus the retries; readiness and liveness begin after it passes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ecs_operator.core.task_definition.unsupported import TaskDefinitionError, is_set, whole_number

DEFAULT_INTERVAL = 30
DEFAULT_TIMEOUT = 5
DEFAULT_RETRIES = 3


def _seconds(check: Mapping[str, Any], key: str, default: int, path: str = "healthCheck") -> int:
    value = check.get(key)
    return whole_number(value, f"{path}.{key}") if is_set(value) else default


def exec_command(command: Any, path: str, windows: bool = False) -> list[str]:
    if not isinstance(command, list) or not command or command[0] not in ("CMD", "CMD-SHELL"):
        raise TaskDefinitionError(path, "a health check command starts with CMD or CMD-SHELL")
    rest = [str(part) for part in command[1:]]
    if not rest:
        raise TaskDefinitionError(path, "the health check command is empty")
    if command[0] == "CMD":
        return rest
    shell = ["cmd", "/S", "/C"] if windows else ["sh", "-c"]
    return [*shell, " ".join(rest)]


def probe(check: Mapping[str, Any], path: str, windows: bool = False) -> dict[str, Any]:
    """The readiness/liveness probe for a health check."""
    return {
        "exec": {"command": exec_command(check.get("command"), f"{path}.command", windows)},
        # Kubernetes wants each at least 1; ECS's own minimums are higher.
        "periodSeconds": max(1, _seconds(check, "interval", DEFAULT_INTERVAL, path)),
        "timeoutSeconds": max(1, _seconds(check, "timeout", DEFAULT_TIMEOUT, path)),
        "failureThreshold": max(1, _seconds(check, "retries", DEFAULT_RETRIES, path)),
    }


def startup_probe(check: Mapping[str, Any], path: str, windows: bool = False) -> dict[str, Any]:
    """The startup probe: succeeds once, fails after startPeriod plus `retries` failed checks."""
    base = probe(check, path, windows)
    start_period = _seconds(check, "startPeriod", 0, path)
    grace = math.ceil(start_period / base["periodSeconds"])
    return {**base, "failureThreshold": base["failureThreshold"] + grace}


def has_start_period(check: Mapping[str, Any], path: str) -> bool:
    return _seconds(check, "startPeriod", 0, path) > 0
