"""kopf registration: watch events feed the store and enqueue reconcile keys; workers reconcile.

kopf watches the operator's own kinds and nodes (`on.event`), never with its change-handlers,
daemons or finalizers: those write annotations and finalizers to every object, and the operator
must write nothing at steady state. Pods and children, most of the events, come through plain
streams (`streams`). Reconciles are level-based: each one recomputes from the store.

The event handlers are coroutines: they only touch the store and the queue, so they run on the
loop (kopf would hand a plain function to a thread for every event, tens of thousands of hops
while 1,000 Services converge).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

import kopf

from ecs_operator.api import labels
from ecs_operator.api.names import k8s_name
from ecs_operator.controller import metrics, reconcile, resources
from ecs_operator.controller.kube import NamespaceTerminating, authorization
from ecs_operator.controller.resources import Resource
from ecs_operator.controller.runtime import Runtime
from ecs_operator.controller.streams import CollectionStream, Connection
from ecs_operator.controller.workqueue import WorkKey
from ecs_operator.core.task_definition.revisions import parse_reference

log = logging.getLogger("ecs_operator")
MANAGED = {labels.MANAGED_BY: labels.MANAGED_BY_VALUE}
# Reconciles mostly wait on the API server. 24 in flight converged 1,000 new Services in
# 51.7-56.6 s where 8 took 74 s; 64 were no faster (56.8 s): either way the API server created the
# core Services (each allocates a ClusterIP, about a second under that load) at about 10 a second
# (bench/notes.md). The client pool (kube.POOL_SIZE) is sized above it.
WORKERS = 24

_runtime: Runtime | None = None


def install(runtime: Runtime) -> None:
    global _runtime
    _runtime = runtime


def rt() -> Runtime:
    assert _runtime is not None, "the operator runtime is installed before kopf starts"
    return _runtime


# The kinds kopf watches (few objects, few events), listed once at start-up to prime the store.
WATCHED: list[tuple[Resource, dict[str, str] | None]] = [
    (resources.TASK_DEFINITION, None),
    (resources.ECS_SERVICE, None),
    (resources.CAPACITY_PROVIDER, None),
    (resources.ECS_CLUSTER, None),
    (resources.NODE, None),
    (resources.CONTROLLER_REVISION, MANAGED),
]

# Child kinds are listed and watched whole (the owner index must see names that are not ours);
# the store keeps only our labelled ones. They and pods come through `streams`, not kopf.
CHILD_KINDS = reconcile.CHILD_KINDS
STREAMED: tuple[Resource, ...] = (*CHILD_KINDS, resources.POD)


def _selector(labels_: dict[str, str] | None) -> str | None:
    return ",".join(f"{k}={v}" for k, v in (labels_ or {}).items()) or None


def _managed(body: Any) -> bool:
    found = body.get("metadata", {}).get("labels") or {}
    return all(found.get(k) == v for k, v in MANAGED.items())


def _enqueue_services(namespace: str | None, family: str | None = None, urgent: bool = False) -> None:
    runtime = rt()
    for body in runtime.store.all(resources.kind_key(resources.ECS_SERVICE), namespace):
        if family is not None:
            try:
                ref_family, _ = parse_reference((body.get("spec") or {}).get("taskDefinition") or "")
            except ValueError:
                continue
            if k8s_name(ref_family) != k8s_name(family):
                continue
        meta = body["metadata"]
        runtime.queue.add(("Service", meta["namespace"], meta["name"]), urgent=urgent)


# Counts over every pod (a Cluster's running tasks, a CapacityProvider's reservation) are
# recomputed at most once per RECOUNT_DELAY after pod and Service events, not once per event:
# while a thousand Services start, back-to-back recounts of thousands of pods ate the CPU that
# reconciles needed.
RECOUNT_DELAY = 1.0
# A pod event re-plans its Service this much later: the pods of a Service start together, and
# one look at them all writes one status where a look per pod wrote one each (5.2 status writes
# per Service until 1,000 Services settled, 2.2 with the delay; bench/notes.md).
POD_DELAY = 1.0


def _enqueue_clusters(namespace: str) -> None:
    """The namespace's Cluster counts its services and running tasks."""
    runtime = rt()
    for body in runtime.store.all(resources.kind_key(resources.ECS_CLUSTER), namespace):
        runtime.queue.add_after(("Cluster", namespace, body["metadata"]["name"]), RECOUNT_DELAY)


