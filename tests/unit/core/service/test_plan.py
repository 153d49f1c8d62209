"""One Service reconcile, decided in pure code (core.service.plan), over hand-made observations."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from ecs_operator.core.service.plan import Family, ServiceInputs, plan_service
from ecs_operator.core.task.state import pod_state

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
WEB_TD = {
    "family": "web",
    "containerDefinitions": [
        {"name": "web", "image": "nginx", "memory": 256, "portMappings": [{"containerPort": 80}]}
    ],
}
STRATEGY = [
    {"capacityProvider": "FARGATE", "base": 2, "weight": 1},
    {"capacityProvider": "FARGATE_SPOT", "weight": 3},
]


def service(spec: dict[str, Any], status: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "apiVersion": "ecs-operator.dev/v1alpha1",
        "kind": "Service",
        "metadata": {"name": "web", "namespace": "shop", "uid": "u-web", "generation": 1},
        "spec": spec,
        "status": status or {},
    }


@pytest.fixture
def inputs(providers):
    """ServiceInputs for a Service body, over the conftest's FARGATE/FARGATE_SPOT providers."""

    def make(body, *, families=None, pods=(), children=()) -> ServiceInputs:
        return ServiceInputs(
            service=body,
            families={"web": Family("web", False, {1: WEB_TD})} if families is None else families,
            providers=providers,
            cluster_spec=None,
            pods=list(pods),
            children=list(children),
            nodes=[],
            now=NOW,
        )

    return make


def pod(name: str, provider: str, *, ready: bool) -> Any:
    return pod_state(
        {
            "metadata": {
                "name": name,
                "labels": {"ecs-operator.dev/service": "web", "ecs-operator.dev/capacity-provider": provider},
            },
            "spec": {"nodeName": "n1"},
            "status": {
                "phase": "Running",
                "conditions": [
                    {"type": "PodScheduled", "status": "True"},
                    {
                        "type": "Ready",
                        "status": "True" if ready else "False",
                        "lastTransitionTime": "2026-11-21T11:00:00Z",
                    },
                ],
            },
        }
    )


def test_a_new_service_becomes_one_deployment_per_provider_with_the_ecs_split(inputs):
    plan = plan_service(
        inputs(service({"taskDefinition": "web", "desiredCount": 10, "capacityProviderStrategy": STRATEGY}))
    )
    replicas = {o["metadata"]["name"]: o["spec"]["replicas"] for o in plan.apply if o["kind"] == "Deployment"}
    assert replicas == {"web-fargate": 4, "web-fargate-spot": 6}
    kinds = sorted(o["kind"] for o in plan.apply)
    assert kinds == ["Deployment", "Deployment", "PodDisruptionBudget", "Service"]
    assert plan.status["desiredCount"] == 10
    assert [p["desiredCount"] for p in plan.status["providers"]] == [4, 6]
    assert plan.status["deployments"][0]["status"] == "PRIMARY"
    assert plan.status["deployments"][0]["taskDefinition"] == "web:1"


def test_a_missing_task_definition_changes_nothing_and_says_why(inputs):
    plan = plan_service(
        inputs(
            service({"taskDefinition": "nope:2", "desiredCount": 1, "capacityProviderStrategy": STRATEGY}),
            families={},
        )
    )
    assert plan.apply == [] and plan.delete == []
    ready = next(c for c in plan.status["conditions"] if c["type"] == "Ready")
    assert (ready["status"], ready["reason"]) == ("False", "TaskDefinitionNotFound")
    assert (plan.events[0].type, plan.events[0].reason) == ("Warning", "TaskDefinitionNotFound")


def test_an_inactive_family_serves_no_new_service(inputs):
    families = {"web": Family("web", True, {1: WEB_TD})}
    plan = plan_service(
        inputs(
            service({"taskDefinition": "web", "desiredCount": 1, "capacityProviderStrategy": STRATEGY}),
            families=families,
        )
    )
    assert plan.apply == []
    assert (
        next(c for c in plan.status["conditions"] if c["type"] == "Ready")["reason"]
        == "TaskDefinitionInactive"
    )


