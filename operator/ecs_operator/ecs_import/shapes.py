"""The shapes of input recognised (detected, not declared), each found object a `Document`.

- RegisterTaskDefinition input (`aws ecs register-task-definition --cli-input-json`);
- DescribeTaskDefinition output, with or without the `{"taskDefinition": ...}` wrapper (a wrapper's
  `tags` become `spec.tags`);
- a bare containerDefinitions array (Terraform `container_definitions`) or one container-definition
  object: both need a family (`family=`);
- CreateService input, also partial (ecspresso style: no serviceName and/or no taskDefinition), and
  UpdateService input;
- DescribeServices output (`{"services": [...]}`), one Service per entry.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ecs_operator.api.service import ServiceSpec
from ecs_operator.ecs_import.options import Options
from ecs_operator.ecs_import.problems import ImportProblem, json_path

SERVICE_KEYS = frozenset(ServiceSpec.model_fields) | {"cluster", "service"}
CONTAINER_ONLY_KEYS = frozenset(
    {"image", "essential", "portMappings", "environment", "command", "entryPoint"}
)


@dataclass
class Document:
    """One ECS object found in a file, with how its spec paths read in the file."""

    kind: str
    body: dict[str, Any]
    location: Callable[[tuple[str | int, ...]], str]
    cluster: str | None = None


def parse(source: str, text: str) -> Any:
    """The file's JSON, with explicit nulls dropped (the same as absent in ECS)."""
    try:
        return without_nulls(json.loads(text))
    except json.JSONDecodeError as error:
        raise ImportProblem(
            source, [(f"line {error.lineno} column {error.colno}", f"not valid JSON: {error.msg}")]
        ) from None


def without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value if v is not None]
    return value


def documents(source: str, data: Any, options: Options) -> list[Document]:
    """Recognise the shape of a parsed file."""
    if isinstance(data, list):
        if not all(isinstance(item, dict) for item in data):
            raise ImportProblem(source, [("$", "a JSON array must be a list of container definitions")])
        body = {"family": need_family(source, options), "containerDefinitions": data}
        return [Document("TaskDefinition", body, lambda loc: json_path("$", _container_loc(loc)))]
    if not isinstance(data, dict):
        raise ImportProblem(source, [("$", "expected a JSON object or array")])
    if isinstance(data.get("taskDefinition"), dict):
        body = dict(data["taskDefinition"])
        if "tags" in data and "tags" not in body:
            body["tags"] = data["tags"]
        return [Document("TaskDefinition", body, lambda loc: json_path("$.taskDefinition", loc))]
    if isinstance(data.get("services"), list):
        found = []
        for index, entry in enumerate(data["services"]):
            if not isinstance(entry, dict):
                raise ImportProblem(source, [(f"$.services[{index}]", "expected a service object")])
            found.append(Document("Service", dict(entry), _under(f"$.services[{index}]")))
        return found
    if "containerDefinitions" in data:
        return [Document("TaskDefinition", dict(data), lambda loc: json_path("$", loc))]
    if data.keys() & CONTAINER_ONLY_KEYS and not data.keys() & (SERVICE_KEYS - {"tags"}):
        body = {"family": need_family(source, options), "containerDefinitions": [data]}
        return [Document("TaskDefinition", body, lambda loc: json_path("$", _container_loc(loc)[1:]))]
    if data.keys() & SERVICE_KEYS:
        return [Document("Service", dict(data), lambda loc: json_path("$", loc))]
    raise ImportProblem(
        source, [("$", "not a task definition, container definition(s) or service (no known ECS keys)")]
    )


def _under(prefix: str) -> Callable[[tuple[str | int, ...]], str]:
    return lambda loc: json_path(prefix, loc)


def _container_loc(loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """A spec path inside `containerDefinitions` as it reads in a bare array file."""
    return loc[1:] if loc[:1] == ("containerDefinitions",) else loc


def need_family(source: str, options: Options) -> str:
    if not options.family:
        raise ImportProblem(source, [("$", "container definitions without a task definition need --family")])
    return options.family