def _enqueue_capacity_providers() -> None:
    runtime = rt()
    for body in runtime.store.all(resources.kind_key(resources.CAPACITY_PROVIDER)):
        runtime.queue.add(("CapacityProvider", "", body["metadata"]["name"]))


@dataclass(frozen=True)
class Change:
    """What a watch event brought, for deciding what to reconcile."""

    fresh: bool  # not the version the store already held (our own writes come back as events)
    spec: bool  # created, deleted, a new generation or a deletion mark: not just a status update


def _record(
    resource: Resource, event: Mapping[str, Any], body: Mapping[str, Any], deleted: bool = False
) -> Change | None:
    """Update the store from a watch event; None when the namespace is not ours."""
    runtime = rt()
    data = dict(body)
    data.setdefault("apiVersion", resource.api_version)
    data.setdefault("kind", resource.kind)
    meta = data["metadata"]
    if not runtime.serves(meta.get("namespace")):
        return None
    kind = resources.kind_key(resource)
    old = runtime.store.get(kind, meta.get("namespace") or "", meta["name"])
    if deleted or event.get("type") == "DELETED":
        runtime.store.delete(kind, data)
        return Change(fresh=True, spec=True)
    runtime.store.upsert(kind, data)
    if old is None:
        return Change(fresh=True, spec=True)
    before = old["metadata"]
    return Change(
        fresh=before.get("resourceVersion") != meta.get("resourceVersion"),
        spec=before.get("generation") != meta.get("generation")
        or bool(before.get("deletionTimestamp")) != bool(meta.get("deletionTimestamp")),
    )


def _owner_service(body: Any) -> str | None:
    return (body.get("metadata", {}).get("labels") or {}).get(labels.SERVICE)


def _queue_key_for_service_label(namespace: str, label: str, delay: float = 0.0) -> None:
    """The Service a child or pod belongs to, by its label (label_value of the Service's name), from
    the store's index: a scan per event was O(N) each, for every pod of a deleted Service too."""
    runtime = rt()
    for body in runtime.store.of_service(resources.kind_key(resources.ECS_SERVICE), namespace, label):
        key = ("Service", namespace, body["metadata"]["name"])
        if delay:
            runtime.queue.add_after(key, delay)
        else:
            runtime.queue.add(key)


@kopf.on.event(resources.ECS_SERVICE.group, resources.ECS_SERVICE.version, resources.ECS_SERVICE.plural)
async def ecsservice_event(
    event: kopf.RawEvent, body: kopf.Body, namespace: str | None, name: str, **_: Any
) -> None:
    change = _record(resources.ECS_SERVICE, event, body)
    if change is None or not change.fresh:
        return
    # A new Service, generation or deletion mark goes ahead of status refreshes (workqueue.py).
    rt().queue.add(("Service", namespace or "", name), urgent=change.spec)
    if change.spec:  # the Cluster's count of services, and an INACTIVE task definition's wait
        _enqueue_clusters(namespace or "")
        family = (body.get("spec") or {}).get("taskDefinition")
        if family:
            try:
                td = k8s_name(parse_reference(family)[0])
                rt().queue.add(("TaskDefinition", namespace or "", td))
            except ValueError:
                pass


@kopf.on.event(
    resources.TASK_DEFINITION.group, resources.TASK_DEFINITION.version, resources.TASK_DEFINITION.plural
)
async def taskdefinition_event(
    event: kopf.RawEvent, body: kopf.Body, namespace: str | None, name: str, **_: Any
) -> None:
    change = _record(resources.TASK_DEFINITION, event, body)
    if change is None or not change.fresh:
        return
    rt().queue.add(("TaskDefinition", namespace or "", name), urgent=change.spec)
    if change.spec:  # Services read revisions and the deletion mark, never the status
        _enqueue_services(namespace, family=name, urgent=True)


@kopf.on.event(
    resources.CAPACITY_PROVIDER.group, resources.CAPACITY_PROVIDER.version, resources.CAPACITY_PROVIDER.plural
)
async def capacityprovider_event(event: kopf.RawEvent, body: kopf.Body, name: str, **_: Any) -> None:
    change = _record(resources.CAPACITY_PROVIDER, event, body)
    if change is None or not change.fresh:
        return
    rt().queue.add(("CapacityProvider", "", name))
    # Services read a provider's spec only: its status (reservation, task counts) changes with
    # every pod, and re-planning every Service on each of those was most of the CPU at N = 1000.
    if change.spec:
        _enqueue_services(None, urgent=True)


