"""The pod and child streams against the real API server: the listing primes, the watch follows
from where the listing ended, a label selector filters on the server, and listing again reports
what the collection holds now."""

from __future__ import annotations

import asyncio
from typing import Any

from kubernetes import client

from ecs_operator.controller import resources
from ecs_operator.controller.streams import CollectionStream, Connection


class Seen:
    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []
        self.listings: list[tuple[list[str], str]] = []

    def on_event(self, kind: str, body: dict[str, Any]) -> None:
        assert body["kind"] == "ServiceAccount" and body["apiVersion"] == "v1"
        self.events.append((kind, body["metadata"]["name"]))

    def on_listed(self, listed: list[dict[str, Any]], version: str) -> None:
        self.listings.append((sorted(item["metadata"]["name"] for item in listed), version))


async def until(predicate: Any, timeout: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)


def test_a_stream_lists_then_follows_and_lists_again_when_its_version_is_gone(
    api_client: client.ApiClient, namespace: str
) -> None:
    core = client.CoreV1Api(api_client)
    labelled = {"labels": {"app": "x"}}
    for name in ("first", "second"):
        core.create_namespaced_service_account(namespace, {"metadata": {"name": name, **labelled}})
    core.create_namespaced_service_account(namespace, {"metadata": {"name": "unlabelled"}})
    seen = Seen()

    async def scenario() -> None:
        connection = Connection(api_client.configuration)
        stream = CollectionStream(
            connection,
            resources.SERVICE_ACCOUNT,
            seen.on_event,
            seen.on_listed,
            namespace=namespace,
            label_selector="app=x",
        )
        task = asyncio.create_task(stream.run())
        try:
            await asyncio.wait_for(stream.synced.wait(), 20)
            assert sorted(seen.events) == [("ADDED", "first"), ("ADDED", "second")]
            assert seen.listings[0][0] == ["first", "second"]
            seen.events.clear()

            await asyncio.to_thread(
                core.create_namespaced_service_account,
                namespace,
                {"metadata": {"name": "third", "labels": {"app": "x"}}},
            )
            await asyncio.to_thread(core.delete_namespaced_service_account, "first", namespace)
            await asyncio.to_thread(
                core.create_namespaced_service_account, namespace, {"metadata": {"name": "other"}}
            )
            await until(lambda: ("DELETED", "first") in seen.events)
            assert seen.events[0] == ("ADDED", "third")
            assert all(name in ("first", "third") for _, name in seen.events)  # the selector holds

            # A watch that fell too far behind ends in Gone (unit-tested), and the stream lists
            # again from scratch: the listing reports what the collection holds now, so what was
            # deleted meanwhile can be dropped.
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await asyncio.to_thread(core.delete_namespaced_service_account, "second", namespace)
            stream.version = None
            task = asyncio.create_task(stream.run())
            await until(lambda: len(seen.listings) == 2)
            assert seen.listings[1][0] == ["third"]
            assert int(seen.listings[1][1]) > int(seen.listings[0][1])
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await connection.close()

    asyncio.run(scenario())
