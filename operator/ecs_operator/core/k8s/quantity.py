"""Kubernetes resource quantities as numbers: cpu in cores, memory in bytes."""

from __future__ import annotations

_UNITS = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}


def quantity(value: str | int | float | None) -> float:
    """A Kubernetes quantity as a number (cpu in cores, memory in bytes)."""
    if value is None:
        return 0.0
    if isinstance(value, int | float):
        return float(value)
    text = str(value)
    if text.endswith("m"):
        return float(text[:-1]) / 1000
    for suffix, factor in _UNITS.items():
        if text.endswith(suffix):
            return float(text[: -len(suffix)]) * factor
    return float(text)
