"""Building blocks of the rollout, circuit-breaker and spot scenarios (issue 6): manifests, a pod
sampler that records what the service looked like during a rollout, a dedicated node pool that
no other test uses, and small status readers. Polling with deadlines only, never sleeps for
correctness."""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from conftest import ecs_service, wait_until
from kubernetes import client, watch

from ecs_operator.api.labels import CAPACITY_TYPE
from ecs_operator.controller import resources
from ecs_operator.controller.kube import Kube
from ecs_operator.core.task.state import pod_state
from ecs_operator.localcluster import fleet
from ecs_operator.localcluster.nodes import DEFAULT_SHAPE, NodeShape, build_node
from ecs_operator.localrun import apply_manifests

GROUP = "ecs-operator.dev/v1alpha1"
IMAGE = "public.ecr.aws/nginx/nginx:1.27"
CRASH_LOOP = "kwok.ecs-operator.dev/crash-loop"
NEVER_READY = "kwok.ecs-operator.dev/never-ready"
TEST_POOL_LABEL = "ecs-operator.dev/test-pool"


def task_definition(
    family: str,
    image: str = IMAGE,
    *,
    version: str = "1",
    stop_timeout: int | None = None,
    health_check: dict[str, Any] | None = None,
    requires: tuple[str, ...] = ("FARGATE",),
) -> dict[str, Any]:
    container: dict[str, Any] = {
        "name": "app",
        "image": image,
        "essential": True,
        "environment": [{"name": "VERSION", "value": version}],
    }
    if stop_timeout is not None:
        container["stopTimeout"] = stop_timeout
    if health_check is not None:
        container["healthCheck"] = health_check
    spec: dict[str, Any] = {
        "family": family,
        "cpu": "256",
        "memory": "512",
        "containerDefinitions": [container],
    }
    if requires:
        spec["requiresCompatibilities"] = list(requires)
        spec["networkMode"] = "awsvpc"
    return {"apiVersion": GROUP, "kind": "TaskDefinition", "metadata": {"name": family}, "spec": spec}


