"""The ECS fields of an imported object: copied into the spec unchanged, so that nothing is dropped
silently, except response-only fields (dropped with a warning) and `""` where ECS expects an enum
(ECS's own exports contain `"ipcMode": ""`; it means unset: dropped with a warning). Template
placeholders (`${IMAGE}`, `{{ must_env ... }}`, `<YOUR_API_KEY>`, `$$$X$$$`, `$VAR`) in free-form
strings import as-is with a warning; where ECS needs a number or an enum they are an error that says
so. In what a shell runs (`command`, `entryPoint`, a healthCheck's `command`) `$VAR` and `${VAR}` are
the shell's own expansions, not placeholders: only `{{ ... }}` and `$$$X$$$` count there."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ValidationError

from ecs_operator.ecs_import.problems import ImportProblem
from ecs_operator.ecs_import.shapes import Document

PLACEHOLDER = re.compile(
    r"\$\{[^}]*\}|\{\{.*?\}\}|<[A-Z][A-Z0-9_ -]*>|\$\$\$+[A-Za-z0-9_]+\$\$\$+|\$[A-Z_][A-Z0-9_]*"
)
SHELL_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\$\$\$+[A-Za-z0-9_]+\$\$\$+")
SHELL_FIELDS = frozenset({"command", "entryPoint"})


def is_placeholder(value: Any, loc: tuple[str | int, ...]) -> bool:
    """A string holding a template placeholder, by where it is (`loc`, its path)."""
    if not isinstance(value, str):
        return False
    shell = any(part in SHELL_FIELDS for part in loc if isinstance(part, str))
    return bool((SHELL_PLACEHOLDER if shell else PLACEHOLDER).search(value))


def placeholders(value: Any, loc: tuple[str | int, ...] = ()) -> list[tuple[tuple[str | int, ...], str]]:
    """Every string holding a template placeholder, with its path."""
    if isinstance(value, dict):
        return [hit for k, v in value.items() for hit in placeholders(v, (*loc, k))]
    if isinstance(value, list):
        return [hit for i, v in enumerate(value) for hit in placeholders(v, (*loc, i))]
    if is_placeholder(value, loc):
        return [(loc, value)]
    return []


def drop_response_only(
    source: str, document: Document, fields: frozenset[str], warn: Callable[[str], None]
) -> None:
    dropped = sorted(fields & document.body.keys())
    if dropped:
        if "clusterArn" in dropped:
            document.cluster = document.body["clusterArn"]
        for key in dropped:
            del document.body[key]
        warn(f"{source}: {document.location(())}: response-only fields dropped: {', '.join(dropped)}")


def _pop(body: dict[str, Any], loc: tuple[str | int, ...]) -> None:
    node: Any = body
    for part in loc[:-1]:
        node = node[part]
    del node[loc[-1]]


def validate(source: str, document: Document, model: type[BaseModel], warn: Callable[[str], None]) -> None:
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


def _describe(document: Document, error: Any) -> tuple[str, str]:
    loc = tuple(error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    value = error.get("input")
    if is_placeholder(value, loc) and error["type"] != "value_error":
        message = f"template placeholder {value!r} where ECS needs a real value: {message}"
    elif loc == ("taskDefinition",) and error["type"] == "string_pattern_mismatch":
        message = f"{value!r} is not `family` or `family:N` (N a revision number >= 1)"
    elif error["type"] == "extra_forbidden":
        message = f"{loc[-1]!r} is not an ECS field of this object"
    return document.location(loc), message
