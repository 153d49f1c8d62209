from datetime import UTC, datetime

from ecs_operator.core.placement.capacity_split import StrategyError
from ecs_operator.core.service.events import ServiceEvent
from ecs_operator.core.service.problems import ServiceProblem, problem_status, reason_of

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
BODY = {"metadata": {"name": "web", "generation": 3}, "status": {"runningCount": 2}}


def test_a_strategy_rule_becomes_a_camel_case_reason():
    assert reason_of(StrategyError("more-than-one-base", "x"))[0] == "MoreThanOneBase"


def test_the_status_keeps_what_runs_and_warns_once():
    status, posted = problem_status(BODY, ServiceProblem("TaskDefinitionNotFound", "gone"), NOW)
    assert status["runningCount"] == 2 and status["observedGeneration"] == 3
    ready = next(c for c in status["conditions"] if c["type"] == "Ready")
    assert (ready["status"], ready["reason"]) == ("False", "TaskDefinitionNotFound")
    assert posted == [ServiceEvent("Warning", "TaskDefinitionNotFound", "gone")]
    again = problem_status({**BODY, "status": status}, ServiceProblem("TaskDefinitionNotFound", "gone"), NOW)
    assert again[1] == []
