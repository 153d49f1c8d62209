"""The local API server's audit log: every request of the service accounts in one namespace (the
operator's, in the integration tests), at Metadata level, so a test can compare the rights a
ServiceAccount was granted with the requests it really made."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

# The namespace the integration tests run the operator's ServiceAccount in.
AUDITED_NAMESPACE = "ecs-operator-under-test"
DECISION = "authorization.k8s.io/decision"  # the authorizer's verdict, "allow" or "forbid"


def audit_policy(namespace: str = AUDITED_NAMESPACE) -> dict[str, Any]:
    """Metadata (who, what, the response code; no bodies) for the service accounts of `namespace`,
    nothing for anyone else: the controllers' and kwok's requests would dwarf the operator's."""
    return {
        "apiVersion": "audit.k8s.io/v1",
        "kind": "Policy",
        "omitStages": ["RequestReceived"],
        "rules": [
            {"level": "Metadata", "userGroups": [f"system:serviceaccounts:{namespace}"]},
            {"level": "None"},
        ],
    }


@dataclass(frozen=True)
class Request:
    """One audited resource request: (group, resource[/subresource], verb), whether RBAC allowed
    it, and how it ended (a 403 may also come from admission, e.g. a namespace being deleted)."""

    group: str
    resource: str
    verb: str
    namespace: str
    code: int | None
    allowed: bool

    @property
    def triple(self) -> tuple[str, str, str]:
        return (self.group, self.resource, self.verb)


def requests(log: Path, username: str, since: datetime) -> list[Request]:
    """The resource requests `username` made from `since` on, once each (a watch is logged when
    its response starts and again when it ends; the later code wins)."""
    by_id: dict[str, Request] = {}
    for event in _events(log):
        if (event.get("user") or {}).get("username") != username:
            continue
        if not (event.get("objectRef") or {}).get("resource"):  # discovery: /api, /apis
            continue
        if _timestamp(event["requestReceivedTimestamp"]) < since:
            continue
        ref = event["objectRef"]
        resource = ref.get("resource", "")
        if ref.get("subresource"):
            resource += "/" + ref["subresource"]
        code = (event.get("responseStatus") or {}).get("code")
        previous = by_id.get(event["auditID"])
        by_id[event["auditID"]] = Request(
            ref.get("apiGroup", ""),
            resource,
            event["verb"],
            ref.get("namespace", ""),
            code if code is not None else (previous.code if previous else None),
            (event.get("annotations") or {}).get(DECISION) == "allow",
        )
    return list(by_id.values())


def granted(rules: Iterable[dict[str, Any]]) -> set[tuple[str, str, str]]:
    """The (group, resource, verb) triples RBAC rules grant (no wildcards: the chart has none)."""
    return {
        (group, resource, verb)
        for rule in rules
        for group in rule.get("apiGroups") or []
        for resource in rule.get("resources") or []
        for verb in rule.get("verbs") or []
    }


def _events(log: Path) -> Iterator[dict[str, Any]]:
    if not log.exists():
        return
    with log.open() as lines:
        for line in lines:
            line = line.strip()
            if line:
                try:
                    yield json.loads(line)
                except json.JSONDecodeError:  # the line the server is writing right now
                    continue


def _timestamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
