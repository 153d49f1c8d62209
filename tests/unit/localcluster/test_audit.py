import json
from datetime import UTC, datetime

from ecs_operator.localcluster import audit

SA = "system:serviceaccount:ops:op"


def event(
    audit_id,
    verb,
    resource,
    *,
    stage="ResponseComplete",
    code=200,
    group="",
    sub=None,
    user=SA,
    decision="allow",
):
    ref = {"resource": resource, "apiGroup": group, "namespace": "ns"}
    if sub:
        ref["subresource"] = sub
    return {
        "auditID": audit_id,
        "stage": stage,
        "verb": verb,
        "user": {"username": user},
        "objectRef": ref,
        "responseStatus": {"code": code},
        "annotations": {audit.DECISION: decision},
        "requestReceivedTimestamp": "2026-01-01T10:00:00.123456Z",
    }


def write(tmp_path, events, tail=""):
    log = tmp_path / "audit.log"
    log.write_text("".join(json.dumps(e) + "\n" for e in events) + tail)
    return log


def test_requests_are_the_users_own_once_each_with_subresources_and_codes(tmp_path):
    log = write(
        tmp_path,
        [
            event("1", "watch", "pods", stage="ResponseStarted"),
            event("1", "watch", "pods"),
            event("2", "patch", "ecsservices", group="ecs-operator.dev", sub="status", code=403),
            event("3", "get", "nodes", user="system:admin"),
            event("4", "get", "", group=""),
        ],
        tail='{"half a line',
    )
    found = audit.requests(log, SA, datetime(2026, 1, 1, tzinfo=UTC))
    assert sorted(r.triple for r in found) == [
        ("", "pods", "watch"),
        ("ecs-operator.dev", "ecsservices/status", "patch"),
    ]
    assert [(r.code, r.allowed) for r in found if r.verb == "patch"] == [(403, True)]  # refused by admission


def test_the_authorizers_refusal_is_told_from_admissions(tmp_path):
    log = write(tmp_path, [event("1", "get", "pods", code=403, decision="forbid")])
    (found,) = audit.requests(log, SA, datetime(2026, 1, 1, tzinfo=UTC))
    assert not found.allowed


def test_requests_before_the_session_are_left_out(tmp_path):
    log = write(tmp_path, [event("1", "list", "pods")])
    assert audit.requests(log, SA, datetime(2026, 1, 1, 11, tzinfo=UTC)) == []
    assert audit.requests(tmp_path / "missing.log", SA, datetime(2026, 1, 1, tzinfo=UTC)) == []


def test_granted_expands_rules_into_triples():
    rules = [{"apiGroups": ["apps"], "resources": ["deployments", "daemonsets"], "verbs": ["get", "list"]}]
    assert audit.granted(rules) == {
        ("apps", "deployments", "get"),
        ("apps", "deployments", "list"),
        ("apps", "daemonsets", "get"),
        ("apps", "daemonsets", "list"),
    }