def test_a_provider_that_left_the_strategy_is_deleted_only_once_its_replacements_are_ready(inputs):
    body = service(
        {
            "taskDefinition": "web",
            "desiredCount": 4,
            "capacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1}],
        }
    )
    old_child = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web-fargate-spot", "namespace": "shop", "uid": "c1"},
        "spec": {"replicas": 3},
    }
    starting = [pod(f"od-{i}", "fargate", ready=i < 3) for i in range(4)]
    waiting = plan_service(inputs(body, pods=starting, children=[old_child]))
    assert ("Deployment", "web-fargate-spot") not in waiting.delete
    ready = [pod(f"od-{i}", "fargate", ready=True) for i in range(4)]
    done = plan_service(inputs(body, pods=ready, children=[old_child]))
    assert ("Deployment", "web-fargate-spot") in done.delete


def test_spot_tasks_get_at_most_two_minutes_to_stop(inputs):
    td = {**WEB_TD, "containerDefinitions": [{**WEB_TD["containerDefinitions"][0], "stopTimeout": 300}]}
    plan = plan_service(
        inputs(
            service({"taskDefinition": "web", "desiredCount": 4, "capacityProviderStrategy": STRATEGY}),
            families={"web": Family("web", False, {1: td})},
        )
    )
    grace = {
        o["metadata"]["name"]: o["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
        for o in plan.apply
        if o["kind"] == "Deployment"
    }
    assert grace["web-fargate-spot"] == 120
    assert grace["web-fargate"] == 300


def test_an_external_deployment_controller_is_reported_not_crashed_on(inputs):
    body = service(
        {
            "deploymentController": {"type": "EXTERNAL"},
            "desiredCount": 2,
            "capacityProviderStrategy": STRATEGY,
        }
    )
    plan = plan_service(inputs(body))
    assert plan.apply == []
    ready = next(c for c in plan.status["conditions"] if c["type"] == "Ready")
    assert ready["reason"] == "ExternalDeploymentController"


def test_service_fields_without_kubernetes_meaning_are_listed_with_a_warning(inputs):
    body = service(
        {
            "taskDefinition": "web",
            "desiredCount": 2,
            "capacityProviderStrategy": STRATEGY,
            "loadBalancers": [
                {
                    "targetGroupArn": "arn:aws:elasticloadbalancing:x",
                    "containerName": "web",
                    "containerPort": 80,
                }
            ],
            "deploymentConfiguration": {"strategy": "BLUE_GREEN", "bakeTimeInMinutes": 5},
            "enableExecuteCommand": True,
        }
    )
    plan = plan_service(inputs(body))
    paths = {f["path"] for f in plan.status["ignoredFields"]}
    assert {
        "spec.loadBalancers",
        "spec.deploymentConfiguration.strategy",
        "spec.deploymentConfiguration.bakeTimeInMinutes",
        "spec.enableExecuteCommand",
    } <= paths
    assert any((e.type, e.reason) == ("Warning", "IgnoredFields") for e in plan.events)
    # Reported once: the same list in status raises no new event.
    again = plan_service(inputs(service(body["spec"], plan.status)))
    assert not any(e.reason == "IgnoredFields" for e in again.events)


def test_the_spot_grace_cap_is_listed(inputs):
    td = {**WEB_TD, "containerDefinitions": [{**WEB_TD["containerDefinitions"][0], "stopTimeout": 300}]}
    plan = plan_service(
        inputs(
            service({"taskDefinition": "web", "desiredCount": 4, "capacityProviderStrategy": STRATEGY}),
            families={"web": Family("web", False, {1: td})},
        )
    )
    capped = [f for f in plan.status["ignoredFields"] if f["path"].endswith("stopTimeout")]
    assert capped and "120" in capped[0]["reason"]
