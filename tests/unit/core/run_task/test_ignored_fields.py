from ecs_operator.core.run_task.ignored_fields import ignored_schedule_fields, ignored_task_fields


def test_task_fields_without_meaning_are_listed_and_meaningful_ones_are_not():
    spec = {
        "taskDefinition": "web",
        "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["s"]}},
        "tags": [],
        "overrides": {"inferenceAcceleratorOverrides": [{"deviceName": "x"}], "cpu": "256"},
        "group": "g",
    }
    assert [f["path"] for f in ignored_task_fields(spec)] == [
        "spec.networkConfiguration",
        "spec.overrides.inferenceAcceleratorOverrides",
    ]


def test_schedule_fields_without_meaning_are_listed():
    spec = {
        "groupName": "default",
        "target": {
            "roleArn": "arn:r",
            "retryPolicy": {"maximumRetryAttempts": 3},
            "ecsParameters": {"platformVersion": "LATEST", "taskCount": 2},
        },
    }
    assert [f["path"] for f in ignored_schedule_fields(spec)] == [
        "spec.groupName",
        "spec.target.roleArn",
        "spec.target.retryPolicy",
        "spec.target.ecsParameters.platformVersion",
    ]
