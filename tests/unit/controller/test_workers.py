"""The reconcile workers: a reconcile that fails comes back with backoff; the worker goes on."""

import asyncio

from ecs_operator.controller import workers
from ecs_operator.controller.heartbeat import Heartbeat
from ecs_operator.controller.runtime import Runtime
from ecs_operator.controller.workqueue import WorkQueue


def test_a_failed_reconcile_is_retried_and_a_finished_one_is_done():
    async def scenario():
        rt = Runtime(kube=None, queue=WorkQueue(base_backoff=0.01))
        rt.queue.bind(asyncio.get_running_loop())
        heartbeat = Heartbeat()
        executor, tasks = workers.start(rt, heartbeat)
        try:
            rt.queue.add(("Service", "ns", "gone"))  # not in the store: nothing to do
            rt.queue.add(("Unknown", "ns", "x"))  # no reconcile for the kind: fails, comes back
            await asyncio.sleep(0.2)
            assert rt.queue._failures.get(("Unknown", "ns", "x"), 0) >= 2
            assert ("Service", "ns", "gone") not in rt.queue._failures
            assert heartbeat.last_beat is not None  # each take and finish beats the liveness heartbeat
        finally:
            for task in tasks:
                task.cancel()
            executor.shutdown(wait=False)

    asyncio.run(scenario())
