"""One reconcile per kind: read the store, call the core, write only what differs.

Every write goes through `apply_child`/`write_status`, which first compare with what the store
already holds, so a reconcile at steady state (or right after a restart) sends nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from ecs_operator.api import labels
from ecs_operator.api.labels import service_label
from ecs_operator.controller import metrics, ownership, resources
from ecs_operator.controller.kube import AlreadyExists, Conflict
from ecs_operator.controller.resources import Resource, kind_key
from ecs_operator.controller.runtime import Runtime
from ecs_operator.controller.workqueue import WorkKey
from ecs_operator.core.cluster import capacity_provider_status, cluster_status
from ecs_operator.core.k8s.drift import differing_paths, satisfied
from ecs_operator.core.k8s.timestamps import format_time
from ecs_operator.core.service import plan as service_plan
from ecs_operator.core.service import status as service_status
from ecs_operator.core.service.task_definition_choice import references_family
from ecs_operator.core.task.state import pod_state
from ecs_operator.core.task_definition import registration, revisions

log = logging.getLogger("ecs_operator")
EXPECTED_ERRORS: tuple[type[Exception], ...] = (Conflict,)


def now_stamp() -> tuple[datetime, str]:
    now = datetime.now(UTC).replace(microsecond=0)
    return now, format_time(now)


def dispatch(rt: Runtime, key: WorkKey) -> float | None:
    kind, namespace, name = key
    if kind == "TaskDefinition":
        return reconcile_task_definition(rt, namespace, name)
    if kind == "Service":
        return reconcile_service(rt, namespace, name)
    if kind == "CapacityProvider":
        return reconcile_capacity_provider(rt, name)
    if kind == "Cluster":
        return reconcile_cluster(rt, namespace, name)
    raise ValueError(f"unknown kind {kind}")


# ---- writes, each guarded by a comparison with the store ----


def status_patch(old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> dict[str, Any] | None:
    """The merge patch that turns `old` status into `new` (None: nothing to write)."""
    old = old or {}
    patch: dict[str, Any] = {k: v for k, v in new.items() if old.get(k) != v}
    patch.update({k: None for k in old if k not in new})
    return patch or None


def write_status(rt: Runtime, resource: Resource, body: Mapping[str, Any], status: Mapping[str, Any]) -> bool:
    patch = status_patch(body.get("status"), status)
    if patch is None:
        return False
    meta = body["metadata"]
    log.debug("status of %s %s changes: %s", body.get("kind"), meta["name"], sorted(patch))
    result = rt.kube.patch_status(resource, meta.get("namespace"), meta["name"], patch)
    metrics.API_WRITES.labels(kind_key(resource)).inc()
    if result:
        rt.store.upsert(
            kind_key(resource), {**result, "apiVersion": resource.api_version, "kind": resource.kind}
        )
    return True


def apply_child(rt: Runtime, desired: Mapping[str, Any], live: Mapping[str, Any] | None) -> bool:
    """Create a new child with a POST (cheaper for the API server than an apply: bench/notes.md);
    bring an existing one to the desired state with a server-side apply."""
    if live is not None and satisfied(desired, live):
        return False
    resource = resources.resource_of(dict(desired))
    meta = desired["metadata"]
    if live is None:
        try:
            result = rt.kube.create(desired)
        except AlreadyExists:
            # Not in the store yet: ours (the watch lags, or our label was taken off) is applied
            # over; anyone else's is left alone, and the retry reports it from the owner index.
            live = _existing_if_ours(
                rt, resource, meta["namespace"], meta["name"], meta["ownerReferences"][0]["uid"]
            )
            if live is None:
                raise
        else:
            metrics.API_WRITES.labels(kind_key(resource)).inc()
            if result:
                rt.store.upsert(kind_key(resource), result)
            return True
    else:
        log.info("%s %s drifted at %s", desired["kind"], meta["name"], differing_paths(desired, live)[:5])
    _claim(rt, resource, live)
    result = rt.kube.apply(desired)
    metrics.API_WRITES.labels(kind_key(resource)).inc()
    if result:
        rt.store.upsert(kind_key(resource), result)
    return True


def _claim(rt: Runtime, resource: Resource, live: Mapping[str, Any]) -> None:
    """Our fields under an Apply entry before the first apply (ownership.py). The store's list of
    entries can lag the server's by an event (a status write, a claim just made): if the patch's
    tests fail, the claim is made again once from a fresh read."""
    meta = live["metadata"]
    claim = ownership.claim_patch(live, rt.kube.field_manager)
    if claim is None:
        return
    try:
        rt.kube.json_patch(resource, meta["namespace"], meta["name"], claim)
    except Conflict:
        fresh = rt.kube.get(resource, meta["namespace"], meta["name"])
        claim = ownership.claim_patch(fresh, rt.kube.field_manager) if fresh else None
        if claim is None:
            return
        rt.kube.json_patch(resource, meta["namespace"], meta["name"], claim)
    metrics.API_WRITES.labels(kind_key(resource)).inc()


def _existing_if_ours(
    rt: Runtime, resource: Resource, namespace: str, name: str, owner_uid: str
) -> dict[str, Any] | None:
    """After a create met AlreadyExists: the object from the server if `owner_uid` owns it (made by
    us a moment ago, not in the store yet), else None (someone else's, or gone again)."""
    live = rt.kube.get(resource, namespace, name)
    return live if live is not None and _owned_by(live, owner_uid) else None


def _owned_by(body: Mapping[str, Any], uid: str) -> bool:
    return any(o.get("uid") == uid for o in body["metadata"].get("ownerReferences") or [])


def post_events(rt: Runtime, body: Mapping[str, Any], events: list[tuple[str, str, str]]) -> None:
    for type_, reason, message in events:
        rt.events.record(body, type_, reason, message)


# ---- TaskDefinition ----


def reconcile_task_definition(rt: Runtime, namespace: str, name: str) -> float | None:
    body = rt.store.get(kind_key(resources.TASK_DEFINITION), namespace, name)
    if body is None:
        return None
    existing = revisions.revisions_of(
        rt.store.all(kind_key(resources.CONTROLLER_REVISION), namespace), body["metadata"]["uid"]
    )
    in_use = any(references_family(s, name) for s in rt.store.all(kind_key(resources.ECS_SERVICE), namespace))
    _, stamp = now_stamp()
    plan = registration.plan_task_definition(body, existing, in_use=in_use, now=stamp)
    if plan.create_revision is not None:
        try:
            created = rt.kube.create(plan.create_revision)
        except AlreadyExists:
            # This very revision, made a moment ago and not in the store yet: take it from the
            # server. Anything else under its number waits for the store (the next number).
            wanted = plan.create_revision
            created = _existing_if_ours(
                rt,
                resources.CONTROLLER_REVISION,
                namespace,
                wanted["metadata"]["name"],
                body["metadata"]["uid"],
            )
            if created is None or created.get("data") != wanted.get("data"):
                raise
        else:
            metrics.API_WRITES.labels(kind_key(resources.CONTROLLER_REVISION)).inc()
        if created:
            rt.store.upsert(
                kind_key(resources.CONTROLLER_REVISION),
                {**created, "apiVersion": "apps/v1", "kind": "ControllerRevision"},
            )
    post_events(rt, body, plan.events)
    write_status(rt, resources.TASK_DEFINITION, body, plan.status)
    if plan.finalizers is not None:
        rt.kube.patch_metadata(resources.TASK_DEFINITION, namespace, name, {"finalizers": plan.finalizers})
        metrics.API_WRITES.labels(kind_key(resources.TASK_DEFINITION)).inc()
    return None


# ---- CapacityProvider ----


def reconcile_capacity_provider(rt: Runtime, name: str) -> float | None:
    body = rt.store.get(kind_key(resources.CAPACITY_PROVIDER), "", name)
    if body is None:
        return None
    pods = [
        pod_state(p)
        for p in rt.store.all(kind_key(resources.POD))
        if (p["metadata"].get("labels") or {}).get(labels.CAPACITY_PROVIDER) == name
    ]
    _, stamp = now_stamp()
    status = capacity_provider_status.capacity_provider_status(
        body, rt.store.all(kind_key(resources.NODE)), pods, now=stamp
    )
    spec = body.get("spec") or {}
    ecs_name = spec.get("name") or name
    ctype = spec.get("capacityType", "")
    metrics.CAPACITY_PROVIDER_RESERVATION.labels(ecs_name, ctype).set(status["capacityProviderReservation"])
    metrics.CAPACITY_PROVIDER_NODES.labels(ecs_name, ctype, "true").set(status["readyNodes"])
    metrics.CAPACITY_PROVIDER_NODES.labels(ecs_name, ctype, "false").set(
        status["nodes"] - status["readyNodes"]
    )
    write_status(rt, resources.CAPACITY_PROVIDER, body, status)
    return None


# ---- Cluster ----


def providers_by_name(rt: Runtime) -> dict[str, Mapping[str, Any]]:
    return {
        body["metadata"]["name"]: body.get("spec") or {}
        for body in rt.store.all(kind_key(resources.CAPACITY_PROVIDER))
    }


def reconcile_cluster(rt: Runtime, namespace: str, name: str) -> float | None:
    body = rt.store.get(kind_key(resources.ECS_CLUSTER), namespace, name)
    if body is None:
        return None
    running = sum(
        1
        for p in rt.store.all(kind_key(resources.POD), namespace)
        if (p.get("status") or {}).get("phase") == "Running" and not p["metadata"].get("deletionTimestamp")
    )
    services = len(rt.store.all(kind_key(resources.ECS_SERVICE), namespace))
    _, stamp = now_stamp()
    status = cluster_status.cluster_status(
        body,
        providers_by_name(rt),
        running_tasks=running,
        active_services=services,
        now=stamp,
        in_effect=cluster_status.cluster_of(rt.store.all(kind_key(resources.ECS_CLUSTER), namespace)),
    )
    write_status(rt, resources.ECS_CLUSTER, body, status)
    return None


# ---- Service ----

CHILD_KINDS = (
    resources.DEPLOYMENT,
    resources.DAEMON_SET,
    resources.SERVICE,
    resources.POD_DISRUPTION_BUDGET,
    resources.SERVICE_ACCOUNT,
)


def _family_catalog(rt: Runtime, namespace: str) -> dict[str, service_plan.Family]:
    revs = rt.store.all(kind_key(resources.CONTROLLER_REVISION), namespace)
    catalog = {}
    for td in rt.store.all(kind_key(resources.TASK_DEFINITION), namespace):
        meta = td["metadata"]
        catalog[meta["name"]] = service_plan.Family(
            object_name=meta["name"],
            inactive=bool(meta.get("deletionTimestamp")),
            revisions={r.number: r.spec for r in revisions.revisions_of(revs, meta["uid"])},
        )
    return catalog


def reconcile_service(rt: Runtime, namespace: str, name: str) -> float | None:
    body = rt.store.get(kind_key(resources.ECS_SERVICE), namespace, name)
    if body is None:
        metrics.forget_service(namespace, name)
        return None
    if body["metadata"].get("deletionTimestamp"):
        return None  # owner references let the garbage collector remove the children
    label = service_label(body)
    children = {
        (resource.kind, child["metadata"]["name"]): child
        for resource in CHILD_KINDS
        for child in rt.store.of_service(kind_key(resource), namespace, label)
        if _owned_by(child, body["metadata"]["uid"])
    }
    pods = [pod_state(p) for p in rt.store.of_service(kind_key(resources.POD), namespace, label)]
    clusters = rt.store.all(kind_key(resources.ECS_CLUSTER), namespace)
    cluster_body = cluster_status.cluster_of(clusters)
    now, _ = now_stamp()
    plan = service_plan.plan_service(
        service_plan.ServiceInputs(
            service=body,
            families=_family_catalog(rt, namespace),
            providers=providers_by_name(rt),
            cluster_spec=(cluster_body or {}).get("spec") if cluster_body else None,
            pods=pods,
            children=list(children.values()),
            nodes=rt.store.all(kind_key(resources.NODE)),
            now=now,
            pod_security=rt.pod_security(namespace),
            max_desired_count=rt.settings.max_desired_count,
            service_account_taken=_taken(
                rt, resources.SERVICE_ACCOUNT, namespace, name, body["metadata"]["uid"]
            ),
        )
    )
    conflicts = []
    created = False
    for desired in plan.apply:
        key = (desired["kind"], desired["metadata"]["name"])
        live = children.get(key)
        if live is None and _exists_unowned(rt, desired):
            conflicts.append(f"{desired['kind']} {desired['metadata']['name']}")
            continue
        if apply_child(rt, desired, live) and live is None:
            created = True
    for kind, child_name in plan.delete:
        live = children.get((kind, child_name))
        if live is not None:
            resource = resources.BY_API_VERSION_AND_KIND[(live["apiVersion"], live["kind"])]
            rt.kube.delete(resource, namespace, child_name, uid=live["metadata"]["uid"])
            metrics.API_WRITES.labels(kind_key(resource)).inc()
    if created and not conflicts:
        # Children first: a Service that just got new children reports them in a routine pass of
        # the queue (workqueue.py), behind the new children of other Services waiting in the
        # urgent lane, and with whatever their first status changes brought by then. Nothing is
        # posted here either: its Events are recorded in that status, so the pass posts them.
        rt.queue.add(("Service", namespace, name))
        return None
    status = plan.status
    if conflicts:
        status = service_status.with_ownership_conflict(status, conflicts, body)
    # The conflict's Warning goes out when it starts (or changes), not on every look.
    reported: dict[str, Any] = next(
        (c for c in (body.get("status") or {}).get("conditions") or [] if c.get("type") == "Ready"), {}
    )
    fresh: dict[str, Any] = next((c for c in status.get("conditions") or [] if c.get("type") == "Ready"), {})
    already = reported.get("reason") == fresh.get("reason") == "ErrResourceExists" and reported.get(
        "message"
    ) == fresh.get("message")
    post_events(rt, body, plan.k8s_events([] if already else conflicts))
    write_status(rt, resources.ECS_SERVICE, body, status)
    for provider in status.get("providers") or []:
        for state in ("desired", "running", "pending", "unplaced"):
            metrics.SERVICE_TASKS.labels(namespace, name, provider["capacityProvider"], state).set(
                provider.get(f"{state}Count", 0)
            )
    return plan.requeue_after


def _exists_unowned(rt: Runtime, desired: Mapping[str, Any]) -> bool:
    """A child name taken by an object we don't own: never overwrite it (sample-controller's rule)."""
    meta = desired["metadata"]
    resource = resources.resource_of(dict(desired))
    return _taken(rt, resource, meta["namespace"], meta["name"], meta["ownerReferences"][0]["uid"])


def _taken(rt: Runtime, resource: Resource, namespace: str, name: str, owner_uid: str) -> bool:
    """An object of `resource` named `name` exists and `owner_uid` does not own it. The owner index
    answers from the watch; only a name it has seen under other owners costs a GET (the index may
    lag a change of owners)."""
    seen = rt.owners.owners(kind_key(resource), namespace, name)
    if seen is None or owner_uid in seen:
        return False
    live = rt.kube.get(resource, namespace, name)
    if live is None:
        return False
    return not _owned_by(live, owner_uid)
