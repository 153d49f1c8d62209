"""Start-up and sweeping: what a fresh listing of kopf's kinds drops from the store (no API server)."""

from ecs_operator.api import labels
from ecs_operator.controller import resources, startup
from ecs_operator.controller.runtime import Runtime


class Listing:
    """A client whose listings hold only the objects given."""

    def __init__(self, objects):
        self.objects = objects

    def list(self, resource, namespace=None, label_selector=None):
        return list(self.objects.get(resource, []))


def test_a_sweep_drops_ghosts_of_kopfs_kinds_and_requeues_the_services_they_belonged_to(body):
    service = body("ECSService", "web", "ns")
    ghost = body("ControllerRevision", "web-1", "ns", version="3")
    ghost["metadata"]["labels"] = {labels.SERVICE: "web"}
    newer = body("ControllerRevision", "web-2", "ns", version="5")
    node = body("Node", "node-9", version="9")
    listed = {resources.ECS_SERVICE: [service], resources.CONTROLLER_REVISION: [newer], resources.NODE: []}
    rt = Runtime(kube=Listing(listed))
    for kind, item in (
        (resources.ECS_SERVICE, service),
        (resources.CONTROLLER_REVISION, ghost),
        (resources.CONTROLLER_REVISION, newer),
        (resources.NODE, node),
    ):
        rt.store.upsert(resources.kind_key(kind), item)
    assert startup.sweep_store(rt) == 1
    assert rt.store.all(resources.kind_key(resources.CONTROLLER_REVISION)) == [newer]
    # An empty listing without its version proves nothing: the node stays.
    assert rt.store.all(resources.kind_key(resources.NODE)) == [node]
    assert rt.queue.get_nowait() == ("Service", "ns", "web")
