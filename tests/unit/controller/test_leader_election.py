"""Leader election's decisions (controller/lease.py), client-go's rules, without an API server."""

import asyncio
from datetime import UTC, datetime

from ecs_operator.controller import lease
from ecs_operator.controller.heartbeat import Heartbeat
from ecs_operator.controller.leader import LeaderElection
from ecs_operator.controller.lease import Action, Observation

WALL = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
STAMP = "2026-01-02T03:04:05.678901Z"


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


def test_no_lease_is_created_held_by_us():
    decision = lease.decide("me", lease.observe(None, None, 100.0), 100.0, WALL, 15)
    assert decision.action is Action.CREATE
    assert decision.spec == {
        "holderIdentity": "me",
        "leaseDurationSeconds": 15,
        "acquireTime": STAMP,
        "renewTime": STAMP,
        "leaseTransitions": 0,
    }


def test_our_lease_is_renewed_keeping_its_acquire_time_and_transitions():
    seen = lease.observe(None, held("me"), 100.0)
    decision = lease.decide("me", seen, 500.0, WALL, 15)
    assert decision.action is Action.RENEW
    assert decision.spec["renewTime"] == STAMP
    assert decision.spec["acquireTime"] == "2026-01-02T02:00:00.000000Z"
    assert decision.spec["leaseTransitions"] == 3


def test_anothers_lease_is_waited_out_by_our_clock_from_when_we_saw_it_change():
    # The holder's renewTime is an hour old by our wall clock: it is not what counts (clock skew).
    seen = lease.observe(None, held("other"), 100.0)
    assert lease.decide("me", seen, 114.9, WALL, 15).action is Action.WAIT
    assert lease.decide("me", seen, 114.9, WALL, 15).holder == "other"
    # The same record seen again keeps its first sighting's time, so it ages...
    seen = lease.observe(seen, held("other", version="8"), 110.0)
    assert seen.at == 100.0
    taken = lease.decide("me", seen, 115.0, WALL, 15)
    assert taken.action is Action.TAKE
    assert taken.spec["holderIdentity"] == "me"
    assert taken.spec["leaseTransitions"] == 4
    assert taken.spec["acquireTime"] == taken.spec["renewTime"] == STAMP


def test_a_renewal_restarts_the_wait():
    seen = lease.observe(None, held("other"), 100.0)
    seen = lease.observe(seen, held("other", renewed="2026-01-02T03:00:02.000000Z"), 113.0)
    assert seen.at == 113.0
    assert lease.decide("me", seen, 120.0, WALL, 15).action is Action.WAIT


def test_the_holders_own_duration_counts_not_ours():
    seen = lease.observe(None, held("other", duration=60), 100.0)
    assert lease.decide("me", seen, 130.0, WALL, 15).action is Action.WAIT


def test_a_released_lease_is_taken_at_once():
    released = lease.release("other", held("other"), WALL)
    record = lease.record_of({"metadata": {"resourceVersion": "9"}, "spec": released})
    assert record.holder == ""
    seen = lease.observe(None, record, 100.0)
    decision = lease.decide("me", seen, 100.0, WALL, 15)
    assert decision.action is Action.TAKE
    assert decision.spec["leaseTransitions"] == 4


def test_only_the_holder_releases():
    assert lease.release("me", held("other"), WALL) is None
    assert lease.release("me", None, WALL) is None
    spec = lease.release("me", held("me"), WALL)
    assert spec == {
        "holderIdentity": "",
        "leaseDurationSeconds": 1,
        "acquireTime": STAMP,
        "renewTime": STAMP,
        "leaseTransitions": 3,
    }


def test_a_leader_that_cannot_renew_stops_before_the_others_may_take_over():
    assert lease.still_leading(100.0, 109.9, lease.RENEW_DEADLINE)
    assert not lease.still_leading(100.0, 110.0, lease.RENEW_DEADLINE)
    assert not lease.still_leading(None, 100.0, lease.RENEW_DEADLINE)
    assert lease.RENEW_DEADLINE < lease.LEASE_DURATION


def test_observing_a_lease_that_appears_or_goes_counts_as_a_change():
    first = Observation(None, 1.0)
    assert lease.observe(first, held("other"), 5.0).at == 5.0
    assert lease.observe(lease.observe(None, held("other"), 1.0), None, 5.0) == Observation(None, 5.0)


# ---- the probes' heartbeat (controller/heartbeat.py) ----


def alive(beat: Heartbeat, now: float, *, queued=0, running=24, tick=None):
    return beat.alive(now, queued=queued, workers=24, workers_running=running, election_tick=tick)


def test_started_and_ready_follow_the_listing_and_the_leaders_first_pass():
    beat = Heartbeat()
    assert not beat.started() and not beat.ready()
    beat.primed = True
    assert beat.started() and beat.ready()  # a warm standby is ready
    beat.lead(10.0)
    assert not beat.ready()  # the backlog queued at takeover not drained yet
    beat.queue_moved(5)
    assert not beat.ready()
    beat.queue_moved(0)
    assert beat.ready()


def test_a_leader_is_alive_while_the_queue_moves_and_dead_when_it_stops():
    beat = Heartbeat(stall_after=180)
    beat.primed = True
    beat.lead(0.0)
    assert alive(beat, 1000.0) is None  # idle: nothing waits
    assert alive(beat, 100.0, queued=50) is None
    assert "no reconcile moved for 181 s" in alive(beat, 181.0, queued=50)
    beat.beat(170.0)
    assert alive(beat, 181.0, queued=50) is None


def test_a_leader_with_a_stopped_worker_is_dead():
    beat = Heartbeat()
    beat.lead(0.0)
    assert alive(beat, 1.0, running=23) == "1 of 24 workers stopped"


def test_a_standby_is_alive_while_its_election_loop_runs():
    beat = Heartbeat(stall_after=180)
    beat.primed = True
    assert alive(beat, 100.0, queued=500, tick=90.0) is None  # its queue waits for the lead
    assert "leader election loop has not run for 190 s" in alive(beat, 280.0, tick=90.0)


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
