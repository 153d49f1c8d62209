"""Does a live object already say everything we would apply? (compare-then-apply)

Server-side apply of an unchanged object is cheap but still a write request; at steady state
and after a restart the operator must send none. A desired object is satisfied when every field
it sets has the same value live; fields the server adds (defaults, status, managedFields) do not
count. Empty maps and lists in the desired object match an absent field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ecs_operator.core.k8s.quantity import quantity


def _empty(value: Any) -> bool:
    return value is None or value == {} or value == []


# Under these keys values are resource quantities, which the API server normalises (1024Mi -> 1Gi).
QUANTITY_KEYS = frozenset({"requests", "limits", "sizeLimit", "ephemeral-storage"})


def _same_quantity(desired: Any, live: Any) -> bool:
    try:
        return quantity(desired) == quantity(live)
    except (TypeError, ValueError):
        return False


def satisfied(desired: Any, live: Any, *, quantities: bool = False) -> bool:
    if isinstance(desired, Mapping):
        if not isinstance(live, Mapping):
            return all(_empty(v) for v in desired.values()) and _empty(live)
        return all(
            (_empty(value) and _empty(live.get(key)))
            or satisfied(value, live.get(key), quantities=quantities or key in QUANTITY_KEYS)
            for key, value in desired.items()
        )
    if isinstance(desired, Sequence) and not isinstance(desired, str):
        if not isinstance(live, Sequence) or isinstance(live, str):
            return len(desired) == 0 and live is None
        return len(desired) == len(live) and all(
            satisfied(d, v, quantities=quantities) for d, v in zip(desired, live, strict=True)
        )
    return bool(desired == live) or (quantities and _same_quantity(desired, live))


def differing_paths(desired: Any, live: Any, path: str = "") -> list[str]:
    """For logs and tests: where a live object falls short of the desired one."""
    if satisfied(desired, live, quantities=any(f".{k}" in path for k in QUANTITY_KEYS)):
        return []
    if isinstance(desired, Mapping) and isinstance(live, Mapping):
        out: list[str] = []
        for key, value in desired.items():
            out += differing_paths(value, live.get(key), f"{path}.{key}")
        return out or [path or "."]
    if (
        isinstance(desired, Sequence)
        and not isinstance(desired, str)
        and isinstance(live, Sequence)
        and len(desired) == len(live)
    ):
        return [
            p
            for i, (d, v) in enumerate(zip(desired, live, strict=True))
            for p in differing_paths(d, v, f"{path}[{i}]")
        ] or [path or "."]
    return [path or "."]
