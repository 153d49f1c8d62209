"""Watch events -> the store, then the re-queue table (`requeue`).

What is watched, and how: kopf watches the operator's own kinds and nodes (few objects, few events;
`handlers`), the child kinds and pods come through plain streams (`streams`). Each event updates the
store (and, for the child kinds, the owner index) and says what changed (`Change`), so the re-queue
table can name what to reconcile.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

from ecs_operator.api import labels
from ecs_operator.controller import reconcile, requeue, resources
from ecs_operator.controller.requeue import Change
from ecs_operator.controller.resources import Resource
from ecs_operator.controller.runtime import Runtime
from ecs_operator.controller.streams import CollectionStream, Connection

MANAGED = {labels.MANAGED_BY: labels.MANAGED_BY_VALUE}

# The kinds kopf watches (few objects, few events), listed once at start-up to prime the store.
WATCHED: list[tuple[Resource, dict[str, str] | None]] = [
    (resources.TASK_DEFINITION, None),
    (resources.ECS_SERVICE, None),
    (resources.CAPACITY_PROVIDER, None),
    (resources.ECS_CLUSTER, None),
    (resources.NODE, None),
    (resources.CONTROLLER_REVISION, MANAGED),
    (resources.NAMESPACE, None),  # their Pod Security labels
]

# Child kinds are listed and watched whole (the owner index must see names that are not ours);
# the store keeps only our labelled ones. They and pods come through `streams`, not kopf.
CHILD_KINDS = reconcile.CHILD_KINDS
STREAMED: tuple[Resource, ...] = (*CHILD_KINDS, resources.POD)


def selector(labels_: Mapping[str, str] | None) -> str | None:
    """A label selector for the API server: `k=v,k2=v2`, or None for none."""
    return ",".join(f"{k}={v}" for k, v in (labels_ or {}).items()) or None


def _managed(body: Any) -> bool:
    found = body.get("metadata", {}).get("labels") or {}
    return all(found.get(k) == v for k, v in MANAGED.items())


def record(
    rt: Runtime,
    resource: Resource,
    event: Mapping[str, Any],
    body: Mapping[str, Any],
    deleted: bool = False,
) -> Change | None:
    """Update the store from a watch event; None when the namespace is not ours."""
    data = dict(body)
    data.setdefault("apiVersion", resource.api_version)
    data.setdefault("kind", resource.kind)
    meta = data["metadata"]
    if not rt.serves(meta.get("namespace")):
        return None
    kind = resources.kind_key(resource)
    old = rt.store.get(kind, meta.get("namespace") or "", meta["name"])
    if deleted or event.get("type") == "DELETED":
        rt.store.delete(kind, data)
        return Change(fresh=True, spec=True)
    rt.store.upsert(kind, data)
    if old is None:
        return Change(fresh=True, spec=True)
    before = old["metadata"]
    return Change(
        fresh=before.get("resourceVersion") != meta.get("resourceVersion"),
        spec=before.get("generation") != meta.get("generation")
        or bool(before.get("deletionTimestamp")) != bool(meta.get("deletionTimestamp")),
    )


def _child_event(
    rt: Runtime,
    resource: Resource,
    event: Mapping[str, Any],
    body: Mapping[str, Any],
    namespace: str | None,
    deleted: bool = False,
    delay: float = 0.0,
) -> Change | None:
    change = record(rt, resource, event, body, deleted)
    if change is not None and change.fresh:
        requeue.child_changed(rt, body, namespace, delay)
    return change


def child_event(rt: Runtime, resource: Resource, event_type: str, body: dict[str, Any]) -> None:
    """A child kind's event, of any object of the kind: each feeds the owner index; ours also feed
    the store and re-queue the Service that owns them."""
    namespace = body["metadata"].get("namespace")
    if not rt.serves(namespace):
        return
    kind = resources.kind_key(resource)
    rt.owners.record(kind, body, deleted=event_type == "DELETED")
    if _managed(body):
        _child_event(rt, resource, {"type": event_type}, body, namespace)
        return
    name = body["metadata"]["name"]
    stored = rt.store.get(kind, namespace or "", name)
    if stored is not None:  # our label was taken off: gone from our picture, its Service looks again
        _child_event(rt, resource, {"type": event_type}, stored, namespace, deleted=True)
    elif rt.store.get(resources.kind_key(resources.ECS_SERVICE), namespace or "", name) is not None:
        # Someone else's object under a Service's own name (its ServiceAccount, core Service, PDB):
        # taken, the Service is held; freed, it goes on.
        rt.queue.add(("Service", namespace or "", name))


def pod_event(rt: Runtime, event_type: str, body: dict[str, Any]) -> None:
    namespace = body["metadata"].get("namespace")
    change = _child_event(rt, resources.POD, {"type": event_type}, body, namespace, delay=requeue.POD_DELAY)
    if change is not None and change.fresh:
        requeue.pod_changed(rt, body, namespace)


def relisted(rt: Runtime, resource: Resource, listed: list[dict[str, Any]], version: str) -> None:
    """A stream listed its collection again (its watch had fallen too far behind): what the store
    and the owner index still hold beyond the listing was deleted meanwhile."""
    kind = resources.kind_key(resource)
    served = [item for item in listed if rt.serves(item["metadata"].get("namespace"))]
    if resource in CHILD_KINDS:
        rt.owners.retain(kind, served)
    requeue.gone(rt, rt.store.sweep(kind, served, as_of=version))


def streams(rt: Runtime, connection: Connection) -> list[CollectionStream]:
    """The busy kinds come through plain streams, not kopf (see `streams`): every child kind whole
    (the owner index must see names that are not ours), pods by our label, in each served namespace."""
    made = []
    for resource in STREAMED:
        on_event = partial(pod_event, rt) if resource == resources.POD else partial(child_event, rt, resource)
        label_selector = selector(MANAGED) if resource == resources.POD else None
        for namespace in rt.namespaces or (None,):
            made.append(
                CollectionStream(
                    connection,
                    resource,
                    on_event,
                    partial(relisted, rt, resource),
                    namespace=namespace,
                    label_selector=label_selector,
                )
            )
    return made
