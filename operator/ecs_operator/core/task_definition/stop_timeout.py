"""`stopTimeout` -> terminationGracePeriodSeconds.

A pod has one grace period, so it is the largest container stop timeout (ECS's 30 s for each one
left unset). Spot capacity caps it at 120 s, Fargate Spot's two-minute interruption notice; that cap
is applied per capacity provider where the Service's children are built (core/service/children.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ecs_operator.core.task_definition.unsupported import is_set, whole_number

DEFAULT_STOP_TIMEOUT = 30


def grace_seconds(definitions: Sequence[Mapping[str, Any]]) -> int:
    return max(
        whole_number(d["stopTimeout"], f"containerDefinitions[{i}].stopTimeout")
        if is_set(d.get("stopTimeout"))
        else DEFAULT_STOP_TIMEOUT
        for i, d in enumerate(definitions)
    )
