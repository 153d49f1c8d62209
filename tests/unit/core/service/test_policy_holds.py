"""A Service held for the cluster's policy: Pod Security, a ServiceAccount that is not ours, the
desiredCount cap. Nothing is applied or deleted, Ready says why, one Warning event."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest

from ecs_operator.core.service.plan import Family, ServiceInputs, plan_service

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
STRATEGY = [{"capacityProvider": "FARGATE", "weight": 1}]
HOST_TD = {
    "family": "agent",
    "networkMode": "host",
    "volumes": [{"name": "root", "host": {"sourcePath": "/"}}],
    "containerDefinitions": [
        {
            "name": "agent",
            "image": "busybox",
            "privileged": True,
            "mountPoints": [{"sourceVolume": "root", "containerPath": "/host"}],
        }
    ],
}
PLAIN_TD = {
    "family": "agent",
    "taskRoleArn": "arn:aws:iam::1:role/r",
    "containerDefinitions": [{"name": "a", "image": "nginx"}],
}


def inputs(providers: Any, td: dict[str, Any], desired: int = 2, **settings: Any) -> ServiceInputs:
    body = {
        "apiVersion": "ecs-operator.dev/v1alpha1",
        "kind": "Service",
        "metadata": {"name": "agent", "namespace": "ops", "uid": "u-agent", "generation": 1},
        "spec": {"taskDefinition": "agent", "desiredCount": desired, "capacityProviderStrategy": STRATEGY},
    }
    return ServiceInputs(
        service=body,
        families={"agent": Family("agent", False, {1: td})},
        providers=providers,
        cluster_spec=None,
        pods=[],
        children=[],
        nodes=[],
        now=NOW,
        **settings,
    )


def held(plan: Any, reason: str) -> str:
    assert plan.apply == [] and plan.delete == []
    ready = next(c for c in plan.status["conditions"] if c["type"] == "Ready")
    assert (ready["status"], ready["reason"]) == ("False", reason)
    assert [(e.type, e.reason) for e in plan.events] == [("Warning", reason)]
    return str(ready["message"])


def test_a_privileged_host_task_is_held_in_a_baseline_namespace_naming_its_fields(providers) -> None:
    message = held(plan_service(inputs(providers, HOST_TD, pod_security="baseline")), "PodSecurityViolation")
    assert "needs Pod Security level privileged, the namespace enforces baseline" in message
    assert "networkMode (hostNetwork)" in message
    assert "containerDefinitions[0].privileged" in message
    assert "hostPath" in message


def test_the_same_task_runs_in_a_privileged_namespace(providers) -> None:
    plan = plan_service(inputs(providers, HOST_TD, pod_security="privileged"))
    (deployment,) = [o for o in plan.apply if o["kind"] == "Deployment"]
    assert deployment["spec"]["template"]["spec"]["hostNetwork"] is True


def test_a_restricted_namespace_holds_even_a_plain_task(providers) -> None:
    td = {"family": "agent", "containerDefinitions": [{"name": "a", "image": "nginx"}]}
    assert plan_service(inputs(providers, td, pod_security="baseline")).apply
    message = held(plan_service(inputs(providers, td, pod_security="restricted")), "PodSecurityViolation")
    assert "allowPrivilegeEscalation must be false" in message


def test_the_hold_is_reported_once_not_on_every_look(providers) -> None:
    first = plan_service(inputs(providers, HOST_TD, pod_security="baseline"))
    again = dataclasses.replace(
        inputs(providers, HOST_TD, pod_security="baseline"),
        service={**inputs(providers, HOST_TD).service, "status": first.status},
    )
    assert plan_service(again).events == []


def test_a_service_account_someone_else_owns_holds_the_service(providers) -> None:
    assert any(o["kind"] == "ServiceAccount" for o in plan_service(inputs(providers, PLAIN_TD)).apply)
    message = held(
        plan_service(inputs(providers, PLAIN_TD, service_account_taken=True)), "ServiceAccountNotOwned"
    )
    assert "ServiceAccount agent" in message


def test_a_taken_name_does_not_matter_without_a_task_role(providers) -> None:
    td = {"family": "agent", "containerDefinitions": [{"name": "a", "image": "nginx"}]}
    assert plan_service(inputs(providers, td, service_account_taken=True)).apply


@pytest.mark.parametrize(
    ("desired", "cap", "is_held"), [(5000, 5000, False), (5001, 5000, True), (11, 10, True)]
)
def test_desired_count_above_the_cap_is_held(providers, desired: int, cap: int, is_held: bool) -> None:
    td = {"family": "agent", "containerDefinitions": [{"name": "a", "image": "nginx"}]}
    plan = plan_service(inputs(providers, td, desired=desired, max_desired_count=cap))
    if is_held:
        assert f"desiredCount {desired} is above this operator's limit of {cap}" in held(
            plan, "DesiredCountAboveLimit"
        )
    else:
        assert plan.apply
