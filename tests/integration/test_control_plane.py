"""Smoke tests of the local control plane itself: the real scheduler places pods by pool, kwok runs them,
the special behaviours look as the kubelet would show them, and node loss evicts as on a real cluster."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from kubernetes import client

from ecs_operator.api.labels import CAPACITY_TYPE
from ecs_operator.localcluster import fleet
from ecs_operator.localcluster.waiting import wait_for

PAUSE_IMAGE = "registry.k8s.io/pause:3.10"
SPOT_SELECTOR = {CAPACITY_TYPE: "spot"}
SPOT_TOLERATION = {"key": CAPACITY_TYPE, "operator": "Equal", "value": "spot", "effect": "NoSchedule"}
BEHAVIOUR_LABEL = "kwok.ecs-operator.dev/behaviour"


def deployment(name: str, replicas: int, pod_spec: dict[str, Any]) -> dict[str, Any]:
    labels = {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": pod_spec},
        },
    }


def spot_pod_spec(cpu: str = "100m") -> dict[str, Any]:
    return {
        "nodeSelector": dict(SPOT_SELECTOR),
        "tolerations": [dict(SPOT_TOLERATION)],
        "containers": [{"name": "app", "image": PAUSE_IMAGE, "resources": {"requests": {"cpu": cpu}}}],
    }


def pods_of(api_client: client.ApiClient, namespace: str, app: str) -> list[client.V1Pod]:
    return client.CoreV1Api(api_client).list_namespaced_pod(namespace, label_selector=f"app={app}").items


def is_ready(pod: client.V1Pod) -> bool:
    conditions = pod.status.conditions or []
    return any(c.type == "Ready" and c.status == "True" for c in conditions)


def node_pools(api_client: client.ApiClient) -> dict[str, str]:
    return {row.name: row.pool for row in fleet.list_fake_nodes(api_client)}


def create_pod(api_client: client.ApiClient, namespace: str, name: str, *, labels=None, image=PAUSE_IMAGE):
    body = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": labels or {}},
        "spec": {"containers": [{"name": "app", "image": image}]},
    }
    client.CoreV1Api(api_client).create_namespaced_pod(namespace, body)


def read_pod(api_client: client.ApiClient, namespace: str, name: str) -> client.V1Pod:
    return client.CoreV1Api(api_client).read_namespaced_pod(name, namespace)


BY_LABEL_OR_IMAGE = pytest.mark.parametrize("selected_by", ["label", "image"])


def behaviour_pod(api_client, namespace: str, behaviour: str, selected_by: str) -> str:
    """A pod given `behaviour` either by the pod label or by its first container's image."""
    name = f"{behaviour}-by-{selected_by}"
    if selected_by == "label":
        create_pod(api_client, namespace, name, labels={BEHAVIOUR_LABEL: behaviour})
    else:
        create_pod(api_client, namespace, name, image=f"kwok.ecs-operator.dev/{behaviour}")
    return name


def test_fake_nodes_form_two_ready_pools_over_two_zones(api_client):
    rows = fleet.list_fake_nodes(api_client)
    for pool in ("on-demand", "spot"):
        members = [row for row in rows if row.pool == pool]
        assert len(members) >= 3
        assert all(row.ready for row in members)
        assert {row.zone for row in members} >= {"local-a", "local-b"}


def test_spot_deployment_is_scheduled_only_onto_spot_nodes_and_becomes_ready(api_client, namespace):
    apps = client.AppsV1Api(api_client)
    apps.create_namespaced_deployment(namespace, deployment("web", 5, spot_pod_spec()))

    def all_ready() -> list[client.V1Pod] | None:
        pods = pods_of(api_client, namespace, "web")
        return (
            pods
            if len(pods) == 5 and all(is_ready(p) and p.status.phase == "Running" for p in pods)
            else None
        )

    pods = wait_for(all_ready, timeout=60, what="5 ready spot pods")
    pools = node_pools(api_client)
    assert {pools[p.spec.node_name] for p in pods} == {"spot"}
    assert all(p.status.pod_ip for p in pods)
    wait_for(
        lambda: (
            apps.read_namespaced_deployment(namespace=namespace, name="web").status.available_replicas == 5
        ),
        timeout=30,
        what="deployment available",
    )


def test_pod_without_spot_toleration_never_lands_on_spot_nodes(api_client, namespace):
    apps = client.AppsV1Api(api_client)
    spec = {"containers": [{"name": "app", "image": PAUSE_IMAGE}]}
    apps.create_namespaced_deployment(namespace, deployment("plain", 6, spec))
    pods = wait_for(
        lambda: (
            (p := pods_of(api_client, namespace, "plain")) and len(p) == 6 and all(map(is_ready, p)) and p
        ),
        timeout=60,
        what="6 ready pods",
    )
    pools = node_pools(api_client)
    assert {pools[p.spec.node_name] for p in pods} == {"on-demand"}


