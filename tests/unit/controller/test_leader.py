"""The election loop (controller/leader.py), its API round replaced by a script."""

import asyncio

from ecs_operator.controller import lease
from ecs_operator.controller.leader import LeaderElection
from ecs_operator.controller.lease import Observation


def held(holder, *, renewed="2026-01-02T03:00:00.000000Z", transitions=3, duration=15, version="7"):
    return lease.record_of(
        {
            "metadata": {"resourceVersion": version},
            "spec": {
                "holderIdentity": holder,
                "leaseDurationSeconds": duration,
                "acquireTime": "2026-01-02T02:00:00.000000Z",
                "renewTime": renewed,
                "leaseTransitions": transitions,
            },
        }
    )


# ---- the election loop (controller/leader.py), its API round replaced ----


class Scripted(LeaderElection):
    """An election whose rounds of tryAcquireOrRenew follow a script: True (we hold the Lease after
    it), False (another does), or an exception (the API server failing)."""

    def __init__(self, script, **kwargs):
        super().__init__(api=None, namespace="ns", name="lease", identity="me", **kwargs)
        self.script, self.released = list(script), 0

    def _try(self, seen):
        step = self.script.pop(0) if self.script else self.script_end
        if isinstance(step, Exception):
            raise step
        self._record = held("me" if step else "other")
        return Observation(self._record, 0.0), step

    def _release(self):
        self.released += 1


def test_a_leader_that_cannot_renew_stops_after_the_renew_deadline():
    async def scenario():
        election = Scripted([True], renew_deadline=0.2, retry_period=0.02)
        election.script_end = RuntimeError("connection refused")
        lost = asyncio.Event()
        task = asyncio.create_task(election.run(lost.set))
        await asyncio.wait_for(election.leading.wait(), 1)
        await asyncio.wait_for(lost.wait(), 2)
        await task
        assert election.lost and not election.leading.is_set()
        assert election.released == 0  # lost, not ours to release

    asyncio.run(scenario())


def test_a_leader_that_finds_another_holder_stops_at_once():
    async def scenario():
        election = Scripted([True, False], renew_deadline=60, retry_period=0.02)
        election.script_end = False
        lost = asyncio.Event()
        await asyncio.wait_for(election.run(lost.set), 1)
        assert lost.is_set() and election.lost

    asyncio.run(scenario())


def test_a_standby_waits_and_a_cancelled_leader_releases():
    async def scenario():
        standby = Scripted([False, False], retry_period=0.02)
        standby.script_end = True
        task = asyncio.create_task(standby.run(lambda: None))
        await asyncio.sleep(0.03)
        assert not standby.leading.is_set() and standby.last_tick is not None
        await asyncio.wait_for(standby.leading.wait(), 1)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        assert standby.released == 1 and not standby.leading.is_set()

    asyncio.run(scenario())
