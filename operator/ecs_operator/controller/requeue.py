"""The re-queue table: which change of which kind re-queues what.

Reconciles are level-based (each recomputes from the store), so a change only has to name the keys
whose picture it changed. A status write of ours comes back as an event that changed nothing
(`Change.fresh`); a status update is not a spec change (`Change.spec`), and most readers read specs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ecs_operator.api import labels
from ecs_operator.api.names import k8s_name
from ecs_operator.controller import resources
from ecs_operator.controller.runtime import Runtime
from ecs_operator.core.task_definition.revisions import parse_reference

# Counts over every pod (a Cluster's running tasks, a CapacityProvider's reservation) are
# recomputed at most once per RECOUNT_DELAY after pod and Service events, not once per event:
# while a thousand Services start, back-to-back recounts of thousands of pods ate the CPU that
# reconciles needed.
RECOUNT_DELAY = 1.0
# A pod event re-plans its Service this much later: the pods of a Service start together, and
# one look at them all writes one status where a look per pod wrote one each (5.2 status writes
# per Service until 1,000 Services settled, 2.2 with the delay; bench/notes.md).
POD_DELAY = 1.0


@dataclass(frozen=True)
class Change:
    """What a watch event brought, for deciding what to reconcile."""

    fresh: bool  # not the version the store already held (our own writes come back as events)
    spec: bool  # created, deleted, a new generation or a deletion mark: not just a status update


# ---- the table: one function per kind that changed ----


def service_changed(rt: Runtime, change: Change, body: Mapping[str, Any], namespace: str, name: str) -> None:
    # A new Service, generation or deletion mark goes ahead of status refreshes (workqueue.py).
    rt.queue.add(("Service", namespace, name), urgent=change.spec)
    if change.spec:  # the Cluster's count of services, and an INACTIVE task definition's wait
        clusters(rt, namespace)
        family = (body.get("spec") or {}).get("taskDefinition")
        if family:
            try:
                td = k8s_name(parse_reference(family)[0])
                rt.queue.add(("TaskDefinition", namespace, td))
            except ValueError:
                pass


def task_definition_changed(rt: Runtime, change: Change, namespace: str | None, name: str) -> None:
    rt.queue.add(("TaskDefinition", namespace or "", name), urgent=change.spec)
    if change.spec:  # Services read revisions and the deletion mark, never the status
        services(rt, namespace, family=name, urgent=True)


def capacity_provider_changed(rt: Runtime, change: Change, name: str) -> None:
    rt.queue.add(("CapacityProvider", "", name))
    # Services read a provider's spec only: its status (reservation, task counts) changes with
    # every pod, and re-planning every Service on each of those was most of the CPU at N = 1000.
    if change.spec:
        services(rt, None, urgent=True)


def cluster_changed(rt: Runtime, change: Change, namespace: str | None, name: str) -> None:
    rt.queue.add(("Cluster", namespace or "", name), urgent=change.spec)
    if change.spec:  # Services read the Cluster's spec; its status counts running tasks
        services(rt, namespace, urgent=True)


def node_changed(rt: Runtime) -> None:
    capacity_providers(rt)
    # Not only ADDED: a new node becomes usable later (Ready, not-ready taint removed).
    services_waiting_for_capacity(rt)


def controller_revision_seen(rt: Runtime, body: Mapping[str, Any], namespace: str | None) -> None:
    """Even when the store already held it (the reconcile that created a revision stores it at
    once, so a second look cannot create it twice), the Services of the namespace re-plan."""
    for owner in body.get("metadata", {}).get("ownerReferences") or []:
        if owner.get("kind") == "TaskDefinition":
            rt.queue.add(("TaskDefinition", namespace or "", owner["name"]))
    services(rt, namespace, urgent=True)  # a revision is what a user registered


def child_changed(rt: Runtime, body: Mapping[str, Any], namespace: str | None, delay: float = 0.0) -> None:
    """A child or pod changed: the Service whose label it carries looks again."""
    service = labels.service_of(body)
    if service:
        service_by_label(rt, namespace or "", service, delay)


def pod_changed(rt: Runtime, body: Mapping[str, Any], namespace: str | None) -> None:
    """Beyond its Service (`child_changed`): the counts of running tasks and of reservation."""
    clusters(rt, namespace or "")
    provider = (body.get("metadata", {}).get("labels") or {}).get(labels.CAPACITY_PROVIDER)
    if provider:
        rt.queue.add_after(("CapacityProvider", "", provider), RECOUNT_DELAY)


def gone(rt: Runtime, bodies: Iterable[Mapping[str, Any]]) -> None:
    """Objects a fresh listing proved deleted: the Services that owned them reconcile again."""
    for body in bodies:
        service = labels.service_of(body)
        namespace = body["metadata"].get("namespace")
        if service and namespace:
            service_by_label(rt, namespace, service)


def everything(rt: Runtime) -> None:
    """At start-up every object of the operator's kinds reconciles once."""
    for body in rt.store.all(resources.kind_key(resources.TASK_DEFINITION)):
        rt.queue.add(("TaskDefinition", body["metadata"]["namespace"], body["metadata"]["name"]))
    for body in rt.store.all(resources.kind_key(resources.ECS_CLUSTER)):
        rt.queue.add(("Cluster", body["metadata"]["namespace"], body["metadata"]["name"]))
    capacity_providers(rt)
    services(rt, None)


# ---- the keys each entry names ----


def services(rt: Runtime, namespace: str | None, family: str | None = None, urgent: bool = False) -> None:
    """The Services of a namespace (None: all), or only those that run `family`."""
    for body in rt.store.all(resources.kind_key(resources.ECS_SERVICE), namespace):
        if family is not None:
            try:
                ref_family, _ = parse_reference((body.get("spec") or {}).get("taskDefinition") or "")
            except ValueError:
                continue
            if k8s_name(ref_family) != k8s_name(family):
                continue
        meta = body["metadata"]
        rt.queue.add(("Service", meta["namespace"], meta["name"]), urgent=urgent)


def clusters(rt: Runtime, namespace: str) -> None:
    """The namespace's Cluster counts its services and running tasks."""
    for body in rt.store.all(resources.kind_key(resources.ECS_CLUSTER), namespace):
        rt.queue.add_after(("Cluster", namespace, body["metadata"]["name"]), RECOUNT_DELAY)


def capacity_providers(rt: Runtime) -> None:
    for body in rt.store.all(resources.kind_key(resources.CAPACITY_PROVIDER)):
        rt.queue.add(("CapacityProvider", "", body["metadata"]["name"]))


def service_by_label(rt: Runtime, namespace: str, label: str, delay: float = 0.0) -> None:
    """The Service a child or pod belongs to, by its label (label_value of the Service's name), from
    the store's index: a scan per event was O(N) each, for every pod of a deleted Service too."""
    for body in rt.store.of_service(resources.kind_key(resources.ECS_SERVICE), namespace, label):
        key = ("Service", namespace, body["metadata"]["name"])
        if delay:
            rt.queue.add_after(key, delay)
        else:
            rt.queue.add(key)


def services_waiting_for_capacity(rt: Runtime) -> None:
    """Nodes changed: Services with unplaced tasks or an active fallback look again now
    (a return to the original pool should not wait for the next timer)."""
    for body in rt.store.all(resources.kind_key(resources.ECS_SERVICE)):
        status = body.get("status") or {}
        waiting = any(p.get("unplacedCount") for p in status.get("providers") or []) or (
            (status.get("fallback") or {}).get("fallbacks")
        )
        if waiting:
            meta = body["metadata"]
            rt.queue.add(("Service", meta["namespace"], meta["name"]))
