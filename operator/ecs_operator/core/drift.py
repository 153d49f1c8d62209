"""Does a live object already say everything we would apply? (compare-then-apply)

Server-side apply of an unchanged object is cheap but still a write request; at steady state
and after a restart the operator must send none. A desired object is satisfied when every field
it sets has the same value live; fields the server adds (defaults, status, managedFields) do not
count. Empty maps and lists in the desired object match an absent field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def _empty(value: Any) -> bool:
    return value is None or value == {} or value == []


def satisfied(desired: Any, live: Any) -> bool:
    if isinstance(desired, Mapping):
        if not isinstance(live, Mapping):
            return all(_empty(v) for v in desired.values()) and _empty(live)
        return all(
            (_empty(value) and _empty(live.get(key))) or satisfied(value, live.get(key))
            for key, value in desired.items()
        )
    if isinstance(desired, Sequence) and not isinstance(desired, str):
        if not isinstance(live, Sequence) or isinstance(live, str):
            return len(desired) == 0 and live is None
        return len(desired) == len(live) and all(satisfied(d, v) for d, v in zip(desired, live, strict=True))
    return bool(desired == live)


def differing_paths(desired: Any, live: Any, path: str = "") -> list[str]:
    """For logs and tests: where a live object falls short of the desired one."""
    if satisfied(desired, live):
        return []
    if isinstance(desired, Mapping) and isinstance(live, Mapping):
        out: list[str] = []
        for key, value in desired.items():
            out += differing_paths(value, live.get(key), f"{path}.{key}")
        return out or [path or "."]
    return [path or "."]
