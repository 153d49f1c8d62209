import json

import pytest
from pydantic import ValidationError

from ecs_operator.api.scheduled_task import ScheduledTaskSpec

BASE = {
    "scheduleExpression": "cron(0 18 ? * MON-FRI *)",
    "flexibleTimeWindow": {"mode": "OFF"},
    "target": {
        "arn": "arn:aws:ecs:eu-west-1:123456789012:cluster/shop",
        "roleArn": "arn:aws:iam::123456789012:role/scheduler",
        "ecsParameters": {"taskDefinitionArn": "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3"},
    },
}


def with_(**changes):
    body = json.loads(json.dumps(BASE))
    for path, value in changes.items():
        *parents, last = path.split("__")
        node = body
        for part in parents:
            node = node[part]
        node[last] = value
    return body


def test_a_create_schedule_input_validates_with_scheduler_defaults():
    spec = ScheduledTaskSpec.model_validate(
        with_(
            target__input=json.dumps({"containerOverrides": [{"name": "app", "command": ["report"]}]}),
            target__retryPolicy={"maximumRetryAttempts": 0},
            scheduleExpressionTimezone="Europe/Paris",
        )
    )
    assert (spec.state, spec.concurrencyPolicy, spec.target.ecsParameters.taskCount) == (
        "ENABLED",
        "Allow",
        1,
    )


@pytest.mark.parametrize(
    "reference", ["web", "web:3", "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3"]
)
def test_task_definitions_by_arn_or_family(reference):
    ScheduledTaskSpec.model_validate(with_(target__ecsParameters={"taskDefinitionArn": reference}))


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (
            with_(target__ecsParameters={"taskDefinitionArn": "web", "taskCount": 11}),
            "less than or equal to 10",
        ),
        (
            with_(
                target__ecsParameters={
                    "taskDefinitionArn": "web",
                    "launchType": "FARGATE",
                    "capacityProviderStrategy": [{"capacityProvider": "FARGATE"}],
                }
            ),
            "mutually exclusive",
        ),
        (
            with_(
                target__ecsParameters={
                    "taskDefinitionArn": "web",
                    "capacityProviderStrategy": [
                        {"capacityProvider": f"P{i}", "weight": 1} for i in range(7)
                    ],
                }
            ),
            "at most 6",
        ),
        (with_(flexibleTimeWindow={"mode": "FLEXIBLE"}), "maximumWindowInMinutes is required"),
        (
            with_(flexibleTimeWindow={"mode": "OFF", "maximumWindowInMinutes": 5}),
            "maximumWindowInMinutes is required",
        ),
        (with_(target__input="{not json"), "not a task override"),
        (with_(target__input='{"containerOverrides": [{"command": ["x"]}]}'), "needs the name"),
        (with_(target__input='{"surprise": 1}'), "not a task override"),
        (with_(state="PAUSED"), "ENABLED"),
        (with_(concurrencyPolicy="Queue"), "Allow"),
        ({k: v for k, v in BASE.items() if k != "flexibleTimeWindow"}, "flexibleTimeWindow"),
    ],
)
def test_what_the_scheduler_refuses_is_refused(body, words):
    with pytest.raises(ValidationError, match=words):
        ScheduledTaskSpec.model_validate(body)
