import pytest
from pydantic import ValidationError

from ecs_operator.api.task import TaskSpec, TaskStatus


def test_a_run_task_input_for_one_task_validates_with_ecs_defaults():
    spec = TaskSpec.model_validate(
        {
            "taskDefinition": "web:3",
            "capacityProviderStrategy": [{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
            "overrides": {
                "containerOverrides": [
                    {"name": "app", "command": ["migrate"], "environment": [{"name": "A", "value": "1"}]}
                ],
                "cpu": "1024",
                "ephemeralStorage": {"sizeInGiB": 30},
            },
            "group": "migrations",
            "startedBy": "ci/deploy-42",
            "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"]}},
            "enableExecuteCommand": True,
            "referenceId": "ticket-7",
        }
    )
    assert spec.desiredStatus == "RUNNING"
    assert spec.to_ecs()["overrides"]["containerOverrides"][0]["command"] == ["migrate"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"taskDefinition": "web:0"}, "pattern"),
        (
            {
                "taskDefinition": "web",
                "launchType": "FARGATE",
                "capacityProviderStrategy": [{"capacityProvider": "FARGATE"}],
            },
            "mutually exclusive",
        ),
        (
            {
                "taskDefinition": "web",
                "capacityProviderStrategy": [
                    {"capacityProvider": "A", "base": 1},
                    {"capacityProvider": "B", "base": 1, "weight": 1},
                ],
            },
            "only one capacity provider",
        ),
        ({"taskDefinition": "web", "startedBy": "has spaces"}, "pattern"),
        ({"taskDefinition": "web", "startedBy": "x" * 129}, "pattern"),
        ({"taskDefinition": "web", "stopReason": "x" * 256}, "at most 255"),
        (
            {"taskDefinition": "web", "overrides": {"containerOverrides": [{"command": ["x"]}]}},
            "needs the name",
        ),
        (
            {"taskDefinition": "web", "overrides": {"ephemeralStorage": {"sizeInGiB": 20}}},
            "greater than or equal to 21",
        ),
        (
            {
                "taskDefinition": "web",
                "overrides": {
                    "containerOverrides": [{"name": "a", "environment": [{"name": "E", "value": "v" * 4000}]}]
                    * 3
                },
            },
            "8192 characters",
        ),
        ({"taskDefinition": "web", "count": 2}, "Extra inputs"),
        ({"taskDefinition": "web", "desiredStatus": "PENDING"}, "RUNNING"),
    ],
)
def test_what_ecs_refuses_is_refused(body, words):
    with pytest.raises(ValidationError, match=words):
        TaskSpec.model_validate(body)


def test_status_takes_ecs_codes_and_keeps_unknown_keys():
    status = TaskStatus.model_validate(
        {"lastStatus": "DEPROVISIONING", "stopCode": "SpotInterruption", "extra": 1}
    )
    assert status.lastStatus == "DEPROVISIONING"
    with pytest.raises(ValidationError):
        TaskStatus.model_validate({"stopCode": "Crashed"})
