import threading

from ecs_operator.controller import metrics
from ecs_operator.controller.recorder import EventRecorder

SERVICE = {
    "apiVersion": "ecs-operator.dev/v1alpha1",
    "kind": "ECSService",
    "metadata": {"name": "web", "namespace": "ns", "uid": "u1", "resourceVersion": "7", "labels": {"a": "b"}},
}


class Poster:
    """Stands in for Kube.event: records what would be posted, can be held or made to fail."""

    def __init__(self, fail_reasons=()):
        self.posted = []
        self.gate = threading.Event()
        self.gate.set()
        self.fail_reasons = set(fail_reasons)

    def event(self, involved, *, reason, message, type_):
        self.gate.wait(5)
        if reason in self.fail_reasons:
            raise RuntimeError("refused")
        self.posted.append((involved["metadata"]["name"], type_, reason, message))


def dropped():
    return metrics.EVENTS_DROPPED._value.get()


def test_events_are_posted_in_order_without_waiting_for_the_api_server():
    poster = Poster()
    poster.gate.clear()  # the API server is slow
    recorder = EventRecorder(poster)
    recorder.start()
    recorder.record(SERVICE, "Normal", "Started", "service web has started 4 tasks")
    recorder.record(SERVICE, "Normal", "SteadyState", "service web has reached a steady state.")
    assert poster.posted == []  # record() did not wait
    poster.gate.set()
    assert recorder.flush(5)
    assert poster.posted == [
        ("web", "Normal", "Started", "service web has started 4 tasks"),
        ("web", "Normal", "SteadyState", "service web has reached a steady state."),
    ]
    recorder.stop()


def test_the_involved_object_is_copied_when_recorded():
    poster = Poster()
    poster.gate.clear()
    recorder = EventRecorder(poster)
    recorder.start()
    body = {**SERVICE, "metadata": dict(SERVICE["metadata"])}
    recorder.record(body, "Normal", "Started", "m")
    body["metadata"]["name"] = "changed-later"
    poster.gate.set()
    assert recorder.flush(5)
    assert poster.posted[0][0] == "web"
    recorder.stop()


def test_a_full_backlog_drops_and_counts_instead_of_blocking():
    poster = Poster()
    recorder = EventRecorder(poster, backlog=2)  # not started: nothing drains it
    before = dropped()
    for _ in range(5):
        recorder.record(SERVICE, "Normal", "Started", "m")
    assert dropped() - before == 3


def test_a_refused_event_is_dropped_and_the_next_ones_still_go_out():
    poster = Poster(fail_reasons={"Bad"})
    recorder = EventRecorder(poster)
    recorder.start()
    before = dropped()
    recorder.record(SERVICE, "Warning", "Bad", "m")
    recorder.record(SERVICE, "Normal", "Good", "m")
    assert recorder.flush(5)
    assert [p[2] for p in poster.posted] == ["Good"]
    assert dropped() - before == 1
    recorder.stop()
