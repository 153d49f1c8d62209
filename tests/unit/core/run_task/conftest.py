"""A Task object and its task definition revision, shared by the run_task tests."""

from __future__ import annotations

import copy
from typing import Any

import pytest

WEB_TD: dict[str, Any] = {
    "family": "web",
    "cpu": "512",
    "memory": "1024",
    "containerDefinitions": [
        {
            "name": "App_Main",
            "image": "nginx:1.27",
            "command": ["serve"],
            "environment": [{"name": "MODE", "value": "prod"}, {"name": "LOG", "value": "info"}],
            "stopTimeout": 45,
        },
        {"name": "sidecar", "image": "busybox", "essential": False, "memory": 64},
    ],
}


@pytest.fixture
def web_td() -> dict[str, Any]:
    """Revision web:3: an essential App_Main (stopTimeout 45) and a non-essential sidecar."""
    return copy.deepcopy(WEB_TD)


@pytest.fixture
def task() -> dict[str, Any]:
    """Task `migrate-1` in namespace shop, running family web."""
    return {
        "apiVersion": "ecs-operator.dev/v1",
        "kind": "Task",
        "metadata": {"name": "migrate-1", "namespace": "shop", "uid": "0f8d2c1e-1111-2222-3333-444455556666"},
        "spec": {"taskDefinition": "web"},
    }
