"""Start-up, sweeping and clean-up: kopf's settings, the store primed before the first reconcile,
the streams started, the workers started once this process leads, ghosts swept out of the store,
and all of it stopped again (the Lease released last)."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import kopf
from aiohttp import web

from ecs_operator.controller import probes, requeue, resources, watch_events, workers
from ecs_operator.controller.heartbeat import Heartbeat
from ecs_operator.controller.leader import LeaderElection
from ecs_operator.controller.memo import OperatorMemo
from ecs_operator.controller.runtime import Runtime
from ecs_operator.controller.streams import Connection
from ecs_operator.controller.watch_events import WATCHED, selector

log = logging.getLogger("ecs_operator")

SWEEP_DELAYS = (1.0, 3.0, 15.0)  # after start-up, while and once kopf's watches start
SWEEP_EVERY = 300.0
DRAIN_TIMEOUT = 10.0  # reconciles in flight at shutdown finish before the Lease is released


@dataclass(eq=False)
class Memo(OperatorMemo):
    """The memo with what high availability adds: the election (None: this process leads
    alone), the probes' heartbeat, and the flag that stops kopf when the Lease is lost."""

    election: LeaderElection | None = None
    health_port: int = 0
    heartbeat: Heartbeat = field(default_factory=Heartbeat)
    # An asyncio.Event: kopf waits for a threading.Event in a thread of the loop's pool, which then
    # holds the process up at exit (20 s, until SIGKILL) when the flag is never set.
    stop_flag: asyncio.Event = field(default_factory=asyncio.Event)
    election_task: asyncio.Task[None] | None = None
    reconcilers: list[asyncio.Task[None]] = field(default_factory=list)  # the workers alone
    probe_server: web.AppRunner | None = None


class _NoDiffBase(kopf.AnnotationsDiffBaseStorage):
    """This operator has no change handlers, so kopf's per-event deep copy of every body (its
    diff base) is wasted work: about 16 % of the CPU at 1,000 Services in the benchmark profile."""

    def build(self, *, body: kopf.Body, extra_fields: Any = None) -> kopf.BodyEssence:
        return kopf.BodyEssence()


def configure(settings: kopf.OperatorSettings) -> None:
    settings.posting.enabled = False  # our own Events only, with ECS's messages
    settings.persistence.diffbase_storage = _NoDiffBase()
    settings.peering.standalone = True
    settings.watching.server_timeout = 300
    settings.networking.request_timeout = 330
    settings.watching.chunk_size = 500  # kopf's initial listings in pages, not whole collections
    # kopf keeps a worker per object until it has been idle this long, holding the object's last
    # body; with thousands of objects changing at once, 5 s (the default) held thousands of them.
    settings.queueing.idle_timeout = 1.0
    for resource, labels in WATCHED:
        if labels:
            server_side = selector(labels)
            assert server_side is not None
            settings.watching.label_selectors[resource.group or resource.version, resource.plural] = (
                server_side
            )


async def start(settings: kopf.OperatorSettings, memo: Memo) -> None:
    configure(settings)
    rt = memo.runtime
    rt.queue.bind(asyncio.get_running_loop())
    if memo.health_port:
        memo.probe_server = await probes.serve(
            memo.health_port, memo.heartbeat, lambda now: liveness(memo, now)
        )
    if memo.election is not None:
        # Campaign while the store fills: a standby is warm, and a new leader starts at once.
        memo.election_task = asyncio.create_task(memo.election.run(memo.stop_flag.set))
    rt.events.start()
    # Prime the store and the owner index once, so the first reconciles see the whole picture:
    # kopf's kinds by a listing, the streamed kinds by their streams' first listings.
    for resource, labels in WATCHED:
        kind = resources.kind_key(resource)
        items = await asyncio.to_thread(rt.kube.list, resource, None, selector(labels))
        for item in items:
            if rt.serves(item["metadata"].get("namespace")):
                rt.store.upsert(kind, item)
        del items
    memo.connection = Connection(rt.kube.api.configuration)
    memo.streams = watch_events.streams(rt, memo.connection)
    memo.stream_tasks = [asyncio.create_task(stream.run()) for stream in memo.streams]
    started = time.monotonic()
    await asyncio.gather(*(stream.synced.wait() for stream in memo.streams))
    log.info("listed the streamed kinds in %.1f s", time.monotonic() - started)
    memo.heartbeat.primed = True
    memo.workers.append(asyncio.create_task(sweeper(rt)))
    memo.workers.append(asyncio.create_task(lead(memo)))


