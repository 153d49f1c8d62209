import pytest
from pydantic import ValidationError

from ecs_operator.api.container_definition import HealthCheck


@pytest.mark.parametrize(
    "field,low,high", [("interval", 5, 300), ("timeout", 2, 60), ("retries", 1, 10), ("startPeriod", 0, 300)]
)
def test_health_check_ranges_are_ecs_ranges(field, low, high):
    command = ["CMD-SHELL", "true"]
    HealthCheck.model_validate({"command": command, field: low})
    HealthCheck.model_validate({"command": command, field: high})
    for outside in (low - 1, high + 1):
        with pytest.raises(ValidationError):
            HealthCheck.model_validate({"command": command, field: outside})