@BY_LABEL_OR_IMAGE
def test_crash_loop_pod_shows_crash_loop_back_off_with_growing_restart_count(
    api_client, namespace, selected_by
):
    name = behaviour_pod(api_client, namespace, "crash-loop", selected_by)

    def crash_looping(min_restarts: int) -> client.V1ContainerStatus | None:
        pod = read_pod(api_client, namespace, name)
        statuses = pod.status.container_statuses or []
        if pod.status.phase != "Running" or not statuses:
            return None
        status = statuses[0]
        waiting = status.state.waiting
        return (
            status
            if waiting and waiting.reason == "CrashLoopBackOff" and status.restart_count >= min_restarts
            else None
        )

    first = wait_for(lambda: crash_looping(1), timeout=30, what="CrashLoopBackOff")
    later = wait_for(lambda: crash_looping(first.restart_count + 2), timeout=30, what="more restarts")
    assert later.restart_count > first.restart_count
    assert not is_ready(read_pod(api_client, namespace, name))


@BY_LABEL_OR_IMAGE
def test_never_ready_pod_runs_but_stays_not_ready(api_client, namespace, selected_by):
    name = behaviour_pod(api_client, namespace, "never-ready", selected_by)
    create_pod(api_client, namespace, "control")  # an ordinary pod, to know when kwok has had its chance
    wait_for(
        lambda: is_ready(read_pod(api_client, namespace, "control")), timeout=30, what="control pod ready"
    )
    pod = wait_for(
        lambda: (p := read_pod(api_client, namespace, name)).status.phase == "Running" and p,
        timeout=30,
        what="never-ready pod running",
    )
    assert not is_ready(pod)
    assert pod.status.container_statuses[0].state.running is not None
    assert pod.status.container_statuses[0].ready is False


@BY_LABEL_OR_IMAGE
def test_fail_pod_ends_in_phase_failed(api_client, namespace, selected_by):
    name = behaviour_pod(api_client, namespace, "fail", selected_by)
    pod = wait_for(
        lambda: (p := read_pod(api_client, namespace, name)).status.phase == "Failed" and p,
        timeout=30,
        what="failed pod",
    )
    assert pod.status.container_statuses[0].state.terminated.exit_code != 0


def test_image_that_only_resembles_a_behaviour_image_runs_normally(api_client, namespace):
    create_pod(api_client, namespace, "tagged", image="kwok.ecs-operator.dev/crash-loop:v1")
    pod = wait_for(
        lambda: (p := read_pod(api_client, namespace, "tagged")) and is_ready(p) and p,
        timeout=30,
        what="ordinary pod ready",
    )
    assert pod.status.container_statuses[0].restart_count == 0


def private_node_pair(api_client, pool: str, namespace: str) -> Iterator[list[str]]:
    """Two nodes of `pool` that only this test's pods tolerate, so breaking one disturbs nobody else's
    pods and nobody else's pods take the room the test counts on. Removed afterwards."""
    taint = {"key": "ecs-operator.dev/test-only", "value": namespace, "effect": "NoSchedule"}
    names = [fleet.add_node(api_client, pool, extra_taints=[taint]) for _ in range(2)]
    yield names
    for name in names:
        fleet.remove_node(api_client, name)


def pinned_pod_spec(nodes: list[str], namespace: str, app: str, pool: str) -> dict[str, Any]:
    """Pods that run only on `nodes`, two per node at most (the spread ignores tainted nodes, so when one
    node breaks, all may go to the other)."""
    tolerations = [{"key": "ecs-operator.dev/test-only", "operator": "Equal", "value": namespace}]
    if pool == "spot":
        tolerations.append(dict(SPOT_TOLERATION))
    hostname_in = {"key": "kubernetes.io/hostname", "operator": "In", "values": nodes}
    return {
        "containers": [{"name": "app", "image": PAUSE_IMAGE, "resources": {"requests": {"cpu": "500m"}}}],
        "tolerations": tolerations,
        "affinity": {
            "nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {
                    "nodeSelectorTerms": [{"matchExpressions": [hostname_in]}]
                }
            }
        },
        "topologySpreadConstraints": [
            {
                "maxSkew": 1,
                "topologyKey": "kubernetes.io/hostname",
                "whenUnsatisfiable": "DoNotSchedule",
                "nodeTaintsPolicy": "Honor",
                "labelSelector": {"matchLabels": {"app": app}},
            }
        ],
    }