def service(
    name: str,
    task: str,
    desired: int,
    strategy: list[dict[str, Any]],
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    breaker: dict[str, Any] | None = None,
    grace: int | None = None,
    fallback: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    config: dict[str, Any] = {}
    if minimum is not None:
        config["minimumHealthyPercent"] = minimum
    if maximum is not None:
        config["maximumPercent"] = maximum
    if breaker is not None:
        config["deploymentCircuitBreaker"] = breaker
    spec: dict[str, Any] = {
        "taskDefinition": task,
        "desiredCount": desired,
        "capacityProviderStrategy": strategy,
    }
    if config:
        spec["deploymentConfiguration"] = config
    if grace is not None:
        spec["healthCheckGracePeriodSeconds"] = grace
    if fallback is not None:
        spec["capacityProviderFallback"] = fallback
    return {"apiVersion": GROUP, "kind": "Service", "metadata": {"name": name}, "spec": spec}


def cluster(providers: list[str]) -> dict[str, Any]:
    return {
        "apiVersion": GROUP,
        "kind": "Cluster",
        "metadata": {"name": "default"},
        "spec": {"capacityProviders": providers},
    }


def apply(kube: Kube, namespace: str, *docs: dict[str, Any]) -> None:
    apply_manifests(kube, list(docs), namespace)


def patch_service_spec(kube: Kube, namespace: str, name: str, **fields: Any) -> None:
    """Server-side apply of some spec fields as the test's field manager (a user's `kubectl apply`)."""
    body = ecs_service(kube, namespace, name)
    spec = {**body["spec"], **fields}
    kube.apply(
        {
            "apiVersion": GROUP,
            "kind": "Service",
            "metadata": {"name": name, "namespace": namespace},
            "spec": spec,
        }
    )


# ---- reading the Service ----


def status(kube: Kube, namespace: str, name: str) -> dict[str, Any]:
    return ecs_service(kube, namespace, name).get("status") or {}


def deployments(kube: Kube, namespace: str, name: str) -> list[dict[str, Any]]:
    return list(status(kube, namespace, name).get("deployments") or [])


def primary(kube: Kube, namespace: str, name: str) -> dict[str, Any]:
    return next((d for d in deployments(kube, namespace, name) if d["status"] == "PRIMARY"), {})


def condition(kube: Kube, namespace: str, name: str, type_: str) -> dict[str, Any]:
    conds = status(kube, namespace, name).get("conditions") or []
    return next((c for c in conds if c["type"] == type_), {})


def status_messages(kube: Kube, namespace: str, name: str) -> list[str]:
    return [e["message"] for e in status(kube, namespace, name).get("events") or []]


def k8s_events(kube: Kube, namespace: str, name: str) -> list[dict[str, Any]]:
    return [
        e
        for e in kube.list(resources.EVENT, namespace)
        if e["involvedObject"].get("name") == name and e["involvedObject"].get("kind") == "Service"
    ]


def wait_for_event(
    kube: Kube, namespace: str, name: str, matches: Callable[[dict[str, Any]], Any], what: str
) -> dict[str, Any]:
    """The Service's first Kubernetes Event that `matches`: Events are posted off the reconcile
    path, so one may arrive a moment after the status that goes with it."""
    return wait_until(
        lambda: next((e for e in k8s_events(kube, namespace, name) if matches(e)), None), 15, what
    )


def provider_status(kube: Kube, namespace: str, name: str) -> dict[str, dict[str, Any]]:
    return {p["capacityProvider"]: p for p in status(kube, namespace, name).get("providers") or []}


def live_pods(kube: Kube, namespace: str, service_name: str) -> list[dict[str, Any]]:
    return [
        p
        for p in kube.list(resources.POD, namespace, f"ecs-operator.dev/service={service_name}")
        if not p["metadata"].get("deletionTimestamp")
    ]


def pod_task_definitions(kube: Kube, namespace: str, service_name: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for pod in live_pods(kube, namespace, service_name):
        ref = pod["metadata"]["labels"].get("ecs-operator.dev/task-definition", "")
        out[ref] = out.get(ref, 0) + 1
    return out


def children(kube: Kube, namespace: str) -> dict[str, dict[str, Any]]:
    return {d["metadata"]["name"]: d for d in kube.list(resources.DEPLOYMENT, namespace)}


def replicas(kube: Kube, namespace: str) -> dict[str, int]:
    return {name: d["spec"]["replicas"] for name, d in children(kube, namespace).items()}


# ---- watching pods during a rollout ----


@dataclass
class Sample:
    at: float
    total: int  # tasks counting toward maximumPercent: not terminating, not failed
    ready: int  # healthy tasks: Ready and not terminating
    running: int
    by_provider: dict[str, int]


@dataclass
class PodSampler:
    """Polls the service's pods in a thread and keeps every look, for the bounds seen meanwhile."""

    kube: Kube
    namespace: str
    service_name: str
    interval: float = 0.15
    samples: list[Sample] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def _look(self) -> Sample:
        pods = [
            pod_state(p)
            for p in self.kube.list(
                resources.POD, self.namespace, f"ecs-operator.dev/service={self.service_name}"
            )
        ]
        alive = [
            p for p in pods if not p.deleting and not p.failed and p.phase not in ("Succeeded", "Failed")
        ]
        by_provider: dict[str, int] = {}
        for p in alive:
            if p.running:
                by_provider[p.provider or ""] = by_provider.get(p.provider or "", 0) + 1
        return Sample(
            at=time.monotonic(),
            total=len(alive),
            ready=sum(1 for p in alive if p.ready),
            running=sum(1 for p in alive if p.running),
            by_provider=by_provider,
        )

    def _run(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(Exception):  # a transient API error: the next look counts
                self.samples.append(self._look())
            self._stop.wait(self.interval)

    def __enter__(self) -> PodSampler:
        self.samples.append(self._look())
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)

    @property
    def max_total(self) -> int:
        return max(s.total for s in self.samples)

    @property
    def min_ready(self) -> int:
        return min(s.ready for s in self.samples)

    @property
    def min_running(self) -> int:
        return min(s.running for s in self.samples)


# ---- a node pool of one's own ----


@dataclass
class DedicatedPool:
    """Nodes and a spot CapacityProvider that only this test uses: the nodes carry a unique label and
    a unique NoSchedule taint (no other test's pods land there), and no `capacity-type` label (no
    other test counts them), so removing them never disturbs tests running in parallel."""

    kube: Kube
    api_client: Any
    tag: str
    shape: NodeShape = DEFAULT_SHAPE
    nodes: list[str] = field(default_factory=list)
    _index: int = 0

    @property
    def provider_object(self) -> str:
        return f"spot-{self.tag}"

    @property
    def provider(self) -> str:
        """The ECS name of the pool's capacity provider."""
        return f"SPOT_{self.tag.upper()}"

    def capacity_provider(self) -> dict[str, Any]:
        return {
            "apiVersion": GROUP,
            "kind": "CapacityProvider",
            "metadata": {"name": self.provider_object},
            "spec": {
                "name": self.provider,
                "capacityType": "spot",
                "nodeSelector": {TEST_POOL_LABEL: self.tag},
                "tolerations": [
                    {"key": TEST_POOL_LABEL, "operator": "Equal", "value": self.tag, "effect": "NoSchedule"}
                ],
            },
        }

    def add_node(self, wait: bool = True) -> str:
        node = build_node("spot", self._index, self.shape)
        self._index += 1
        name = f"kwok-{self.tag}-{self._index}"
        node["metadata"]["name"] = name
        node["metadata"]["labels"]["kubernetes.io/hostname"] = name
        node["metadata"]["labels"].pop(CAPACITY_TYPE, None)
        node["metadata"]["labels"][TEST_POOL_LABEL] = self.tag
        node["spec"]["providerID"] = f"kwok://{name}"
        node["spec"]["taints"] = [{"key": TEST_POOL_LABEL, "value": self.tag, "effect": "NoSchedule"}]
        fleet.create_nodes(self.api_client, [node])
        self.nodes.append(name)
        if wait:
            fleet.wait_nodes_ready(self.api_client, {name})
        return name

    def interrupt(self, name: str) -> None:
        """A spot reclaim: NoExecute taint (pods evicted), then the node goes away."""
        fleet.interrupt_node(self.api_client, name)
        fleet.remove_node(self.api_client, name)
        self.nodes.remove(name)

    def close(self) -> None:
        for name in list(self.nodes):
            fleet.remove_node(self.api_client, name, wait=False)
        self.nodes.clear()
        self.kube.delete(resources.CAPACITY_PROVIDER, None, self.provider_object)


@contextmanager
def dedicated_pool(
    kube: Kube, api_client: Any, nodes: int, shape: NodeShape = DEFAULT_SHAPE
) -> Iterator[DedicatedPool]:
    pool = DedicatedPool(kube, api_client, uuid.uuid4().hex[:6], shape)
    try:
        kube.apply(pool.capacity_provider())
        for _ in range(nodes):
            pool.add_node(wait=False)
        if pool.nodes:
            fleet.wait_nodes_ready(api_client, set(pool.nodes))
        yield pool
    finally:
        pool.close()


def timed(probe: Callable[[], Any], timeout: float, what: str) -> tuple[Any, float]:
    """wait_until, and how long it took (seconds)."""
    start = time.monotonic()
    result = wait_until(probe, timeout, what)
    return result, time.monotonic() - start


class StatusRecorder:
    """Every `status.deployments` the Service went through, from a watch (so even a state that
    lasted one reconcile is seen): `seen` as (id, status, rolloutState, taskDefinition) tuples,
    `entries` the full entries, both without consecutive repeats. `wait_for` waits for a status
    that may last less than a poll interval (a return to spot on kwok takes about a second)."""

    def __init__(self, kube: Kube, namespace: str, name: str, api_client: Any = None) -> None:
        self.kube, self.namespace, self.name = kube, namespace, name
        self.api = client.CustomObjectsApi(api_client or kube.api)
        self.seen: list[list[tuple[str, str, str, str]]] = []
        self.entries: list[list[dict[str, Any]]] = []
        self.statuses: list[dict[str, Any]] = []
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _record(self, body: dict[str, Any]) -> None:
        full = list((body.get("status") or {}).get("deployments") or [])
        view = [(d["id"], d["status"], d.get("rolloutState", ""), d.get("taskDefinition", "")) for d in full]
        with self._changed:
            if not self.seen or self.seen[-1] != view:
                self.seen.append(view)
                self.entries.append(full)
            self.statuses.append(body.get("status") or {})
            self._changed.notify_all()

    def wait_for(
        self, predicate: Callable[[dict[str, Any]], Any], timeout: float, what: str
    ) -> dict[str, Any]:
        """The first status recorded since entering that satisfies `predicate`, as soon as the
        watch delivers it."""
        deadline = time.monotonic() + timeout
        checked = 0
        with self._changed:
            while True:
                for seen in self.statuses[checked:]:
                    if predicate(seen):
                        return seen
                checked = len(self.statuses)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    last = self.statuses[-1:]
                    raise AssertionError(f"{what} not seen within {timeout:.0f} s; last: {last}")
                self._changed.wait(remaining)

    def _run(self) -> None:
        version = self._version
        while not self._stop.is_set():
            try:
                stream = watch.Watch().stream(
                    self.api.list_namespaced_custom_object,
                    "ecs-operator.dev",
                    "v1alpha1",
                    self.namespace,
                    "ecsservices",
                    field_selector=f"metadata.name={self.name}",
                    resource_version=version,
                    timeout_seconds=2,
                )
                for event in stream:
                    body = event["object"]
                    version = body["metadata"]["resourceVersion"]
                    self._record(body)
                    if self._stop.is_set():
                        break
            except Exception:  # an expired version or a dropped stream: start again from now
                version = self._list()

    def _list(self) -> str:
        body = ecs_service(self.kube, self.namespace, self.name)
        self._record(body)
        return str(body["metadata"]["resourceVersion"])

    def __enter__(self) -> StatusRecorder:
        self._version = self._list()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        time.sleep(0.3)  # the last writes still on their way in the stream
        self._stop.set()
        self._thread.join(5)
