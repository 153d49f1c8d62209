"""ContainerDefinition and the objects in it (api/container_definition.py).

https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from ecs_operator.api.container_definition import ContainerDefinition, HealthCheck


def rejected(definition: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as error:
        ContainerDefinition.model_validate(definition)
    return str(error.value)


def test_memory_must_exceed_memory_reservation() -> None:
    assert "must be greater than memoryReservation" in rejected(
        {"name": "app", "memory": 256, "memoryReservation": 256}
    )


@pytest.mark.parametrize(
    "field,value",
    [
        ("interval", 4),
        ("interval", 301),
        ("timeout", 1),
        ("retries", 0),
        ("retries", 11),
        ("startPeriod", 301),
    ],
)
def test_health_check_ranges(field: str, value: int) -> None:
    check = {"command": ["CMD-SHELL", "true"], field: value}
    assert f"healthCheck.{field}" in rejected({"name": "app", "healthCheck": check})


def test_health_check_command_starts_with_cmd_or_cmd_shell() -> None:
    check = {"command": ["curl", "localhost"]}
    assert "must start with CMD or CMD-SHELL" in rejected({"name": "app", "healthCheck": check})


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


def test_container_definition_has_all_42_ecs_members() -> None:
    assert len(ContainerDefinition.model_fields) == 42


@pytest.mark.parametrize("field", ["environment", "secrets"])
def test_env_var_names_are_printable_ascii_without_equals_and_named_by_path(field: str) -> None:
    from ecs_operator.api import TaskDefinitionSpec

    def spec(name: str) -> dict:
        entry = {"name": name, "value": "1"} if field == "environment" else {"name": name, "valueFrom": "arn"}
        return {
            "family": "web",
            "containerDefinitions": [{"name": "app", field: [{**entry, "name": "OK"}, entry]}],
        }

    for good in ("A", "my.var-1", "A B", "1ST"):  # relaxed since Kubernetes 1.30: no C_IDENTIFIER
        TaskDefinitionSpec.model_validate(spec(good))
    for bad in ("A=B", "tab\there", "é"):
        with pytest.raises(ValidationError) as error:
            TaskDefinitionSpec.model_validate(spec(bad))
        assert "printable ASCII without '='" in str(error.value)
        assert error.value.errors()[0]["loc"][:5] == ("containerDefinitions", 0, field, 1, "name")