def live_ready_pods(api_client, namespace: str, app: str, count: int) -> list[client.V1Pod] | None:
    pods = [p for p in pods_of(api_client, namespace, app) if p.metadata.deletion_timestamp is None]
    return pods if len(pods) == count and all(map(is_ready, pods)) else None


def all_on(pods: list[client.V1Pod] | None, node: str) -> list[client.V1Pod] | None:
    return pods if pods and all(p.spec.node_name == node for p in pods) else None


@pytest.fixture
def spot_pair(api_client, namespace) -> Iterator[list[str]]:
    yield from private_node_pair(api_client, "spot", namespace)


@pytest.fixture
def on_demand_pair(api_client, namespace) -> Iterator[list[str]]:
    yield from private_node_pair(api_client, "on-demand", namespace)


def test_no_execute_taint_evicts_pods_and_the_deployment_replaces_them_elsewhere(
    api_client, namespace, spot_pair
):
    victim, survivor = spot_pair
    spec = pinned_pod_spec(spot_pair, namespace, "victim", "spot")
    client.AppsV1Api(api_client).create_namespaced_deployment(namespace, deployment("victim", 4, spec))
    before = wait_for(
        lambda: live_ready_pods(api_client, namespace, "victim", 4), timeout=60, what="4 ready pods"
    )
    on_victim = {p.metadata.name for p in before if p.spec.node_name == victim}
    assert len(on_victim) == 2

    fleet.interrupt_node(api_client, victim)

    after = wait_for(
        lambda: all_on(live_ready_pods(api_client, namespace, "victim", 4), survivor),
        timeout=60,
        what="pods replaced off the interrupted node",
    )
    assert not on_victim & {p.metadata.name for p in after}


def test_lost_node_goes_not_ready_and_its_pods_are_replaced_elsewhere(api_client, namespace, on_demand_pair):
    lost, survivor = on_demand_pair
    spec = pinned_pod_spec(on_demand_pair, namespace, "lost", "on-demand")
    client.AppsV1Api(api_client).create_namespaced_deployment(namespace, deployment("lost", 2, spec))
    before = wait_for(
        lambda: live_ready_pods(api_client, namespace, "lost", 2), timeout=60, what="2 ready pods"
    )
    assert {p.spec.node_name for p in before} == {lost, survivor}

    fleet.lose_node(api_client, lost)

    wait_for(
        lambda: not {row.name: row for row in fleet.list_fake_nodes(api_client)}[lost].ready,
        timeout=60,
        what="lost node NotReady",
    )
    wait_for(
        lambda: all_on(live_ready_pods(api_client, namespace, "lost", 2), survivor),
        timeout=60,
        what="pods replaced off the lost node",
    )


def test_deployment_larger_than_the_pool_leaves_pods_pending_unschedulable(api_client, namespace):
    apps = client.AppsV1Api(api_client)
    apps.create_namespaced_deployment(namespace, deployment("huge", 2, spot_pod_spec(cpu="1000")))

    def unschedulable() -> list[client.V1Pod] | None:
        pods = pods_of(api_client, namespace, "huge")
        reasons = [
            c.reason
            for p in pods
            for c in (p.status.conditions or [])
            if c.type == "PodScheduled" and c.status == "False"
        ]
        return pods if len(pods) == 2 and reasons == ["Unschedulable", "Unschedulable"] else None

    pods = wait_for(unschedulable, timeout=60, what="Unschedulable pods")
    assert all(p.status.phase == "Pending" and not p.spec.node_name for p in pods)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ecs_operator", *args], capture_output=True, text=True, timeout=120
    )


def test_cluster_up_reuses_the_running_cluster_and_prints_its_kubeconfig_last(control_plane):
    result = run_cli("cluster", "up")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == str(control_plane.kubeconfig)
    assert f"reusing running cluster 'ecs-operator' at {control_plane.server}" in result.stderr


def test_cluster_status_prints_server_kubeconfig_and_ready_nodes_per_pool(control_plane):
    result = run_cli("cluster", "status")
    assert result.returncode == 0, result.stderr
    assert control_plane.server in result.stdout
    assert str(control_plane.kubeconfig) in result.stdout
    assert re.search(r"pool on-demand: (\d+)/\1 nodes ready", result.stdout)
    assert re.search(r"pool spot: (\d+)/\1 nodes ready", result.stdout)


def test_demo_prints_every_fake_node_with_its_pool_and_zone(control_plane, api_client):
    result = run_cli("demo")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for row in fleet.list_fake_nodes(api_client):
        assert any(line.split()[:3] == [row.name, row.pool, row.zone] for line in lines), row
