"""Last in the session (the name sorts after every other module and directory): the requests the
operator's ServiceAccount made, from the API server's audit log, against what the chart grants it.
A grant never used is an extra grant; a request the authorizer refused is a missing one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ecs_operator.localcluster import audit
from ecs_operator.localcluster.controlplane import ClusterInfo
from ecs_operator.localcluster.layout import Layout

HERE = Path(__file__).parent

# Grants the suite cannot show in the audit log, each with the reason it stays.
NEVER_A_REQUEST_OF_THEIR_OWN = {
    # OwnerReferencesPermissionEnforcement checks them inside each child's create (blockOwnerDeletion):
    # the creates the suite makes succeed only because they are granted.
    ("ecs-operator.dev", "ecsservices/finalizers", "update"),
    ("ecs-operator.dev", "taskdefinitions/finalizers", "update"),
}
# Measured on a full run of tests/integration/operator: code paths no test reaches yet. A test that
# reaches one should take it off this list (the check below fails on an entry no longer granted).
_IRSA = "no test changes or drops the task role of a running Service"
_RACE = "only after a create met AlreadyExists, or a name seen under other owners (reconcile.py)"
NOT_REACHED_BY_THE_SUITE: dict[tuple[str, str, str], str] = {
    ("", "serviceaccounts", "patch"): _IRSA,
    ("", "serviceaccounts", "delete"): _IRSA,
    ("", "services", "patch"): "no test makes a live core Service drift from its plan",
    ("", "services", "delete"): "no test makes the plan drop a core Service (reconcile.py plan.delete)",
    ("apps", "daemonsets", "delete"): "no DAEMON Service leaves a capacity provider in the suite",
    ("policy", "poddisruptionbudgets", "delete"): "no test drops a Service's PodDisruptionBudget",
    ("apps", "controllerrevisions", "get"): _RACE,
    ("apps", "daemonsets", "get"): _RACE,
    ("policy", "poddisruptionbudgets", "get"): _RACE,
}


def _whole_operator_suite_ran(session: pytest.Session) -> bool:
    ran = {item.path for item in session.items}
    return all(path in ran for path in (HERE / "operator").glob("test_*.py"))


def test_the_operator_used_every_grant_of_the_chart_and_was_refused_nothing(
    request: pytest.FixtureRequest, control_plane: ClusterInfo, operator_identity: Any
) -> None:
    log = Layout(control_plane.state_dir).audit_log
    assert log.exists(), (
        f"no audit log at {log}: a cluster started before it had one? `ecs-operator cluster down`"
    )
    made = audit.requests(log, operator_identity.username, operator_identity.since)
    denied = sorted({r.triple for r in made if not r.allowed})
    assert not denied, f"refused by RBAC (grants the chart lacks): {denied}"
    if not _whole_operator_suite_ran(request.session):
        pytest.skip("a part of the operator suite ran: the unused grants are only checked after all of it")
    granted = audit.granted(operator_identity.rules("ClusterRole"))
    used = {r.triple for r in made}
    unused = granted - used - NEVER_A_REQUEST_OF_THEIR_OWN - set(NOT_REACHED_BY_THE_SUITE)
    assert not unused, f"granted but never used by the suite (drop them, or list why): {sorted(unused)}"
    stale = (NEVER_A_REQUEST_OF_THEIR_OWN | set(NOT_REACHED_BY_THE_SUITE)) - granted
    assert not stale, f"listed as exceptions but no longer granted: {sorted(stale)}"
