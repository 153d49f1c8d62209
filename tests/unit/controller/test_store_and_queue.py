import asyncio

from ecs_operator.api import labels
from ecs_operator.controller.store import Store
from ecs_operator.controller.workqueue import WorkQueue


def pod(name, rv, service="web"):
    return {
        "metadata": {
            "name": name,
            "namespace": "ns",
            "resourceVersion": str(rv),
            "labels": {labels.SERVICE: service},
        }
    }


def test_store_indexes_children_by_service_and_ignores_stale_versions():
    store = Store()
    store.upsert("pods", pod("a", 5))
    store.upsert("pods", pod("b", 6, service="api"))
    store.upsert("pods", {**pod("a", 4), "stale": True})
    assert [p["metadata"]["name"] for p in store.of_service("pods", "ns", "web")] == ["a"]
    assert "stale" not in store.get("pods", "ns", "a")
    store.delete("pods", pod("a", 7))
    assert store.of_service("pods", "ns", "web") == []


def test_queue_collapses_repeated_keys_and_requeues_keys_changed_while_processing():
    async def scenario():
        queue = WorkQueue()
        key = ("Service", "ns", "web")
        queue.add(key)
        queue.add(key)
        assert len(queue) == 1
        got = await queue.get()
        queue.add(key)  # changed while being processed
        assert len(queue) == 0
        queue.done(got)
        assert len(queue) == 1

    asyncio.run(scenario())


def test_failed_keys_come_back_with_backoff():
    async def scenario():
        queue = WorkQueue(base_backoff=0.01)
        key = ("Service", "ns", "web")
        queue.add(key)
        got = await queue.get()
        queue.done(got, failed=True)
        assert len(queue) == 0
        assert await asyncio.wait_for(queue.get(), 1) == key

    asyncio.run(scenario())


def test_a_sweep_drops_only_objects_a_fresh_listing_proves_deleted():
    from ecs_operator.controller.store import Store

    def pod(name, version):
        return {
            "metadata": {
                "name": name,
                "namespace": "ns",
                "resourceVersion": str(version),
                "labels": {"ecs-operator.dev/service": "web"},
            }
        }

    store = Store()
    for body in (pod("ghost", 5), pod("kept", 6), pod("newer", 20)):
        store.upsert("pods", body)
    # The listing (newest item 10) no longer has "ghost"; "newer" was created after it.
    removed = store.sweep("pods", [pod("kept", 6), pod("other", 10)])
    assert [b["metadata"]["name"] for b in removed] == ["ghost"]
    assert {b["metadata"]["name"] for b in store.of_service("pods", "ns", "web")} == {"kept", "newer"}
    assert store.sweep("pods", []) == []  # an empty listing proves nothing