@kopf.on.event(resources.ECS_CLUSTER.group, resources.ECS_CLUSTER.version, resources.ECS_CLUSTER.plural)
async def ecscluster_event(
    event: kopf.RawEvent, body: kopf.Body, namespace: str | None, name: str, **_: Any
) -> None:
    change = _record(resources.ECS_CLUSTER, event, body)
    if change is None or not change.fresh:
        return
    rt().queue.add(("Cluster", namespace or "", name), urgent=change.spec)
    if change.spec:  # Services read the Cluster's spec; its status counts running tasks
        _enqueue_services(namespace, urgent=True)


@kopf.on.event("", "v1", "nodes")
async def node_event(event: kopf.RawEvent, body: kopf.Body, **_: Any) -> None:
    change = _record(resources.NODE, event, body)
    if change is not None and change.fresh:
        _enqueue_capacity_providers()
        # Not only ADDED: a new node becomes usable later (Ready, not-ready taint removed).
        _enqueue_services_waiting_for_capacity()


def _enqueue_services_waiting_for_capacity() -> None:
    """Nodes changed: Services with unplaced tasks or an active fallback look again now
    (a return to the original pool should not wait for the next timer)."""
    runtime = rt()
    for body in runtime.store.all(resources.kind_key(resources.ECS_SERVICE)):
        status = body.get("status") or {}
        waiting = any(p.get("unplacedCount") for p in status.get("providers") or []) or (
            (status.get("fallback") or {}).get("fallbacks")
        )
        if waiting:
            meta = body["metadata"]
            runtime.queue.add(("Service", meta["namespace"], meta["name"]))


@kopf.on.event("apps", "v1", "controllerrevisions", labels=MANAGED)
async def controllerrevision_event(
    event: kopf.RawEvent, body: kopf.Body, namespace: str | None, **_: Any
) -> None:
    # Even when the store already holds it (the reconcile that created a revision stores it at
    # once, so a second look cannot create it twice), the Services of the namespace re-plan.
    if _record(resources.CONTROLLER_REVISION, event, body) is not None:
        for owner in body.get("metadata", {}).get("ownerReferences") or []:
            if owner.get("kind") == "TaskDefinition":
                rt().queue.add(("TaskDefinition", namespace or "", owner["name"]))
        _enqueue_services(namespace, urgent=True)  # a revision is what a user registered


def _child_event(
    resource: Resource,
    event: Mapping[str, Any],
    body: Mapping[str, Any],
    namespace: str | None,
    deleted: bool = False,
    delay: float = 0.0,
) -> Change | None:
    change = _record(resource, event, body, deleted)
    if change is not None and change.fresh:
        service = _owner_service(body)
        if service:
            _queue_key_for_service_label(namespace or "", service, delay)
    return change


def child_event(resource: Resource, event_type: str, body: dict[str, Any]) -> None:
    """A child kind's event, of any object of the kind: each feeds the owner index; ours also feed
    the store and re-queue the Service that owns them."""
    runtime = rt()
    namespace = body["metadata"].get("namespace")
    if not runtime.serves(namespace):
        return
    kind = resources.kind_key(resource)
    runtime.owners.record(kind, body, deleted=event_type == "DELETED")
    if _managed(body):
        _child_event(resource, {"type": event_type}, body, namespace)
        return
    stored = runtime.store.get(kind, namespace or "", body["metadata"]["name"])
    if stored is not None:  # our label was taken off: gone from our picture, its Service looks again
        _child_event(resource, {"type": event_type}, stored, namespace, deleted=True)


def pod_event(event_type: str, body: dict[str, Any]) -> None:
    namespace = body["metadata"].get("namespace")
    change = _child_event(resources.POD, {"type": event_type}, body, namespace, delay=POD_DELAY)
    if change is None or not change.fresh:
        return
    _enqueue_clusters(namespace or "")
    provider = (body.get("metadata", {}).get("labels") or {}).get(labels.CAPACITY_PROVIDER)
    if provider:
        rt().queue.add_after(("CapacityProvider", "", provider), RECOUNT_DELAY)


