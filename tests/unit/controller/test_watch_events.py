"""A watch event updates the store and says what changed (no API server)."""

from ecs_operator.controller import resources, watch_events
from ecs_operator.controller.requeue import Change
from ecs_operator.controller.runtime import Runtime


def test_a_change_says_whether_it_is_new_and_whether_it_is_more_than_status(body):
    runtime = Runtime(kube=None)

    def record(resource, event, new):
        return watch_events.record(runtime, resource, event, new)

    first = body("ECSService", "web", "ns")
    assert record(resources.ECS_SERVICE, {"type": "ADDED"}, first) == Change(True, True)
    # Our own status write, upserted from the response, comes back as an event: nothing new.
    assert record(resources.ECS_SERVICE, {"type": "MODIFIED"}, first) == Change(False, False)
    status_only = body("ECSService", "web", "ns", version="2")
    assert record(resources.ECS_SERVICE, {"type": "MODIFIED"}, status_only) == Change(True, False)
    new_spec = body("ECSService", "web", "ns", version="3", generation=2)
    assert record(resources.ECS_SERVICE, {"type": "MODIFIED"}, new_spec) == Change(True, True)
    deleting = body(
        "ECSService", "web", "ns", version="4", generation=2, deletionTimestamp="2026-11-22T00:00:00Z"
    )
    assert record(resources.ECS_SERVICE, {"type": "MODIFIED"}, deleting) == Change(True, True)
    assert record(resources.ECS_SERVICE, {"type": "DELETED"}, deleting) == Change(True, True)
