"""Task definition revisions: every spec change registers `family:N+1`, stored immutably.

A TaskDefinition object is a family; its spec is what the next RegisterTaskDefinition call would
send. Revisions are ControllerRevisions owned by the object (the same mechanism StatefulSets and
DaemonSets use for their history), named `<object>-<N>`, whose `data` is the canonical spec.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ecs_operator.api import labels
from ecs_operator.api.names import label_value, shorten

ACTIVE = "ACTIVE"
INACTIVE = "INACTIVE"


def canonical_spec(spec: Mapping[str, Any], object_name: str) -> dict[str, Any]:
    """The spec as ECS would register it: `family` defaults to the object name."""
    out = {k: v for k, v in spec.items() if v is not None}
    out.setdefault("family", object_name)
    return out


def fingerprint(spec: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(spec, sort_keys=True, separators=(",", ":")).encode()).hexdigest()[:16]


def revision_name(object_name: str, number: int) -> str:
    return shorten(f"{object_name}-{number}", 253)


def task_definition_ref(family: str, number: int) -> str:
    return f"{family}:{number}"


@dataclass(frozen=True)
class Revision:
    number: int
    spec: dict[str, Any]
    fingerprint: str
    name: str


def revisions_of(controller_revisions: Sequence[Mapping[str, Any]], owner_uid: str) -> list[Revision]:
    """The revisions owned by one TaskDefinition object, oldest first."""
    found = []
    for cr in controller_revisions:
        owners = cr.get("metadata", {}).get("ownerReferences") or []
        if not any(o.get("uid") == owner_uid for o in owners):
            continue
        data = cr.get("data") or {}
        found.append(
            Revision(
                number=int(cr["revision"]),
                spec=data,
                fingerprint=(cr["metadata"].get("annotations") or {}).get(labels.FINGERPRINT)
                or fingerprint(data),
                name=cr["metadata"]["name"],
            )
        )
    return sorted(found, key=lambda r: r.number)


def next_revision(
    body: Mapping[str, Any], spec: Mapping[str, Any], existing: Sequence[Revision]
) -> dict[str, Any] | None:
    """The ControllerRevision to create, or None when the latest revision already has this spec."""
    meta = body["metadata"]
    canonical = canonical_spec(spec, meta["name"])
    digest = fingerprint(canonical)
    if existing and existing[-1].fingerprint == digest:
        return None
    number = existing[-1].number + 1 if existing else 1
    return {
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": {
            "name": revision_name(meta["name"], number),
            "namespace": meta["namespace"],
            "labels": {
                labels.MANAGED_BY: labels.MANAGED_BY_VALUE,
                labels.FAMILY: label_value(meta["name"]),
            },
            "annotations": {
                labels.FINGERPRINT: digest,
                labels.TASK_DEFINITION_ANNOTATION: task_definition_ref(canonical["family"], number),
            },
            "ownerReferences": [owner_reference(body, controller=True)],
        },
        "revision": number,
        "data": canonical,
    }


def owner_reference(body: Mapping[str, Any], *, controller: bool = True) -> dict[str, Any]:
    meta = body["metadata"]
    return {
        "apiVersion": body["apiVersion"],
        "kind": body["kind"],
        "name": meta["name"],
        "uid": meta["uid"],
        "controller": controller,
        "blockOwnerDeletion": True,
    }


def parse_reference(reference: str) -> tuple[str, int | None]:
    """`family` -> (family, None) meaning latest ACTIVE; `family:3` -> (family, 3).

    ARNs (`arn:aws:ecs:region:acct:task-definition/family:3`) are accepted, as imported JSON has them.
    """
    ref = reference.rsplit("task-definition/", 1)[-1] if reference.startswith("arn:") else reference
    family, sep, number = ref.partition(":")
    if not sep:
        return family, None
    if not number.isdigit() or int(number) < 1:
        raise ValueError(
            f"taskDefinition {reference!r}: the revision must be a positive integer (family:N), "
            f"got {number!r}"
        )
    return family, int(number)
