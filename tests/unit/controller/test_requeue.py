"""Which watch events lead to which reconciles, through kopf's handlers and the re-queue table (the
store and queue only; no API server)."""

import asyncio

from ecs_operator.controller import handlers
from ecs_operator.controller.memo import OperatorMemo
from ecs_operator.controller.runtime import Runtime


def queued(runtime):
    keys = set()
    while len(runtime.queue):
        keys.add(runtime.queue.get_nowait())
    runtime.queue._processing.clear()
    return keys


def fresh_runtime():
    return Runtime(kube=None)


def test_a_capacity_provider_status_update_replans_no_service_but_a_spec_change_replans_all(body):
    runtime = fresh_runtime()
    memo = OperatorMemo(runtime)
    for name in ("web", "worker"):
        runtime.store.upsert("ecsservices.ecs-operator.dev", body("ECSService", name, "ns"))

    async def scenario():
        provider = body("CapacityProvider", "fargate-spot")
        await handlers.capacityprovider_event(
            event={"type": "ADDED"}, body=provider, memo=memo, name="fargate-spot"
        )
        assert queued(runtime) == {
            ("CapacityProvider", "", "fargate-spot"),
            ("Service", "ns", "web"),
            ("Service", "ns", "worker"),
        }
        recount = body("CapacityProvider", "fargate-spot", version="2")
        await handlers.capacityprovider_event(
            event={"type": "MODIFIED"}, body=recount, memo=memo, name="fargate-spot"
        )
        assert queued(runtime) == {("CapacityProvider", "", "fargate-spot")}
        edited = body("CapacityProvider", "fargate-spot", version="3", generation=2)
        await handlers.capacityprovider_event(
            event={"type": "MODIFIED"}, body=edited, memo=memo, name="fargate-spot"
        )
        assert ("Service", "ns", "web") in queued(runtime)

    asyncio.run(scenario())


def test_a_service_event_that_is_our_own_write_coming_back_queues_nothing(body):
    runtime = fresh_runtime()
    memo = OperatorMemo(runtime)

    async def scenario():
        service = body("ECSService", "web", "ns")
        await handlers.ecsservice_event(
            event={"type": "ADDED"}, body=service, namespace="ns", name="web", memo=memo
        )
        assert ("Service", "ns", "web") in queued(runtime)
        await handlers.ecsservice_event(
            event={"type": "MODIFIED"}, body=service, namespace="ns", name="web", memo=memo
        )
        assert queued(runtime) == set()

    asyncio.run(scenario())
