"""A Service that cannot be reconciled as asked: its children stay as they are (running tasks are
never stopped for a spec the operator cannot act on), and Ready says why."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ecs_operator.api.validation import InvalidSpec
from ecs_operator.core.k8s.conditions import condition, merge_conditions
from ecs_operator.core.k8s.timestamps import format_time
from ecs_operator.core.placement.capacity_split import StrategyError
from ecs_operator.core.placement.cluster_query_language import PlacementError
from ecs_operator.core.service.events import WARNING, ServiceEvent
from ecs_operator.core.task_definition.pod_spec import TaskDefinitionError


class ServiceProblem(Exception):
    """A reason the Service cannot be reconciled as asked; children stay as they are."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


# Every error a reconcile reports instead of acting on.
PROBLEMS = (ServiceProblem, InvalidSpec, StrategyError, TaskDefinitionError, PlacementError)


def _camel(rule: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[-_ ]", rule))


def reason_of(exc: Exception) -> tuple[str, str]:
    """(condition reason, message) of one of `PROBLEMS`."""
    if isinstance(exc, ServiceProblem):
        return exc.reason, exc.message
    if isinstance(exc, StrategyError):
        return _camel(exc.rule), str(exc)
    if isinstance(exc, InvalidSpec):
        return "InvalidSpec", str(exc)
    return type(exc).__name__.removesuffix("Error") or "Invalid", str(exc)


def problem_status(
    body: Mapping[str, Any], exc: Exception, now: datetime
) -> tuple[dict[str, Any], list[ServiceEvent]]:
    """The status kept from last time with Ready and Progressing False for `exc`, and its Warning
    event unless Ready already said the same."""
    previous = body.get("status") or {}
    generation = body["metadata"].get("generation")
    reason, message = reason_of(exc)
    status = {k: v for k, v in previous.items() if k not in ("conditions", "observedGeneration")}
    status["observedGeneration"] = generation
    status["conditions"] = merge_conditions(
        previous.get("conditions"),
        [
            condition("Ready", False, reason, f"{message}; running tasks are left as they are", generation),
            condition("Progressing", False, reason, message, generation),
        ],
        format_time(now),
    )
    was = next((c for c in previous.get("conditions") or [] if c.get("type") == "Ready"), None)
    repeated = was and was.get("reason") == reason and was.get("message", "").startswith(message)
    return status, [] if repeated else [ServiceEvent(WARNING, reason, message)]
