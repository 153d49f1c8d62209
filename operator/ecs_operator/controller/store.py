"""An in-memory picture of the cluster, fed by kopf's watch events.

Reconcilers read from here instead of listing the API server (never a list per reconcile).
The store keeps full bodies of the objects the operator reasons about, keyed by kind and
(namespace, name); secondary lookups (children of a Service, pods of a Service) are indexes
over labels, maintained on every update so a read is a dict lookup.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ecs_operator.api import labels
from ecs_operator.controller import ownership

Key = tuple[str, str]  # (namespace or "", name)


def _key(body: Mapping[str, Any]) -> Key:
    meta = body.get("metadata", {})
    return meta.get("namespace") or "", meta["name"]


def _newer_or_equal(new: Mapping[str, Any], old: Mapping[str, Any]) -> bool:
    """resourceVersions are opaque, but etcd's are integers; never let a stale list overwrite."""
    try:
        return int(new["metadata"]["resourceVersion"]) >= int(old["metadata"]["resourceVersion"])
    except (KeyError, TypeError, ValueError):
        return True


class Store:
    def __init__(
        self,
        projections: Mapping[str, Callable[[Mapping[str, Any]], dict[str, Any]]] | None = None,
        service_keys: Mapping[str, Callable[[Mapping[str, Any]], str | None]] | None = None,
    ) -> None:
        # kind -> what to keep of a body of that kind (pods: the fields their state is read from).
        self._projections = dict(projections or {})
        # kind -> the Service label a body is indexed under: its `service` label (children, pods)
        # unless given here (the ECS Services themselves: the label their name gives).
        self._service_keys = dict(service_keys or {})
        self._lock = threading.RLock()
        self._objects: dict[str, dict[Key, dict[str, Any]]] = defaultdict(dict)
        # kind -> (namespace, service label) -> set of keys.
        self._by_service: dict[str, dict[Key, set[Key]]] = defaultdict(lambda: defaultdict(set))

    def upsert(self, kind: str, body: Mapping[str, Any]) -> None:
        key = _key(body)
        with self._lock:
            old = self._objects[kind].get(key)
            if old is not None and not _newer_or_equal(body, old):
                return
            self._unindex(kind, key, old)
            project = self._projections.get(kind)
            stored = project(body) if project is not None else dict(body)
            # managedFields are often the largest part of a body: only who owns fields is kept.
            managed = (stored.get("metadata") or {}).get("managedFields")
            if managed is not None:
                stored["metadata"] = {**stored["metadata"], "managedFields": ownership.summary(managed)}
            self._objects[kind][key] = stored
            service = self._service_keys.get(kind, labels.service_of)(stored)
            if service:
                self._by_service[kind][(key[0], service)].add(key)

    def delete(self, kind: str, body: Mapping[str, Any]) -> None:
        key = _key(body)
        with self._lock:
            self._unindex(kind, key, self._objects[kind].pop(key, None))

    def sweep(
        self, kind: str, listed: Iterable[Mapping[str, Any]], as_of: str | None = None
    ) -> list[dict[str, Any]]:
        """Drop the objects a fresh listing proves gone: absent from it and not newer than the
        listing (`as_of`, its resourceVersion; else its newest item: an object created after the
        listing is newer than all of it). Such ghosts come from deletions while no watch was
        running (between the start-up listing and kopf's watches; a stream's watch that fell
        behind), which send no DELETED."""
        listed = list(listed)
        present = {_key(body) for body in listed}
        try:
            if as_of is not None:
                newest = int(as_of)
            else:
                newest = max(int(body["metadata"]["resourceVersion"]) for body in listed)
        except (KeyError, TypeError, ValueError):  # empty listing or opaque versions: prove nothing
            return []
        removed = []
        with self._lock:
            for key, body in list(self._objects[kind].items()):
                try:
                    version = int(body["metadata"]["resourceVersion"])
                except (KeyError, TypeError, ValueError):
                    continue
                if key not in present and version <= newest:
                    self._unindex(kind, key, self._objects[kind].pop(key))
                    removed.append(body)
        return removed

    def _unindex(self, kind: str, key: Key, old: Mapping[str, Any] | None) -> None:
        if old is None:
            return
        service = self._service_keys.get(kind, labels.service_of)(old)
        if service:
            bucket = self._by_service[kind].get((key[0], service))
            if bucket is not None:
                bucket.discard(key)
                if not bucket:
                    del self._by_service[kind][(key[0], service)]

    def get(self, kind: str, namespace: str, name: str) -> dict[str, Any] | None:
        with self._lock:
            return self._objects[kind].get((namespace, name))

    def all(self, kind: str, namespace: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [
                body for (ns, _), body in self._objects[kind].items() if namespace is None or ns == namespace
            ]

    def of_service(self, kind: str, namespace: str, service: str) -> list[dict[str, Any]]:
        """Objects of `kind` indexed under one ECS Service's label: its children and pods, or
        (for the ECS Service kind) the Service itself."""
        with self._lock:
            keys = list(self._by_service[kind].get((namespace, service), ()))
            return [self._objects[kind][k] for k in keys if k in self._objects[kind]]

    def keys(self, kind: str) -> Iterable[Key]:
        with self._lock:
            return list(self._objects[kind])


class OwnerIndex:
    """Who owns each object of the child kinds, ours or not: (namespace, name) -> owner uids.

    The store holds only our labelled children; a new child's name may still be taken by someone
    else's object, which must never be overwritten. The child kinds are watched whole anyway, so
    this projection answers that from memory instead of a GET per new child (3,500 GETs while
    1,000 Services converge)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owners: dict[str, dict[Key, frozenset[str]]] = defaultdict(dict)

    def record(self, kind: str, body: Mapping[str, Any], deleted: bool = False) -> None:
        key = _key(body)
        with self._lock:
            if deleted:
                self._owners[kind].pop(key, None)
            else:
                refs = body.get("metadata", {}).get("ownerReferences") or []
                self._owners[kind][key] = frozenset(r.get("uid") or "" for r in refs)

    def retain(self, kind: str, listed: Iterable[Mapping[str, Any]]) -> None:
        """Forget the names a fresh listing of the kind no longer holds."""
        present = {_key(body) for body in listed}
        with self._lock:
            for key in [key for key in self._owners[kind] if key not in present]:
                del self._owners[kind][key]

    def owners(self, kind: str, namespace: str, name: str) -> frozenset[str] | None:
        """The owner uids of the object, or None when no object of that name has been seen."""
        with self._lock:
            return self._owners[kind].get((namespace, name))
