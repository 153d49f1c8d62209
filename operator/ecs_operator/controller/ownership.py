"""Which fields of a child the operator owns, as the API server records them (managedFields).

New children are created with a plain POST (the API server spends less on a create than on a
server-side apply), which records our fields under an `Update` entry of our field manager. A later
server-side apply removes only fields its own `Apply` entry owns: a field the new desired state
drops (an environment variable of an old revision, say) would stay forever under the `Update`
entry. So before the first apply to such an object, the entry is turned into an `Apply` one, the
upgrade kubectl's csaupgrade makes for client-side-applied objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def summary(managed_fields: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """What the store keeps of managedFields: who, how and where, in the server's order (the field
    sets are most of a body's size and only their owners are read)."""
    return [
        {k: entry[k] for k in ("manager", "operation", "subresource") if entry.get(k)}
        for entry in managed_fields
    ]


def claim_patch(body: Mapping[str, Any], manager: str) -> list[dict[str, Any]] | None:
    """A JSON patch making `manager`'s Update entry an Apply entry (None: nothing to claim).

    The tests pin the entry by position, so a list changed since `body` was read fails the patch
    (and the reconcile is retried) instead of touching another entry. Where an Apply entry exists
    already (only if something else wrote under our name), the Update entry is dropped instead:
    the server keeps one entry per manager and operation.
    """
    entries = (body.get("metadata") or {}).get("managedFields") or []
    ours = {
        entry.get("operation"): index
        for index, entry in enumerate(entries)
        if entry.get("manager") == manager and not entry.get("subresource")
    }
    if "Update" not in ours:
        return None
    path = f"/metadata/managedFields/{ours['Update']}"
    tests = [
        {"op": "test", "path": f"{path}/manager", "value": manager},
        {"op": "test", "path": f"{path}/operation", "value": "Update"},
    ]
    if "Apply" in ours:
        return [*tests, {"op": "remove", "path": path}]
    return [*tests, {"op": "replace", "path": f"{path}/operation", "value": "Apply"}]