def relisted(resource: Resource, listed: list[dict[str, Any]], version: str) -> None:
    """A stream listed its collection again (its watch had fallen too far behind): what the store
    and the owner index still hold beyond the listing was deleted meanwhile."""
    runtime = rt()
    kind = resources.kind_key(resource)
    served = [item for item in listed if runtime.serves(item["metadata"].get("namespace"))]
    if resource in CHILD_KINDS:
        runtime.owners.retain(kind, served)
    for body in runtime.store.sweep(kind, served, as_of=version):
        service = _owner_service(body)
        namespace = body["metadata"].get("namespace")
        if service and namespace:
            _queue_key_for_service_label(namespace, service)


def streams(runtime: Runtime, connection: Connection) -> list[CollectionStream]:
    """The busy kinds come through plain streams, not kopf (see `streams`): every child kind whole
    (the owner index must see names that are not ours), pods by our label, in each served namespace."""
    made = []
    for resource in STREAMED:
        on_event = pod_event if resource == resources.POD else partial(child_event, resource)
        selector = _selector(MANAGED) if resource == resources.POD else None
        for namespace in runtime.namespaces or (None,):
            made.append(
                CollectionStream(
                    connection,
                    resource,
                    on_event,
                    partial(relisted, resource),
                    namespace=namespace,
                    label_selector=selector,
                )
            )
    return made


@kopf.on.login()
def login(**_: Any) -> kopf.ConnectionInfo:
    """kopf watches with the same credentials as our client (kubeconfig, token or in-cluster)."""
    config = rt().kube.api.configuration
    scheme, _sep, bare = (authorization(config) or "").rpartition(" ")
    return kopf.ConnectionInfo(
        server=config.host,
        ca_path=config.ssl_ca_cert,
        insecure=not config.verify_ssl,
        scheme=scheme or ("Bearer" if bare else None),
        token=bare or None,
        certificate_path=config.cert_file,
        private_key_path=config.key_file,
    )


class _NoDiffBase(kopf.AnnotationsDiffBaseStorage):
    """This operator has no change handlers, so kopf's per-event deep copy of every body (its
    diff base) is wasted work: about 16 % of the CPU at 1,000 Services in the benchmark profile."""

    def build(self, *, body: kopf.Body, extra_fields: Any = None) -> kopf.BodyEssence:
        return kopf.BodyEssence()


@kopf.on.startup()
async def startup(settings: kopf.OperatorSettings, memo: Any, **_: Any) -> None:
    settings.posting.enabled = False  # our own Events only, with ECS's messages
    settings.persistence.diffbase_storage = _NoDiffBase()
    settings.peering.standalone = True
    settings.watching.server_timeout = 300
    settings.networking.request_timeout = 330
    settings.watching.chunk_size = 500  # kopf's initial listings in pages, not whole collections
    # kopf keeps a worker per object until it has been idle this long, holding the object's last
    # body; with thousands of objects changing at once, 5 s (the default) held thousands of them.
    settings.queueing.idle_timeout = 1.0
    runtime = rt()
    runtime.queue.bind(asyncio.get_running_loop())
    runtime.events.start()
    for resource, selector in WATCHED:
        if selector:
            server_side = _selector(selector)
            assert server_side is not None
            settings.watching.label_selectors[resource.group or resource.version, resource.plural] = (
                server_side
            )
    # Prime the store and the owner index once, so the first reconciles see the whole picture:
    # kopf's kinds by a listing, the streamed kinds by their streams' first listings.
    for resource, selector in WATCHED:
        kind = resources.kind_key(resource)
        items = await asyncio.to_thread(runtime.kube.list, resource, None, _selector(selector))
        for item in items:
            if runtime.serves(item["metadata"].get("namespace")):
                runtime.store.upsert(kind, item)
        del items
    memo.connection = Connection(runtime.kube.api.configuration)
    memo.streams = streams(runtime, memo.connection)
    memo.stream_tasks = [asyncio.create_task(stream.run()) for stream in memo.streams]
    started = time.monotonic()
    await asyncio.gather(*(stream.synced.wait() for stream in memo.streams))
    log.info("listed the streamed kinds in %.1f s", time.monotonic() - started)
    for body in runtime.store.all(resources.kind_key(resources.TASK_DEFINITION)):
        runtime.queue.add(("TaskDefinition", body["metadata"]["namespace"], body["metadata"]["name"]))
    for body in runtime.store.all(resources.kind_key(resources.ECS_CLUSTER)):
        runtime.queue.add(("Cluster", body["metadata"]["namespace"], body["metadata"]["name"]))
    _enqueue_capacity_providers()
    _enqueue_services(None)
    # Reconciles run in threads of their own: `asyncio.to_thread` shares the loop's default pool,
    # which holds cpu_count + 4 threads (6 on two cores), fewer than the workers.
    memo.executor = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="reconcile")
    memo.workers = [asyncio.create_task(_worker(i, memo.executor)) for i in range(WORKERS)]
    memo.workers.append(asyncio.create_task(_sweeper()))
    log.info("ecs-operator started: %d workers", WORKERS)


