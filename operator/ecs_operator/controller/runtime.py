"""What the running operator holds: the API client, the store, the owner index, the work queue and
the event recorder."""

from __future__ import annotations

from dataclasses import dataclass, field

from ecs_operator.api.labels import service_label
from ecs_operator.controller import resources
from ecs_operator.controller.kube import Kube
from ecs_operator.controller.recorder import EventRecorder
from ecs_operator.controller.store import OwnerIndex, Store
from ecs_operator.controller.workqueue import WorkQueue
from ecs_operator.core.task.state import pod_projection


def new_store() -> Store:
    """Pods are kept as the projection their state is read from (most of a pod is spec); ECS
    Services are indexed by their service label, so a child or pod finds its Service."""
    return Store(
        projections={resources.POD.plural: pod_projection},
        service_keys={resources.kind_key(resources.ECS_SERVICE): service_label},
    )


@dataclass
class Runtime:
    kube: Kube
    store: Store = field(default_factory=new_store)
    owners: OwnerIndex = field(default_factory=OwnerIndex)
    queue: WorkQueue = field(default_factory=WorkQueue)
    namespaces: tuple[str, ...] = ()  # empty: all namespaces
    events: EventRecorder = field(init=False)

    def __post_init__(self) -> None:
        self.events = EventRecorder(self.kube)

    def serves(self, namespace: str | None) -> bool:
        return not self.namespaces or not namespace or namespace in self.namespaces
