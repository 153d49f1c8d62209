"""Pod policy on the local control plane (issue 16 section 1): Fargate rules and env var names at
admission, Pod Security levels per namespace, a ServiceAccount that is not ours."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import ecs_service, pods_of, ready_condition, steady, wait_until
from kubernetes import client
from kubernetes.client.exceptions import ApiException

from ecs_operator import API_GROUP, API_VERSION
from ecs_operator.controller import resources
from ecs_operator.localrun import apply_manifests

API = f"{API_GROUP}/{API_VERSION}"
HOST_TASK = {
    "networkMode": "host",
    "pidMode": "host",
    "volumes": [{"name": "root", "host": {"sourcePath": "/"}}],
    "containerDefinitions": [
        {
            "name": "agent",
            "image": "busybox",
            "privileged": True,
            "user": "root",
            "linuxParameters": {"capabilities": {"add": ["SYS_ADMIN"]}},
            "mountPoints": [{"sourceVolume": "root", "containerPath": "/host"}],
        }
    ],
}


def task_definition(name: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": API, "kind": "TaskDefinition", "metadata": {"name": name}, "spec": spec}


def service(name: str, desired: int = 2) -> dict[str, Any]:
    return {
        "apiVersion": API,
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {
            "taskDefinition": name,
            "desiredCount": desired,
            "capacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1}],
        },
    }


def refusal(api_client: client.ApiClient, namespace: str, body: dict[str, Any]) -> str:
    objects = client.CustomObjectsApi(api_client)
    with pytest.raises(ApiException) as error:
        objects.create_namespaced_custom_object(API_GROUP, API_VERSION, namespace, "taskdefinitions", body)
    assert error.value.status == 422
    return str(json.loads(error.value.body)["message"])


def held(kube: Any, namespace: str, name: str, reason: str) -> dict[str, Any]:
    return wait_until(
        lambda: (
            ready_condition(ecs_service(kube, namespace, name)).get("reason") == reason
            and ecs_service(kube, namespace, name)
        ),
        60,
        f"{name} held with {reason}",
    )


def children(kube: Any, namespace: str) -> list[dict[str, Any]]:
    """What a Service may create: nothing of it exists while it is held."""
    kinds = (resources.DEPLOYMENT, resources.POD_DISRUPTION_BUDGET, resources.SERVICE)
    return [o for kind in kinds for o in kube.list(kind, namespace, "ecs-operator.dev/service")]


def warnings(kube: Any, namespace: str, reason: str) -> list[dict[str, Any]]:
    return [e for e in kube.list(resources.EVENT, namespace) if e.get("reason") == reason]


def test_the_privileged_host_task_is_refused_at_admission_under_fargate(operator, api_client, namespace):
    fargate = {**HOST_TASK, "requiresCompatibilities": ["FARGATE"], "cpu": "256", "memory": "512"}
    message = refusal(api_client, namespace, task_definition("agent", {**fargate, "networkMode": "awsvpc"}))
    for rule in (
        "containerDefinitions[].privileged: privileged is not valid on Fargate",
        "containerDefinitions[].linuxParameters.capabilities.add: Fargate adds only the SYS_PTRACE",
        "pidMode: pidMode on Fargate is task only",
        "volumes[].host.sourcePath: host volumes on Fargate take no sourcePath",
    ):
        assert rule in message
    assert "FARGATE requires networkMode awsvpc" in refusal(
        api_client, namespace, task_definition("agent", fargate)
    )


def test_an_env_var_named_a_equals_b_is_refused_at_admission(operator, api_client, namespace):
    spec = {"containerDefinitions": [{"name": "a", "image": "nginx", "environment": [{"name": "A=B"}]}]}
    assert "printable ASCII without '='" in refusal(api_client, namespace, task_definition("web", spec))


def test_the_host_task_is_held_in_a_baseline_namespace_and_runs_once_it_is_privileged(
    operator, kube, kubectl, namespace
):
    apply_manifests(kube, [task_definition("agent", HOST_TASK), service("agent")], namespace)
    body = held(kube, namespace, "agent", "PodSecurityViolation")
    message = ready_condition(body)["message"]
    assert "needs Pod Security level privileged, the namespace enforces baseline" in message
    assert "networkMode (hostNetwork)" in message and "containerDefinitions[0].privileged" in message
    wait_until(lambda: warnings(kube, namespace, "PodSecurityViolation"), 30, "the Warning event")
    assert children(kube, namespace) == []
    assert pods_of(kube, namespace, "agent") == []
    # The namespace's label is watched: relabelled privileged, the Service runs without being touched.
    kubectl("label", "namespace", namespace, "pod-security.kubernetes.io/enforce=privileged", "--overwrite")
    wait_until(lambda: steady(kube, namespace, "agent", 2), 90, "agent steady once privileged")
    assert len(warnings(kube, namespace, "PodSecurityViolation")) == 1  # said once, not on every look


@pytest.mark.pod_security("privileged")
def test_the_host_task_runs_in_a_privileged_namespace(operator, kube, namespace):
    apply_manifests(kube, [task_definition("agent", HOST_TASK), service("agent")], namespace)
    wait_until(lambda: steady(kube, namespace, "agent", 2), 90, "agent steady")
    (pod, *_) = pods_of(kube, namespace, "agent")
    assert pod["spec"]["hostNetwork"] is True and pod["spec"]["hostPID"] is True
    assert pod["spec"]["containers"][0]["securityContext"]["privileged"] is True


def test_a_service_account_we_do_not_own_holds_the_service(operator, kube, api_client, namespace):
    core = client.CoreV1Api(api_client)
    core.create_namespaced_service_account(namespace, {"metadata": {"name": "api"}})
    role = "arn:aws:iam::123456789012:role/api"
    spec = {"taskRoleArn": role, "containerDefinitions": [{"name": "api", "image": "nginx"}]}
    apply_manifests(kube, [task_definition("api", spec), service("api")], namespace)
    body = held(kube, namespace, "api", "ServiceAccountNotOwned")
    assert "ServiceAccount api" in ready_condition(body)["message"]
    wait_until(lambda: warnings(kube, namespace, "ServiceAccountNotOwned"), 30, "the Warning event")
    assert children(kube, namespace) == []
    account = core.read_namespaced_service_account("api", namespace)
    assert not account.metadata.owner_references and not account.metadata.annotations
    # Once the name is free the Service gets its own account and runs under it.
    core.delete_namespaced_service_account("api", namespace)
    wait_until(lambda: steady(kube, namespace, "api", 2), 90, "api steady with its own account")
    mine = core.read_namespaced_service_account("api", namespace)
    assert mine.metadata.annotations == {"eks.amazonaws.com/role-arn": role}
    assert {p["spec"]["serviceAccountName"] for p in pods_of(kube, namespace, "api")} == {"api"}
