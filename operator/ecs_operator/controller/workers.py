"""The reconcile workers: each takes a key from the work queue and reconciles it in a thread."""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor

from ecs_operator.controller import metrics, reconcile
from ecs_operator.controller.heartbeat import Heartbeat
from ecs_operator.controller.kube import NamespaceTerminating
from ecs_operator.controller.runtime import Runtime
from ecs_operator.controller.workqueue import WorkKey

log = logging.getLogger("ecs_operator")
# Reconciles mostly wait on the API server. 24 in flight converged 1,000 new Services in
# 51.7-56.6 s where 8 took 74 s; 64 were no faster (56.8 s): either way the API server created the
# core Services (each allocates a ClusterIP, about a second under that load) at about 10 a second
# (bench/notes.md). The client pool (kube.POOL_SIZE) is sized above it.
WORKERS = 24


def start(rt: Runtime, heartbeat: Heartbeat) -> tuple[ThreadPoolExecutor, list[asyncio.Task[None]]]:
    """WORKERS workers on the running loop. Reconciles run in threads of their own:
    `asyncio.to_thread` shares the loop's default pool, which holds cpu_count + 4 threads (6 on two
    cores), fewer than the workers."""
    executor = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="reconcile")
    return executor, [asyncio.create_task(worker(rt, executor, heartbeat)) for _ in range(WORKERS)]


async def worker(rt: Runtime, executor: ThreadPoolExecutor, heartbeat: Heartbeat) -> None:
    """Each key taken and each reconcile finished is a beat of the liveness probe's heartbeat."""
    loop = asyncio.get_running_loop()
    while True:
        key: WorkKey = await rt.queue.get()
        heartbeat.beat(time.monotonic())
        metrics.QUEUE_DEPTH.set(len(rt.queue))
        started = time.perf_counter()
        kind = key[0]
        try:
            requeue_after = await loop.run_in_executor(executor, reconcile.dispatch, rt, key)
        except NamespaceTerminating:
            # Its objects are going away with it: no retries, the DELETED events will follow.
            log.debug("reconcile %s/%s/%s skipped: namespace terminating", *key)
            metrics.RECONCILES.labels(kind, "ok").inc()
            rt.queue.done(key)
        except Exception as exc:  # a reconcile must never take the operator down
            log.warning(
                "reconcile %s/%s/%s failed, will retry: %s",
                *key,
                exc,
                exc_info=not isinstance(exc, reconcile.EXPECTED_ERRORS),
            )
            metrics.RECONCILES.labels(kind, "error").inc()
            rt.queue.done(key, failed=True)
        else:
            metrics.RECONCILES.labels(kind, "ok").inc()
            rt.queue.done(key, requeue_after=requeue_after)
        finally:
            metrics.RECONCILE_SECONDS.labels(kind).observe(time.perf_counter() - started)
            heartbeat.beat(time.monotonic())
            heartbeat.queue_moved(len(rt.queue))
