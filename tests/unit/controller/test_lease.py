"""Leader election's decisions (controller/lease.py), client-go's rules, without an API server."""

from datetime import UTC, datetime

from ecs_operator.controller import lease
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
