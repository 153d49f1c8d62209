from datetime import UTC, datetime
from typing import Any

import pytest

from ecs_operator.core.placement.strategy import effective_strategy
from ecs_operator.core.run_task import cron_job
from ecs_operator.core.run_task.schedule_expression import ScheduleExpressionError
from ecs_operator.core.run_task.task_pod import STARTED_BY, TaskSpecError

NOW = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


def schedule(**spec: Any) -> dict[str, Any]:
    ecs = spec.pop("ecs", {})
    body = {
        "scheduleExpression": "cron(0 18 ? * MON-FRI *)",
        "scheduleExpressionTimezone": "Europe/Paris",
        "flexibleTimeWindow": {"mode": "OFF"},
        "target": {"ecsParameters": {"taskDefinitionArn": "web", **ecs}},
        **spec,
    }
    return {
        "apiVersion": "ecs-operator.dev/v1",
        "kind": "ScheduledTask",
        "metadata": {
            "name": "nightly",
            "namespace": "shop",
            "uid": "u-1",
            "creationTimestamp": "2026-03-01T08:05:00Z",
        },
        "spec": body,
    }


@pytest.fixture
def plan(providers, web_td):
    def make(scheduled, *, now=NOW, last=None):
        strategy = effective_strategy(
            scheduled["spec"]["target"]["ecsParameters"],
            {"defaultCapacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1}]},
            providers,
        )
        return cron_job.cron_jobs(
            scheduled,
            "web:3",
            web_td,
            strategy,
            providers,
            now=now,
            last_schedule_time=last,
            retention_seconds=3600,
        )

    return make


def test_a_schedule_becomes_a_cron_job_with_the_translated_schedule_and_time_zone(plan):
    result = plan(schedule())
    (job,) = result.cron_jobs
    assert job["metadata"]["name"] == "nightly-fargate"
    assert job["spec"]["schedule"] == "0 18 * * 1-5"
    assert job["spec"]["timeZone"] == "Europe/Paris"
    assert job["spec"]["suspend"] is False
    assert job["spec"]["concurrencyPolicy"] == "Allow"
    assert job["spec"]["startingDeadlineSeconds"] == 60
    run = job["spec"]["jobTemplate"]["spec"]
    assert (run["parallelism"], run["completions"], run["backoffLimit"], run["backoffLimitPerIndex"]) == (
        1,
        1,
        0,
        0,
    )
    assert run["ttlSecondsAfterFinished"] == 3600
    template = run["template"]
    assert template["spec"]["restartPolicy"] == "Never"
    assert template["metadata"]["annotations"][STARTED_BY] == "scheduled-task/nightly"
    assert template["metadata"]["labels"][cron_job.SCHEDULED_TASK] == "nightly"


def test_task_count_splits_over_the_strategy_one_cron_job_per_provider(plan):
    strategy = [
        {"capacityProvider": "FARGATE", "base": 2, "weight": 1},
        {"capacityProvider": "FARGATE_SPOT", "weight": 3},
    ]
    result = plan(schedule(ecs={"taskCount": 10, "capacityProviderStrategy": strategy}))
    shares = {j["metadata"]["name"]: j["spec"]["jobTemplate"]["spec"] for j in result.cron_jobs}
    assert {name: s["completions"] for name, s in shares.items()} == {
        "nightly-fargate": 4,
        "nightly-fargate-spot": 6,
    }
    assert {name: s["parallelism"] for name, s in shares.items()} == {
        "nightly-fargate": 4,
        "nightly-fargate-spot": 6,
    }
    # A failed task fails the Job only once every task failed: no task stops another.
    assert shares["nightly-fargate-spot"]["backoffLimit"] == 5
    assert shares["nightly-fargate-spot"]["completionMode"] == "Indexed"


def test_a_provider_without_a_share_gets_no_cron_job(plan):
    strategy = [
        {"capacityProvider": "FARGATE", "base": 2, "weight": 1},
        {"capacityProvider": "FARGATE_SPOT", "weight": 3},
    ]
    result = plan(schedule(ecs={"taskCount": 2, "capacityProviderStrategy": strategy}))
    assert [j["metadata"]["name"] for j in result.cron_jobs] == ["nightly-fargate"]


def test_disabled_suspends(plan):
    assert plan(schedule(state="DISABLED")).cron_jobs[0]["spec"]["suspend"] is True


def test_start_and_end_dates_suspend_outside_the_window_and_say_when_to_look_again(plan):
    before = plan(schedule(startDate="2026-03-05T00:00:00Z", endDate="2026-04-01T00:00:00Z"))
    assert (before.suspended, before.next_change) == (True, datetime(2026, 3, 5, tzinfo=UTC))
    inside = plan(schedule(startDate="2026-03-01T00:00:00Z", endDate="2026-04-01T00:00:00Z"))
    assert (inside.suspended, inside.next_change) == (False, datetime(2026, 4, 1, tzinfo=UTC))
    after = plan(schedule(endDate="2026-03-01T00:00:00Z"))
    assert (after.suspended, after.next_change) == (True, None)


def test_a_rate_takes_its_phase_from_the_start_date_else_the_creation(plan):
    assert plan(schedule(scheduleExpression="rate(15 minutes)")).schedule.schedule == "5-59/15 * * * *"
    started = plan(schedule(scheduleExpression="rate(1 day)", startDate="2026-03-02T06:30:00Z"))
    assert (started.schedule.schedule, started.schedule.time_zone) == ("30 6 * * *", "Etc/UTC")


def test_a_one_time_schedule_runs_once_then_stays_suspended(plan):
    once = schedule(
        scheduleExpression="at(2026-03-04T12:00:00)",
        scheduleExpressionTimezone="UTC",
        endDate="2026-01-01T00:00:00Z",
    )
    waiting = plan(once)
    assert (waiting.cron_jobs[0]["spec"]["schedule"], waiting.suspended) == (
        "0 12 4 3 *",
        False,
    )  # endDate ignored
    later = datetime(2026, 3, 4, 12, 5, tzinfo=UTC)
    fired = plan(once, now=later, last=datetime(2026, 3, 4, 12, 0, tzinfo=UTC))
    assert fired.suspended is True
    with pytest.raises(ScheduleExpressionError, match="in the past"):
        plan(once, now=later)  # missed and never fired: refused, not run a year later


def test_a_flexible_window_is_the_starting_deadline(plan):
    result = plan(schedule(flexibleTimeWindow={"mode": "FLEXIBLE", "maximumWindowInMinutes": 15}))
    assert result.cron_jobs[0]["spec"]["startingDeadlineSeconds"] == 900


def test_the_opt_in_concurrency_policy(plan):
    assert plan(schedule(concurrencyPolicy="Forbid")).cron_jobs[0]["spec"]["concurrencyPolicy"] == "Forbid"


def test_the_target_input_is_the_tasks_overrides(plan):
    scheduled = schedule()
    scheduled["spec"]["target"]["input"] = (
        '{"containerOverrides": [{"name": "App_Main", "command": ["report"]}]}'
    )
    pod_spec = plan(scheduled).cron_jobs[0]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert next(c for c in pod_spec["containers"] if c["name"] == "app-main")["args"] == ["report"]
    scheduled["spec"]["target"]["input"] = "{not json"
    with pytest.raises(TaskSpecError, match=r"spec\.target\.input: not JSON"):
        plan(scheduled)


def test_cron_job_names_fit_kubernetes_52_characters():
    name = cron_job.cron_job_name("a-very-long-schedule-name-for-the-monthly-report", "fargate-spot")
    assert len(name) <= 52
    assert name != cron_job.cron_job_name("a-very-long-schedule-name-for-the-monthly-reporx", "fargate-spot")
