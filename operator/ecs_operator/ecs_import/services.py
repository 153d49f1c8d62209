"""A service (CreateService or UpdateService input, a DescribeServices entry) -> a Service resource.

A service without `serviceName` is named by `service_name=`, else by its file's base name (warning).
A service without `taskDefinition` uses `task_definition=`, else the family of the one task definition
imported in the same run (ecspresso keeps the pair side by side), else it is invalid. A task
definition ARN becomes its `family:N` (`arn:...:task-definition/web:3` -> `web:3`, with a warning).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from ecs_operator.api.service import ServiceSpec
from ecs_operator.ecs_import import naming
from ecs_operator.ecs_import.options import STDIN, Options
from ecs_operator.ecs_import.problems import ImportProblem
from ecs_operator.ecs_import.shapes import Document
from ecs_operator.ecs_import.spec_fields import drop_response_only, validate

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
TASK_DEFINITION_ARN = re.compile(r"^arn:[^:]+:ecs:[^:]*:[^:]*:task-definition/(?P<ref>[^/]+)$")


def convert_service(
    source: str, document: Document, options: Options, sole_family: str | None, warn: Callable[[str], None]
) -> dict[str, Any]:
    drop_response_only(source, document, SERVICE_RESPONSE_ONLY, warn)
    namespace = naming.namespace(source, document, options)
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
    return naming.resource("Service", naming.object_name(source, document, "serviceName"), namespace, body)
