"""metav1.Condition bookkeeping: a transition time changes only when the status does."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def condition(type_: str, ok: bool, reason: str, message: str, generation: int | None) -> dict[str, Any]:
    return {
        "type": type_,
        "status": "True" if ok else "False",
        "reason": reason,
        "message": message,
        "observedGeneration": generation,
    }


def merge_conditions(
    previous: Sequence[Mapping[str, Any]] | None, new: Sequence[Mapping[str, Any]], now: str
) -> list[dict[str, Any]]:
    old = {c.get("type"): c for c in previous or []}
    merged = []
    for cond in new:
        before = old.get(cond["type"])
        stamp = (
            before.get("lastTransitionTime", now)
            if before is not None and before.get("status") == cond["status"]
            else now
        )
        merged.append({**{k: v for k, v in cond.items() if v is not None}, "lastTransitionTime": stamp})
    return merged


def find(conditions: Sequence[Mapping[str, Any]] | None, type_: str) -> Mapping[str, Any] | None:
    return next((c for c in conditions or [] if c.get("type") == type_), None)