SWEEP_DELAYS = (1.0, 3.0, 15.0)  # after start-up, while and once kopf's watches start
SWEEP_EVERY = 300.0


def sweep_store(runtime: Runtime) -> int:
    """Relist each kind kopf watches and drop what the store still holds of deleted objects (see
    `Store.sweep`); the Services that owned them reconcile again."""
    removed = 0
    for resource, selector in WATCHED:
        items = [
            item
            for item in runtime.kube.list(resource, None, _selector(selector))
            if runtime.serves(item["metadata"].get("namespace"))
        ]
        for body in runtime.store.sweep(resources.kind_key(resource), items):
            removed += 1
            service = _owner_service(body)
            namespace = body["metadata"].get("namespace")
            if service and namespace:
                _queue_key_for_service_label(namespace, service)
    return removed


async def _sweeper() -> None:
    """Objects of kopf's kinds deleted between the start-up listing and the start of kopf's watches
    get no DELETED event (a ghost revision or Service would be planned with forever): sweep them
    out a few seconds after start-up, then now and then. The streamed kinds need no sweep: their
    watches start where their listings end."""
    delays = [*SWEEP_DELAYS]
    while True:
        await asyncio.sleep(delays.pop(0) if delays else SWEEP_EVERY)
        try:
            removed = await asyncio.to_thread(sweep_store, rt())
        except Exception as exc:  # the next sweep will do
            log.warning("store sweep failed: %s", exc)
        else:
            if removed:
                log.info("store sweep dropped %d objects deleted while the watches started", removed)


@kopf.on.cleanup()
async def cleanup(memo: Any, **_: Any) -> None:
    for task in [*getattr(memo, "workers", []), *getattr(memo, "stream_tasks", [])]:
        task.cancel()
    if hasattr(memo, "connection"):
        await memo.connection.close()
    await asyncio.to_thread(rt().events.flush, 5)
    rt().events.stop()
    if hasattr(memo, "executor"):
        memo.executor.shutdown(wait=False, cancel_futures=True)


async def _worker(index: int, executor: ThreadPoolExecutor) -> None:
    runtime = rt()
    loop = asyncio.get_running_loop()
    while True:
        key: WorkKey = await runtime.queue.get()
        metrics.QUEUE_DEPTH.set(len(runtime.queue))
        started = time.perf_counter()
        kind = key[0]
        try:
            requeue_after = await loop.run_in_executor(executor, reconcile.dispatch, runtime, key)
        except NamespaceTerminating:
            # Its objects are going away with it: no retries, the DELETED events will follow.
            log.debug("reconcile %s/%s/%s skipped: namespace terminating", *key)
            metrics.RECONCILES.labels(kind, "ok").inc()
            runtime.queue.done(key)
        except Exception as exc:  # a reconcile must never take the operator down
            log.warning(
                "reconcile %s/%s/%s failed, will retry: %s",
                *key,
                exc,
                exc_info=not isinstance(exc, reconcile.EXPECTED_ERRORS),
            )
            metrics.RECONCILES.labels(kind, "error").inc()
            runtime.queue.done(key, failed=True)
        else:
            metrics.RECONCILES.labels(kind, "ok").inc()
            runtime.queue.done(key, requeue_after=requeue_after)
        finally:
            metrics.RECONCILE_SECONDS.labels(kind).observe(time.perf_counter() - started)


@kopf.on.probe(id="queue")
def queue_depth(**_: Any) -> int:
    return len(rt().queue)
