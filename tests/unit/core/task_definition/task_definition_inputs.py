"""Task definitions as plain dicts, and what a test reads back, for the task-definition wing's tests."""

from typing import Any


def container(name: str = "app", **fields: Any) -> dict[str, Any]:
    return {"name": name, "image": "nginx", **fields}


def task(*containers: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"family": "web", "containerDefinitions": list(containers) or [container()], **fields}


def paths(result) -> set[str]:
    """The paths of the fields a built pod spec lists as unsupported."""
    return {field.path for field in result.unsupported}
