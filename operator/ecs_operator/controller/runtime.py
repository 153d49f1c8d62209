"""What the running operator holds: the API client, the store, the owner index and the work queue."""

from __future__ import annotations

from dataclasses import dataclass, field

from ecs_operator.controller.kube import Kube
from ecs_operator.controller.store import OwnerIndex, Store
from ecs_operator.controller.workqueue import WorkQueue


@dataclass
class Runtime:
    kube: Kube
    store: Store = field(default_factory=Store)
    owners: OwnerIndex = field(default_factory=OwnerIndex)
    queue: WorkQueue = field(default_factory=WorkQueue)
    namespaces: tuple[str, ...] = ()  # empty: all namespaces

    def serves(self, namespace: str | None) -> bool:
        return not self.namespaces or not namespace or namespace in self.namespaces
