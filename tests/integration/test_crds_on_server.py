"""The generated CRDs on a real kube-apiserver: accepted (structural, CEL cost in budget), every
importable ECS sample passes server-side validation, and bad objects are refused naming the rule."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from kubernetes import client
from kubernetes.client.exceptions import ApiException
from pydantic import ValidationError

from ecs_operator import API_GROUP, API_VERSION
from ecs_operator.api.cluster import ClusterSpec
from ecs_operator.api.container_definition import ENV_NAME_RULE
from ecs_operator.api.crd import KINDS, all_crds
from ecs_operator.api.fargate_rules import FARGATE_RULES
from ecs_operator.api.service import ServiceSpec
from ecs_operator.api.strategy_rules import RULES, StrategyRule
from ecs_operator.api.taskdefinition import TaskDefinitionSpec
from ecs_operator.ecs_import import ImportProblem, Options, import_sources
from ecs_operator.localcluster.waiting import wait_for

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "ecs-samples"
PLURALS = {kind.kind: (kind.plural, kind.namespaced) for kind in KINDS}


def _established(api: client.ApiextensionsV1Api, name: str) -> bool:
    conditions = api.read_custom_resource_definition(name).status.conditions or []
    return any(c.type == "Established" and c.status == "True" for c in conditions)


@pytest.fixture(scope="module")
def crds(api_client: client.ApiClient) -> None:
    api = client.ApiextensionsV1Api(api_client)
    for document in all_crds().values():
        name = document["metadata"]["name"]
        try:
            api.create_custom_resource_definition(document)
        except ApiException as error:
            if error.status != 409:
                raise
            # Already installed (maybe by helm): update the spec only, keeping others' labels and
            # annotations (helm ownership) intact.
            api.patch_custom_resource_definition(
                name, {"spec": document["spec"]}, _content_type="application/merge-patch+json"
            )
        wait_for(lambda n=name: _established(api, n), timeout=30, what=f"CRD {name} established")


def dry_run_create(api_client: client.ApiClient, namespace: str, resource: dict[str, Any]) -> None:
    objects = client.CustomObjectsApi(api_client)
    plural, namespaced = PLURALS[resource["kind"]]
    if namespaced:
        body = {**resource, "metadata": {**resource["metadata"], "namespace": namespace}}
        objects.create_namespaced_custom_object(
            API_GROUP, API_VERSION, namespace, plural, body, dry_run="All"
        )
    else:
        objects.create_cluster_custom_object(API_GROUP, API_VERSION, plural, resource, dry_run="All")


def refusal(api_client: client.ApiClient, namespace: str, resource: dict[str, Any]) -> str:
    with pytest.raises(ApiException) as error:
        dry_run_create(api_client, namespace, resource)
    assert error.value.status == 422
    return str(json.loads(error.value.body)["message"])


def test_every_importable_sample_passes_server_side_validation(
    crds: None, api_client: client.ApiClient, namespace: str
) -> None:
    accepted = 0
    for path in sorted(SAMPLES.rglob("*.json")):
        options = Options(family="sample", task_definition="sample:1")
        try:
            imported = import_sources([(str(path), path.read_text())], options)
        except ImportProblem:
            continue  # refused by import already (test_import.py states which and why)
        for resource in imported.resources:
            dry_run_create(api_client, namespace, resource)
            accepted += 1
    assert accepted >= 35


def service(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": f"{API_GROUP}/{API_VERSION}",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"taskDefinition": "web", "desiredCount": 2, **spec},
    }


def taskdefinition(containers: list[dict[str, Any]], **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": f"{API_GROUP}/{API_VERSION}",
        "kind": "TaskDefinition",
        "metadata": {"name": "web"},
        "spec": {"containerDefinitions": containers, **spec},
    }


def test_two_providers_with_base_are_refused(
    crds: None, api_client: client.ApiClient, namespace: str
) -> None:
    strategy = [{"capacityProvider": "A", "base": 1, "weight": 1}, {"capacityProvider": "B", "base": 2}]
    message = refusal(api_client, namespace, service(capacityProviderStrategy=strategy))
    assert "only one capacity provider in a strategy can have a base greater than 0" in message


def test_all_weights_zero_with_two_providers_is_refused(
    crds: None, api_client: client.ApiClient, namespace: str
) -> None:
    strategy = [{"capacityProvider": "A", "base": 1}, {"capacityProvider": "B"}]
    message = refusal(api_client, namespace, service(capacityProviderStrategy=strategy))
    assert "at least one weight must be greater than 0" in message


# One strategy breaking each rule of api.strategy_rules (as tests/unit/api/test_strategy_rules.py).
STRATEGY_BREAKS = {
    "too-many-items": [{"capacityProvider": f"P{i}", "weight": 1} for i in range(21)],
    "base-out-of-range": [{"capacityProvider": "A", "base": 100_001, "weight": 1}],
    "weight-out-of-range": [{"capacityProvider": "A", "weight": 1001}],
    "more-than-one-base": [
        {"capacityProvider": "A", "base": 1, "weight": 1},
        {"capacityProvider": "B", "base": 1},
    ],
    "no-positive-weight": [{"capacityProvider": "A"}, {"capacityProvider": "B"}],
    "duplicate-provider": [{"capacityProvider": "FARGATE", "weight": 1}, {"capacityProvider": "fargate"}],
}


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_the_server_refuses_every_strategy_rule(
    rule: StrategyRule, crds: None, api_client: client.ApiClient, namespace: str
) -> None:
    message = refusal(api_client, namespace, service(capacityProviderStrategy=STRATEGY_BREAKS[rule.id]))
    if rule.schema is None:
        assert rule.message in message  # the CEL rule's message
    else:
        prop, bounds = rule.schema  # the schema bound: the apiserver names the field and the limit
        assert "capacityProviderStrategy" in message and prop in message
        assert str(max(bounds.values())) in message


def test_task_definition_without_essential_container_is_refused(
    crds: None, api_client: client.ApiClient, namespace: str
) -> None:
    message = refusal(api_client, namespace, taskdefinition([{"name": "a", "essential": False}]))
    assert "at least one container must be essential" in message


def test_duplicate_container_names_are_refused(
    crds: None, api_client: client.ApiClient, namespace: str
) -> None:
    containers = [{"name": "a"}, {"name": "a", "essential": False}]
    assert "container names must be unique" in refusal(api_client, namespace, taskdefinition(containers))


def test_launch_type_with_strategy_is_refused(
    crds: None, api_client: client.ApiClient, namespace: str
) -> None:
    spec = service(
        launchType="FARGATE", capacityProviderStrategy=[{"capacityProvider": "FARGATE", "weight": 1}]
    )
    assert "launchType and capacityProviderStrategy are mutually exclusive" in refusal(
        api_client, namespace, spec
    )


def test_daemon_with_desired_count_is_refused(
    crds: None, api_client: client.ApiClient, namespace: str
) -> None:
    message = refusal(api_client, namespace, service(schedulingStrategy="DAEMON"))
    assert "schedulingStrategy DAEMON takes no desiredCount" in message


def test_family_must_map_to_metadata_name(crds: None, api_client: client.ApiClient, namespace: str) -> None:
    message = refusal(api_client, namespace, taskdefinition([{"name": "a"}], family="Other_App"))
    assert "spec.family must map to metadata.name" in message
    dry_run_create(api_client, namespace, taskdefinition([{"name": "a"}], family="WEB"))


def test_ecs_defaults_are_applied_by_the_server(
    crds: None, api_client: client.ApiClient, namespace: str
) -> None:
    objects = client.CustomObjectsApi(api_client)
    body = {**service(), "metadata": {"name": "web", "namespace": namespace}}
    created = objects.create_namespaced_custom_object(
        API_GROUP, API_VERSION, namespace, "ecsservices", body, dry_run="All"
    )
    assert created["spec"]["schedulingStrategy"] == "REPLICA"


def test_capacity_provider_is_cluster_scoped_and_validated(
    crds: None, api_client: client.ApiClient, namespace: str
) -> None:
    provider = {
        "apiVersion": f"{API_GROUP}/{API_VERSION}",
        "kind": "CapacityProvider",
        "metadata": {"name": f"{namespace}-spot"},  # cluster-scoped: a name no other test uses
        "spec": {
            "name": f"{namespace}_SPOT".upper(),
            "capacityType": "spot",
            "nodeSelector": {"pool": "spot"},
        },
    }
    dry_run_create(api_client, namespace, provider)
    wrong = {**provider, "spec": {**provider["spec"], "capacityType": "preemptible"}}
    assert "capacityType" in refusal(api_client, namespace, wrong)


FARGATE = {rule.field: rule for rule in FARGATE_RULES}
BOTH_LAYERS = {
    "only one capacity provider in a strategy can have a base greater than 0": service(
        capacityProviderStrategy=[
            {"capacityProvider": "A", "base": 1, "weight": 1},
            {"capacityProvider": "B", "base": 1},
        ]
    ),
    "at least one weight must be greater than 0": service(
        capacityProviderStrategy=[{"capacityProvider": "A"}, {"capacityProvider": "B"}]
    ),
    "a capacity provider may appear only once in a strategy": service(
        capacityProviderStrategy=[
            {"capacityProvider": "FARGATE", "weight": 1},
            {"capacityProvider": "fargate", "weight": 1},
        ]
    ),
    "launchType and capacityProviderStrategy are mutually exclusive": service(
        launchType="EC2", capacityProviderStrategy=[{"capacityProvider": "A", "weight": 1}]
    ),
    "DAEMON takes no desiredCount": service(schedulingStrategy="DAEMON"),
    "desiredCount is required when schedulingStrategy is REPLICA": {
        **service(),
        "spec": {"taskDefinition": "web"},
    },
    "cannot fall back to itself": service(
        capacityProviderFallback=[
            {"capacityProvider": "FARGATE_SPOT", "fallbackCapacityProvider": "fargate-spot"}
        ]
    ),
    "at least one container must be essential": taskdefinition([{"name": "a", "essential": False}]),
    "FARGATE requires task-level cpu and memory": taskdefinition(
        [{"name": "a"}], requiresCompatibilities=["FARGATE"], networkMode="awsvpc"
    ),
    "FARGATE requires networkMode awsvpc": taskdefinition(
        [{"name": "a"}], requiresCompatibilities=["FARGATE"], networkMode="bridge", cpu="256", memory="512"
    ),
    "container names must be unique": taskdefinition([{"name": "a"}, {"name": "a"}]),
    ENV_NAME_RULE: taskdefinition([{"name": "a", "environment": [{"name": "A=B", "value": "1"}]}]),
    f"{ENV_NAME_RULE} ": taskdefinition([{"name": "a", "secrets": [{"name": "A=B", "valueFrom": "arn"}]}]),
    **{
        rule.message: taskdefinition(
            [{"name": "a", **container}],
            requiresCompatibilities=["FARGATE"],
            networkMode="awsvpc",
            cpu="256",
            memory="512",
            **task,
        )
        for rule, container, task in (
            (FARGATE["containerDefinitions[].privileged"], {"privileged": True}, {}),
            (
                FARGATE["containerDefinitions[].linuxParameters.devices"],
                {"linuxParameters": {"devices": [{"hostPath": "/dev/x"}]}},
                {},
            ),
            (
                FARGATE["containerDefinitions[].linuxParameters.capabilities.add"],
                {"linuxParameters": {"capabilities": {"add": ["SYS_ADMIN"]}}},
                {},
            ),
            (FARGATE["pidMode"], {}, {"pidMode": "host"}),
            (
                FARGATE["volumes[].host.sourcePath"],
                {},
                {"volumes": [{"name": "root", "host": {"sourcePath": "/"}}]},
            ),
            (
                FARGATE["volumes[].dockerVolumeConfiguration"],
                {},
                {"volumes": [{"name": "d", "dockerVolumeConfiguration": {}}]},
            ),
        )
    },
    "dependsOn must name a container of this task definition": taskdefinition(
        [{"name": "a", "dependsOn": [{"containerName": "b", "condition": "START"}]}]
    ),
    "volumesFrom must name a container of this task definition": taskdefinition(
        [{"name": "a", "volumesFrom": [{"sourceContainer": "b"}]}]
    ),
}


BOTH_LAYERS["capacityProviders: a capacity provider may be listed only once"] = {
    "apiVersion": f"{API_GROUP}/{API_VERSION}",
    "kind": "Cluster",
    "metadata": {"name": "default"},
    "spec": {"capacityProviders": ["FARGATE_SPOT", "fargate-spot"]},
}
MODELS = {"Service": ServiceSpec, "TaskDefinition": TaskDefinitionSpec, "Cluster": ClusterSpec}


@pytest.mark.parametrize("rule", sorted(BOTH_LAYERS))
def test_server_and_models_refuse_with_the_same_rule(
    rule: str, crds: None, api_client: client.ApiClient, namespace: str
) -> None:
    resource = BOTH_LAYERS[rule]
    rule = rule.strip()  # a trailing space tells apart two objects breaking one rule
    assert rule in refusal(api_client, namespace, resource)
    with pytest.raises(ValidationError, match=rule):
        MODELS[resource["kind"]].model_validate(resource["spec"])
