"""Real ECS JSON -> ecs-operator resources (pure: text in, resource dicts and warnings out).

Accepted shapes (detected, not declared):
- RegisterTaskDefinition input (`aws ecs register-task-definition --cli-input-json`);
- DescribeTaskDefinition output, with or without the `{"taskDefinition": ...}` wrapper (a wrapper's
  `tags` become `spec.tags`);
- a bare containerDefinitions array (Terraform `container_definitions`) or one container-definition
  object: both need a family (`family=`);
- CreateService input, also partial (ecspresso style: no serviceName and/or no taskDefinition), and
  UpdateService input (its `service` becomes `serviceName`; an ARN's last segment must then be a name);
- DescribeServices output (`{"services": [...]}`), one Service per entry.

Rules, so that nothing is dropped silently:
- Every ECS field present is copied into the spec unchanged, except: explicit `null` (the same as
  absent in ECS); the response-only fields below (dropped with a warning); an empty string `""` where
  ECS expects an enum (ECS's own exports contain `"ipcMode": ""`; it means unset: dropped with a
  warning); a task definition ARN in a service (`arn:...:task-definition/web:3` -> `web:3`, with a
  warning).
- `cluster` (or the cluster in `clusterArn`) becomes metadata.namespace unless a namespace is given.
- A service without `serviceName` is named by `service_name=`, else by its file's base name (warning).
  A service without `taskDefinition` uses `task_definition=`, else the family of the one task
  definition imported in the same run (ecspresso keeps the pair side by side), else it is invalid.
- Template placeholders (`${IMAGE}`, `{{ must_env ... }}`, `<YOUR_API_KEY>`, `$$$X$$$`, `$VAR`) in
  free-form strings import as-is with a warning; where ECS needs a number or an enum they are an
  error that says so. Every error names the file and the JSON path of the problem.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from pydantic import BaseModel, ValidationError

from ecs_operator import API_GROUP, API_VERSION
from ecs_operator.api.names import is_dns_label, is_dns_subdomain, k8s_name
from ecs_operator.api.service import ServiceSpec
from ecs_operator.api.taskdefinition import TaskDefinitionSpec

API = f"{API_GROUP}/{API_VERSION}"
STDIN = "-"

TASK_DEFINITION_RESPONSE_ONLY = frozenset(
    {
        "taskDefinitionArn",
        "revision",
        "status",
        "compatibilities",
        "requiresAttributes",
        "registeredAt",
        "registeredBy",
        "deregisteredAt",
        "deleteRequestedAt",
    }
)
SERVICE_RESPONSE_ONLY = frozenset(
    {
        "serviceArn",
        "clusterArn",
        "status",
        "runningCount",
        "pendingCount",
        "deployments",
        "events",
        "createdAt",
        "createdBy",
        "roleArn",
        "taskSets",
        "platformFamily",
        "resourceManagementType",
        "currentServiceDeployment",
        "currentServiceRevisions",
    }
)
SERVICE_KEYS = frozenset(ServiceSpec.model_fields) | {"cluster", "service"}
CONTAINER_ONLY_KEYS = frozenset(
    {"image", "essential", "portMappings", "environment", "command", "entryPoint"}
)

PLACEHOLDER = re.compile(
    r"\$\{[^}]*\}|\{\{.*?\}\}|<[A-Z][A-Z0-9_ -]*>|\$\$\$+[A-Za-z0-9_]+\$\$\$+|\$[A-Z_][A-Z0-9_]*"
)
TASK_DEFINITION_ARN = re.compile(r"^arn:[^:]+:ecs:[^:]*:[^:]*:task-definition/(?P<ref>[^/]+)$")


class ImportProblem(Exception):
    """Input that cannot become resources: names the file and the JSON path of each problem."""

    def __init__(self, source: str, problems: Sequence[tuple[str, str]]):
        self.source = source
        self.problems = list(problems)
        super().__init__("\n".join(f"{source}: {path}: {message}" for path, message in self.problems))

    @property
    def path(self) -> str:
        return self.problems[0][0]


@dataclass
class Imported:
    resources: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Options:
    family: str | None = None
    namespace: str | None = None
    service_name: str | None = None
    task_definition: str | None = None


@dataclass
class _Document:
    """One ECS object found in a file, with how its spec paths read in the file."""

    kind: str
    body: dict[str, Any]
    location: Callable[[tuple[str | int, ...]], str]
    cluster: str | None = None


def json_path(prefix: str, loc: Sequence[str | int]) -> str:
    path = prefix
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def parse(source: str, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportProblem(
            source, [(f"line {error.lineno} column {error.colno}", f"not valid JSON: {error.msg}")]
        ) from None


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value if v is not None]
    return value


def documents(source: str, data: Any, options: Options) -> list[_Document]:
    """Recognise the shape of a parsed file."""
    if isinstance(data, list):
        if not all(isinstance(item, dict) for item in data):
            raise ImportProblem(source, [("$", "a JSON array must be a list of container definitions")])
        body = {"family": _need_family(source, options), "containerDefinitions": data}
        return [_Document("TaskDefinition", body, lambda loc: json_path("$", _container_loc(loc)))]
    if not isinstance(data, dict):
        raise ImportProblem(source, [("$", "expected a JSON object or array")])
    if isinstance(data.get("taskDefinition"), dict):
        body = dict(data["taskDefinition"])
        if "tags" in data and "tags" not in body:
            body["tags"] = data["tags"]
        return [_Document("TaskDefinition", body, lambda loc: json_path("$.taskDefinition", loc))]
    if isinstance(data.get("services"), list):
        found = []
        for index, entry in enumerate(data["services"]):
            if not isinstance(entry, dict):
                raise ImportProblem(source, [(f"$.services[{index}]", "expected a service object")])
            found.append(_Document("Service", dict(entry), _under(f"$.services[{index}]")))
        return found
    if "containerDefinitions" in data:
        return [_Document("TaskDefinition", dict(data), lambda loc: json_path("$", loc))]
    if data.keys() & CONTAINER_ONLY_KEYS and not data.keys() & (SERVICE_KEYS - {"tags"}):
        body = {"family": _need_family(source, options), "containerDefinitions": [data]}
        return [_Document("TaskDefinition", body, lambda loc: json_path("$", _container_loc(loc)[1:]))]
    if data.keys() & SERVICE_KEYS:
        return [_Document("Service", dict(data), lambda loc: json_path("$", loc))]
    raise ImportProblem(
        source, [("$", "not a task definition, container definition(s) or service (no known ECS keys)")]
    )


def _under(prefix: str) -> Callable[[tuple[str | int, ...]], str]:
    return lambda loc: json_path(prefix, loc)


def _container_loc(loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """A spec path inside `containerDefinitions` as it reads in a bare array file."""
    return loc[1:] if loc[:1] == ("containerDefinitions",) else loc


def _need_family(source: str, options: Options) -> str:
    if not options.family:
        raise ImportProblem(source, [("$", "container definitions without a task definition need --family")])
    return options.family


def placeholders(value: Any, loc: tuple[str | int, ...] = ()) -> list[tuple[tuple[str | int, ...], str]]:
    """Every string holding a template placeholder, with its path."""
    if isinstance(value, dict):
        return [hit for k, v in value.items() for hit in placeholders(v, (*loc, k))]
    if isinstance(value, list):
        return [hit for i, v in enumerate(value) for hit in placeholders(v, (*loc, i))]
    if isinstance(value, str) and PLACEHOLDER.search(value):
        return [(loc, value)]
    return []


def _pop(body: dict[str, Any], loc: tuple[str | int, ...]) -> None:
    node: Any = body
    for part in loc[:-1]:
        node = node[part]
    del node[loc[-1]]


def validate(source: str, document: _Document, model: type[BaseModel], warn: Callable[[str], None]) -> None:
    """Validate `document.body` with the model; drop `""` enums (with a warning); raise on the rest."""
    while True:
        try:
            model.model_validate(document.body)
            return
        except ValidationError as error:
            empty_enums = [
                tuple(e["loc"]) for e in error.errors() if e["type"] == "literal_error" and e["input"] == ""
            ]
            if not empty_enums:
                raise ImportProblem(source, [_describe(document, e) for e in error.errors()]) from None
            for loc in empty_enums:
                _pop(document.body, loc)
                where = document.location(loc)
                warn(f"{source}: {where}: empty string where ECS expects an enum: treated as unset")


def _describe(document: _Document, error: Any) -> tuple[str, str]:
    loc = tuple(error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    value = error.get("input")
    if isinstance(value, str) and PLACEHOLDER.search(value) and error["type"] != "value_error":
        message = f"template placeholder {value!r} where ECS needs a real value: {message}"
    elif loc == ("taskDefinition",) and error["type"] == "string_pattern_mismatch":
        message = f"{value!r} is not `family` or `family:N` (N a revision number >= 1)"
    elif error["type"] == "extra_forbidden":
        message = f"{loc[-1]!r} is not an ECS field of this object"
    return document.location(loc), message


def _namespace(source: str, document: _Document, options: Options) -> str | None:
    cluster = document.body.pop("cluster", None) or document.cluster
    if options.namespace:
        return options.namespace
    if not cluster:
        return None
    name = k8s_name(str(cluster).rsplit("/", 1)[-1])
    if not is_dns_label(name):
        raise ImportProblem(
            source, [(document.location(("cluster",)), f"cluster {cluster!r} is not a namespace name")]
        )
    return name


def _resource(kind: str, name: str, namespace: str | None, spec: dict[str, Any]) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name}
    if namespace:
        metadata["namespace"] = namespace
    return {"apiVersion": API, "kind": kind, "metadata": metadata, "spec": spec}


def _drop_response_only(
    source: str, document: _Document, fields: frozenset[str], warn: Callable[[str], None]
) -> None:
    dropped = sorted(fields & document.body.keys())
    if dropped:
        if "clusterArn" in dropped:
            document.cluster = document.body["clusterArn"]
        for key in dropped:
            del document.body[key]
        warn(f"{source}: {document.location(())}: response-only fields dropped: {', '.join(dropped)}")


def _object_name(source: str, document: _Document, field_name: str) -> str:
    ecs_name = document.body[field_name]
    name = k8s_name(ecs_name)
    if not is_dns_subdomain(name):
        raise ImportProblem(
            source,
            [(document.location((field_name,)), f"{ecs_name!r} gives no valid Kubernetes name ({name!r})")],
        )
    return name


def convert_task_definition(
    source: str, document: _Document, options: Options, warn: Callable[[str], None]
) -> dict[str, Any]:
    _drop_response_only(source, document, TASK_DEFINITION_RESPONSE_ONLY, warn)
    if options.family and document.body.get("family") not in (None, options.family):
        where = document.location(("family",))
        warn(f"{source}: {where}: family {document.body['family']!r} replaced by --family")
        document.body["family"] = options.family
    if "family" not in document.body:
        document.body["family"] = _need_family(source, options)
    validate(source, document, TaskDefinitionSpec, warn)
    return _resource(
        "TaskDefinition", _object_name(source, document, "family"), options.namespace, document.body
    )


def convert_service(
    source: str, document: _Document, options: Options, sole_family: str | None, warn: Callable[[str], None]
) -> dict[str, Any]:
    _drop_response_only(source, document, SERVICE_RESPONSE_ONLY, warn)
    namespace = _namespace(source, document, options)
    body = document.body
    if "service" in body and "serviceName" not in body:  # UpdateService input names the service `service`
        body["serviceName"] = body.pop("service")
        warn(f"{source}: {document.location(('service',))}: UpdateService `service` imported as serviceName")
    if options.service_name:
        body["serviceName"] = options.service_name
    elif "serviceName" not in body:
        stem = PurePath(source).name.split(".", 1)[0] if source != STDIN else ""
        if not stem:
            raise ImportProblem(source, [("$.serviceName", "a service read from stdin needs --service-name")])
        body["serviceName"] = stem
        warn(f"{source}: $: no serviceName: named {stem!r} after the file (use --service-name to choose)")
    reference = body.get("taskDefinition")
    if isinstance(reference, str) and (arn := TASK_DEFINITION_ARN.match(reference)):
        body["taskDefinition"] = arn["ref"]
        where = document.location(("taskDefinition",))
        warn(f"{source}: {where}: ARN {reference!r} imported as {arn['ref']!r}")
    if options.task_definition:
        body["taskDefinition"] = options.task_definition
    elif (
        "taskDefinition" not in body
        and sole_family
        and body.get("deploymentController") != {"type": "EXTERNAL"}
    ):
        body["taskDefinition"] = sole_family
        warn(f"{source}: $: no taskDefinition: using {sole_family!r}, the task definition imported with it")
    validate(source, document, ServiceSpec, warn)
    return _resource("Service", _object_name(source, document, "serviceName"), namespace, body)


def import_sources(sources: Sequence[tuple[str, str]], options: Options | None = None) -> Imported:
    """Convert (file name, text) pairs. Raises ImportProblem for the first file that cannot be imported."""
    options = options or Options()
    result = Imported()
    parsed: list[tuple[str, _Document]] = []
    for source, text in sources:
        data = _without_nulls(parse(source, text))
        parsed.extend((source, document) for document in documents(source, data, options))
    families = {d.body.get("family") or options.family for _, d in parsed if d.kind == "TaskDefinition"}
    sole_family = next(iter(families)) if len(families) == 1 else None
    seen: dict[tuple[str, str | None, str], str] = {}
    for source, document in parsed:
        for location, text in placeholders(document.body):
            result.warnings.append(
                f"{source}: {document.location(location)}: template placeholder imported as-is: {text!r}"
            )
        if document.kind == "TaskDefinition":
            resource = convert_task_definition(source, document, options, result.warnings.append)
        else:
            resource = convert_service(source, document, options, sole_family, result.warnings.append)
        meta = resource["metadata"]
        key = (resource["kind"], meta.get("namespace"), meta["name"])
        if key in seen:
            raise ImportProblem(
                source,
                [
                    (
                        document.location(()),
                        f"{key[0]} {key[2]!r} is also imported from {seen[key]} (same name)",
                    )
                ],
            )
        seen[key] = source
        result.resources.append(resource)
    if not options.namespace:
        _place_task_definitions_with_their_services(result)
    return result


def _place_task_definitions_with_their_services(result: Imported) -> None:
    """A task definition JSON names no cluster; put it in the namespace of the services imported with
    it that use it (their `cluster`), so the pair works as applied. Used from several namespaces, it
    is left without one (apply it to each), with a warning."""
    used_in: dict[str, set[str]] = {}
    for resource in result.resources:
        if resource["kind"] != "Service" or not resource["metadata"].get("namespace"):
            continue
        reference = str(resource["spec"].get("taskDefinition") or "")
        family = k8s_name(reference.rsplit("task-definition/", 1)[-1].split(":", 1)[0])
        used_in.setdefault(family, set()).add(resource["metadata"]["namespace"])
    for resource in result.resources:
        meta = resource["metadata"]
        if resource["kind"] != "TaskDefinition" or meta.get("namespace"):
            continue
        namespaces = used_in.get(meta["name"], set())
        if len(namespaces) == 1:
            meta["namespace"] = next(iter(namespaces))
        elif len(namespaces) > 1:
            result.warnings.append(
                f"TaskDefinition {meta['name']} is used by services in {sorted(namespaces)}: "
                "it is imported without a namespace; apply it to each of them"
            )
