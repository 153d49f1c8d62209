"""Which watch events lead to which reconciles (the store and queue only; no API server)."""

import asyncio

from ecs_operator.controller import handlers, resources
from ecs_operator.controller.runtime import Runtime


def body(kind, name, namespace=None, version="1", generation=1, **extra):
    metadata = {"name": name, "resourceVersion": version, "generation": generation, "uid": f"uid-{name}"}
    if namespace:
        metadata["namespace"] = namespace
    metadata.update(extra)
    return {"apiVersion": "ecs-operator.dev/v1alpha1", "kind": kind, "metadata": metadata, "spec": {}}


def queued(runtime):
    keys = set()
    while len(runtime.queue):
        keys.add(runtime.queue.get_nowait())
    runtime.queue._processing.clear()
    return keys


def fresh_runtime():
    runtime = Runtime(kube=None)
    handlers.install(runtime)
    return runtime


def test_a_change_says_whether_it_is_new_and_whether_it_is_more_than_status():
    fresh_runtime()
    record = handlers._record
    first = body("ECSService", "web", "ns")
    assert record(resources.ECS_SERVICE, {"type": "ADDED"}, first) == handlers.Change(True, True)
    # Our own status write, upserted from the response, comes back as an event: nothing new.
    assert record(resources.ECS_SERVICE, {"type": "MODIFIED"}, first) == handlers.Change(False, False)
    status_only = body("ECSService", "web", "ns", version="2")
    assert record(resources.ECS_SERVICE, {"type": "MODIFIED"}, status_only) == handlers.Change(True, False)
    new_spec = body("ECSService", "web", "ns", version="3", generation=2)
    assert record(resources.ECS_SERVICE, {"type": "MODIFIED"}, new_spec) == handlers.Change(True, True)
    deleting = body(
        "ECSService", "web", "ns", version="4", generation=2, deletionTimestamp="2026-11-22T00:00:00Z"
    )
    assert record(resources.ECS_SERVICE, {"type": "MODIFIED"}, deleting) == handlers.Change(True, True)
    assert record(resources.ECS_SERVICE, {"type": "DELETED"}, deleting) == handlers.Change(True, True)


def test_a_capacity_provider_status_update_replans_no_service_but_a_spec_change_replans_all():
    runtime = fresh_runtime()
    for name in ("web", "worker"):
        runtime.store.upsert("ecsservices.ecs-operator.dev", body("ECSService", name, "ns"))

    async def scenario():
        provider = body("CapacityProvider", "fargate-spot")
        await handlers.capacityprovider_event(event={"type": "ADDED"}, body=provider, name="fargate-spot")
        assert queued(runtime) == {
            ("CapacityProvider", "", "fargate-spot"),
            ("Service", "ns", "web"),
            ("Service", "ns", "worker"),
        }
        recount = body("CapacityProvider", "fargate-spot", version="2")
        await handlers.capacityprovider_event(event={"type": "MODIFIED"}, body=recount, name="fargate-spot")
        assert queued(runtime) == {("CapacityProvider", "", "fargate-spot")}
        edited = body("CapacityProvider", "fargate-spot", version="3", generation=2)
        await handlers.capacityprovider_event(event={"type": "MODIFIED"}, body=edited, name="fargate-spot")
        assert ("Service", "ns", "web") in queued(runtime)

    asyncio.run(scenario())


def test_a_service_event_that_is_our_own_write_coming_back_queues_nothing():
    runtime = fresh_runtime()

    async def scenario():
        service = body("ECSService", "web", "ns")
        await handlers.ecsservice_event(event={"type": "ADDED"}, body=service, namespace="ns", name="web")
        assert ("Service", "ns", "web") in queued(runtime)
        await handlers.ecsservice_event(event={"type": "MODIFIED"}, body=service, namespace="ns", name="web")
        assert queued(runtime) == set()

    asyncio.run(scenario())
