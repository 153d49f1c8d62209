"""The probes' heartbeat (controller/heartbeat.py): started, ready and alive."""

from ecs_operator.controller.heartbeat import Heartbeat

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
