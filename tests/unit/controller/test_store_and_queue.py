import asyncio
import threading
import time

from ecs_operator.api import labels
from ecs_operator.controller.store import OwnerIndex, Store
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


def test_a_key_added_from_another_thread_wakes_a_waiting_worker():
    # The loop has nothing else to do: without the hand-over it would sleep through the put.
    async def scenario():
        queue = WorkQueue()
        queue.bind(asyncio.get_running_loop())
        key = ("Service", "ns", "web")
        waiting = asyncio.ensure_future(queue.get())
        await asyncio.sleep(0)
        started = time.monotonic()
        # The add comes once the loop sleeps in its selector (3 s here, nothing else to wake it).
        threading.Thread(target=lambda: (time.sleep(0.2), queue.add(key))).start()
        done, _ = await asyncio.wait({waiting}, timeout=3)
        assert done and waiting.result() == key
        assert time.monotonic() - started < 1

    asyncio.run(scenario())


def test_a_key_changed_from_another_thread_while_processing_is_not_lost():
    async def scenario():
        queue = WorkQueue()
        queue.bind(asyncio.get_running_loop())
        key = ("Service", "ns", "web")
        queue.add(key)
        got = await queue.get()
        adder = threading.Thread(target=queue.add, args=(key,))
        adder.start()
        adder.join()
        queue.done(got)
        assert await asyncio.wait_for(queue.get(), 2) == key

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


def test_the_owner_index_knows_every_name_and_its_owners():
    index = OwnerIndex()
    ours = {"metadata": {"namespace": "ns", "name": "web-fargate", "ownerReferences": [{"uid": "svc-1"}]}}
    theirs = {"metadata": {"namespace": "ns", "name": "web-fargate-spot"}}
    index.record("deployments.apps", ours)
    index.record("deployments.apps", theirs)
    assert index.owners("deployments.apps", "ns", "web-fargate") == {"svc-1"}
    assert index.owners("deployments.apps", "ns", "web-fargate-spot") == frozenset()
    assert index.owners("deployments.apps", "ns", "other") is None
    assert index.owners("services", "ns", "web-fargate") is None  # per kind
    index.record("deployments.apps", theirs, deleted=True)
    assert index.owners("deployments.apps", "ns", "web-fargate-spot") is None


def test_a_kind_with_a_projection_is_stored_as_its_projection_and_still_indexed():
    store = Store(projections={"pods": lambda body: {"metadata": body["metadata"], "kept": True}})
    body = {**pod("a", 1), "spec": {"containers": [{"name": "app"}]}}
    store.upsert("pods", body)
    assert store.get("pods", "ns", "a") == {"metadata": body["metadata"], "kept": True}
    assert [p["metadata"]["name"] for p in store.of_service("pods", "ns", "web")] == ["a"]
    store.upsert("deployments.apps", body)  # no projection: kept whole
    assert store.get("deployments.apps", "ns", "a")["spec"] == body["spec"]


def test_delayed_adds_within_the_delay_make_one_reconcile():
    async def scenario():
        queue = WorkQueue()
        queue.bind(asyncio.get_running_loop())
        key = ("CapacityProvider", "", "fargate")
        for _ in range(100):  # a burst of pod events
            queue.add_after(key, 0.2)
        assert len(queue) == 0
        assert await asyncio.wait_for(queue.get(), 2) == key
        queue.done(key)
        await asyncio.sleep(0.3)
        assert len(queue) == 0

    asyncio.run(scenario())


def test_ecs_services_are_found_by_the_label_their_children_carry_even_for_long_names():
    from ecs_operator.api.names import label_value
    from ecs_operator.controller.runtime import new_store

    kind = "ecsservices.ecs-operator.dev"
    long_name = "checkout-" + "x" * 70  # past 63 characters: the label is cut and hashed
    store = new_store()
    for name, rv in (("web", 1), (long_name, 2)):
        store.upsert(kind, {"metadata": {"name": name, "namespace": "ns", "resourceVersion": str(rv)}})
    label = label_value(long_name)
    assert label != long_name
    assert [s["metadata"]["name"] for s in store.of_service(kind, "ns", label)] == [long_name]
    assert [s["metadata"]["name"] for s in store.of_service(kind, "ns", "web")] == ["web"]
    assert store.of_service(kind, "other", "web") == []
    store.delete(kind, {"metadata": {"name": long_name, "namespace": "ns"}})
    assert store.of_service(kind, "ns", label) == []


def test_urgent_keys_are_taken_before_routine_ones_and_each_key_once():
    async def scenario():
        queue = WorkQueue()
        refresh, new, promoted = ("Service", "ns", "a"), ("Service", "ns", "b"), ("Service", "ns", "c")
        queue.add(refresh)
        queue.add(promoted)
        queue.add(new, urgent=True)
        queue.add(promoted, urgent=True)  # a spec change for a key already waiting as a refresh
        queue.add(new)  # a later routine event does not move an urgent key back
        assert len(queue) == 3
        taken = [await queue.get() for _ in range(3)]
        assert taken == [new, promoted, refresh]
        assert len(queue) == 0
        for key in taken:
            queue.done(key)
        # The stale routine entry of the promoted key is not a second reconcile.
        queue.add(refresh)
        assert [await queue.get()] == [refresh]
        assert len(queue) == 0

    asyncio.run(scenario())


def test_a_key_changed_urgently_while_processing_comes_back_urgent():
    async def scenario():
        queue = WorkQueue()
        busy, waiting = ("Service", "ns", "busy"), ("Service", "ns", "waiting")
        queue.add(busy)
        got = await queue.get()
        queue.add(waiting)
        queue.add(busy)
        queue.add(busy, urgent=True)  # a new generation arrived during the reconcile
        queue.done(got)
        assert [await queue.get(), await queue.get()] == [busy, waiting]

    asyncio.run(scenario())
