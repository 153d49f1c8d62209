"""Turn pydantic validation errors into one readable line for conditions and events."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


def json_path(loc: tuple[int | str, ...], root: str = "spec") -> str:
    path = root
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def describe(exc: ValidationError, root: str = "spec", limit: int = 3) -> str:
    parts = []
    for error in exc.errors()[:limit]:
        loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        message = str(error["msg"]).removeprefix("Value error, ")
        parts.append(f"{json_path(loc, root)}: {message}")
    more = len(exc.errors()) - limit
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


class InvalidSpec(ValueError):
    """A spec that slipped past the CRD schema but breaks an ECS rule."""


def parse(model: type[M], data: Any, root: str = "spec") -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidSpec(describe(exc, root)) from exc
