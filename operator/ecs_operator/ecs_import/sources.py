"""Files in, resources and warnings out: each file's shape recognised, each object converted by its
kind's module, names checked unique across the run, task definitions placed beside their services."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ecs_operator.ecs_import.naming import place_task_definitions_with_their_services
from ecs_operator.ecs_import.options import Options
from ecs_operator.ecs_import.problems import ImportProblem
from ecs_operator.ecs_import.services import convert_service
from ecs_operator.ecs_import.shapes import Document, documents, parse
from ecs_operator.ecs_import.spec_fields import placeholders
from ecs_operator.ecs_import.task_definitions import convert_task_definition


@dataclass
class Imported:
    resources: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def import_sources(sources: Sequence[tuple[str, str]], options: Options | None = None) -> Imported:
    """Convert (file name, text) pairs. Raises ImportProblem for the first file that cannot be imported."""
    options = options or Options()
    result = Imported()
    parsed: list[tuple[str, Document]] = []
    for source, text in sources:
        parsed.extend((source, document) for document in documents(source, parse(source, text), options))
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
        place_task_definitions_with_their_services(result.resources, result.warnings.append)
    return result
