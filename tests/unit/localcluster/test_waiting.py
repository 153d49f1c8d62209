import pytest

from ecs_operator.localcluster.waiting import GiveUp, NotReadyInTime, wait_for


def test_wait_for_returns_the_first_truthy_result_and_retries_through_errors():
    calls = iter([ConnectionError("starting"), None, [], 0, ["ready"]])

    def probe():
        value = next(calls)
        if isinstance(value, Exception):
            raise value
        return value

    assert wait_for(probe, timeout=5, what="x", interval=0) == ["ready"]


def test_wait_for_names_the_thing_and_the_last_error_when_time_runs_out():
    def probe():
        raise ConnectionRefusedError("no apiserver")

    with pytest.raises(NotReadyInTime, match=r"kube-apiserver not ready after 0 s.*no apiserver"):
        wait_for(probe, timeout=0.05, what="kube-apiserver", interval=0.01)


def test_give_up_ends_the_wait_at_once():
    calls = []

    def probe():
        calls.append(1)
        raise GiveUp("the process died")

    with pytest.raises(GiveUp, match="the process died"):
        wait_for(probe, timeout=30, what="x", interval=0.01)
    assert len(calls) == 1