async def lead(memo: Memo) -> None:
    """The workers, the only writers, start once this process holds the Lease; until then the
    store and the queue follow the cluster (a warm standby)."""
    if memo.election is not None:
        log.info("ecs-operator primed, waiting for the lease (standby %s)", memo.election.identity)
        await memo.election.leading.wait()
    rt = memo.runtime
    requeue.everything(rt)
    memo.heartbeat.lead(time.monotonic())
    memo.executor, memo.reconcilers = workers.start(rt, memo.heartbeat)
    memo.workers.extend(memo.reconcilers)
    log.info("ecs-operator leading: %d workers", workers.WORKERS)


def liveness(memo: Memo, now: float) -> str | None:
    running = sum(not task.done() for task in memo.reconcilers)
    tick = memo.election.last_tick if memo.election is not None else None
    return memo.heartbeat.alive(
        now,
        queued=len(memo.runtime.queue),
        workers=workers.WORKERS,
        workers_running=running,
        election_tick=tick,
    )


def sweep_store(rt: Runtime) -> int:
    """Relist each kind kopf watches and drop what the store still holds of deleted objects (see
    `Store.sweep`); the Services that owned them reconcile again."""
    removed = 0
    for resource, labels in WATCHED:
        items = [
            item
            for item in rt.kube.list(resource, None, selector(labels))
            if rt.serves(item["metadata"].get("namespace"))
        ]
        gone = rt.store.sweep(resources.kind_key(resource), items)
        removed += len(gone)
        requeue.gone(rt, gone)
    return removed


async def sweeper(rt: Runtime) -> None:
    """Objects of kopf's kinds deleted between the start-up listing and the start of kopf's watches
    get no DELETED event (a ghost revision or Service would be planned with forever): sweep them
    out a few seconds after start-up, then now and then. The streamed kinds need no sweep: their
    watches start where their listings end."""
    delays = [*SWEEP_DELAYS]
    while True:
        await asyncio.sleep(delays.pop(0) if delays else SWEEP_EVERY)
        try:
            removed = await asyncio.to_thread(sweep_store, rt)
        except Exception as exc:  # the next sweep will do
            log.warning("store sweep failed: %s", exc)
        else:
            if removed:
                log.info("store sweep dropped %d objects deleted while the watches started", removed)


async def stop(memo: Memo) -> None:
    """Writes end before the Lease goes: the reconciles in flight finish (within DRAIN_TIMEOUT),
    the Events are posted, then the Lease is released for the standby to take at once."""
    for task in [*memo.workers, *memo.stream_tasks]:
        task.cancel()
    if memo.executor is not None:
        drain = asyncio.to_thread(memo.executor.shutdown, wait=True, cancel_futures=True)
        try:
            await asyncio.wait_for(drain, DRAIN_TIMEOUT)
        except TimeoutError:
            log.warning("reconciles still running after %.0f s at shutdown", DRAIN_TIMEOUT)
    if memo.connection is not None:
        await memo.connection.close()
    await asyncio.to_thread(memo.runtime.events.flush, 5)
    memo.runtime.events.stop()
    if memo.election_task is not None:
        memo.election_task.cancel()
        await asyncio.gather(memo.election_task, return_exceptions=True)
    if memo.probe_server is not None:
        await memo.probe_server.cleanup()
    memo.stop_flag.set()  # kopf's watcher of the flag ends too, instead of waiting out its 5 s
