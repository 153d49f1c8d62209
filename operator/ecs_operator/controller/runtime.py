"""What the running operator holds: the API client, the store and the work queue."""

from __future__ import annotations

from dataclasses import dataclass, field

from ecs_operator.controller.kube import Kube
from ecs_operator.controller.store import Store
from ecs_operator.controller.workqueue import WorkQueue


@dataclass
class Runtime:
    kube: Kube
    store: Store = field(default_factory=Store)
    queue: WorkQueue = field(default_factory=WorkQueue)
    namespaces: tuple[str, ...] = ()  # empty: all namespaces

    def serves(self, namespace: str | None) -> bool:
        return not self.namespaces or not namespace or namespace in self.namespaces
