"""What the running operator holds: the API client, the store, the owner index, the work queue and
the event recorder."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ecs_operator.api.labels import service_label
from ecs_operator.controller import resources
from ecs_operator.controller.kube import Kube
from ecs_operator.controller.recorder import EventRecorder
from ecs_operator.controller.store import OwnerIndex, Store
from ecs_operator.controller.workqueue import WorkQueue
from ecs_operator.core.service.settings import Settings
from ecs_operator.core.task.state import pod_projection


def namespace_projection(body: Mapping[str, Any]) -> dict[str, Any]:
    """Of a namespace only its labels are read (the Pod Security level it enforces)."""
    meta = body.get("metadata") or {}
    kept = {k: meta[k] for k in ("name", "labels", "resourceVersion") if k in meta}
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": kept}


def new_store() -> Store:
    """Pods are kept as the projection their state is read from (most of a pod is spec); ECS
    Services are indexed by their service label, so a child or pod finds its Service."""
    return Store(
        projections={resources.POD.plural: pod_projection, resources.NAMESPACE.plural: namespace_projection},
        service_keys={resources.kind_key(resources.ECS_SERVICE): service_label},
    )


@dataclass
class Runtime:
    kube: Kube
    store: Store = field(default_factory=new_store)
    owners: OwnerIndex = field(default_factory=OwnerIndex)
    queue: WorkQueue = field(default_factory=WorkQueue)
    namespaces: tuple[str, ...] = ()  # empty: all namespaces
    settings: Settings = field(default_factory=Settings)
    events: EventRecorder = field(init=False)

    def __post_init__(self) -> None:
        self.events = EventRecorder(self.kube)

    def serves(self, namespace: str | None) -> bool:
        return not self.namespaces or not namespace or namespace in self.namespaces

    def pod_security(self, namespace: str) -> str:
        """The Pod Security level `namespace` enforces (its label, else the operator's default)."""
        body = self.store.get(resources.kind_key(resources.NAMESPACE), "", namespace) or {}
        return self.settings.pod_security(body.get("metadata", {}).get("labels"))
