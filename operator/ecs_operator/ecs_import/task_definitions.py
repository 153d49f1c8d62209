"""A task definition (RegisterTaskDefinition input, DescribeTaskDefinition output or bare container
definitions) -> a TaskDefinition resource."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ecs_operator.api.taskdefinition import TaskDefinitionSpec
from ecs_operator.ecs_import import naming
from ecs_operator.ecs_import.options import Options
from ecs_operator.ecs_import.shapes import Document, need_family
from ecs_operator.ecs_import.spec_fields import drop_response_only, validate

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


def convert_task_definition(
    source: str, document: Document, options: Options, warn: Callable[[str], None]
) -> dict[str, Any]:
    drop_response_only(source, document, TASK_DEFINITION_RESPONSE_ONLY, warn)
    if options.family and document.body.get("family") not in (None, options.family):
        where = document.location(("family",))
        warn(f"{source}: {where}: family {document.body['family']!r} replaced by --family")
        document.body["family"] = options.family
    if "family" not in document.body:
        document.body["family"] = need_family(source, options)
    validate(source, document, TaskDefinitionSpec, warn)
    return naming.resource(
        "TaskDefinition", naming.object_name(source, document, "family"), options.namespace, document.body
    )
