from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from ecs_operator.api import labels
from ecs_operator.api.labels import ESSENTIAL_CONTAINERS_ANNOTATION, TASK_DEFINITION_ANNOTATION
from ecs_operator.core.k8s.timestamps import format_time, parse_time
from ecs_operator.core.task.state import Counts, pod_projection, pod_state, summarize, unplaced_since

T0 = "2026-11-21T22:00:00Z"


def make_pod(
    name="web-1",
    provider="fargate-spot",
    revision="web:3",
    phase="Running",
    ready=True,
    scheduled="True",
    containers=None,
    essential=None,
    deleting=False,
    restart_policy="Always",
    scheduled_reason=None,
    scheduled_message=None,
):
    annotations = {TASK_DEFINITION_ANNOTATION: revision}
    if essential is not None:
        annotations[ESSENTIAL_CONTAINERS_ANNOTATION] = essential
    metadata = {
        "name": name,
        "creationTimestamp": T0,
        "labels": {
            labels.CAPACITY_PROVIDER: provider,
            labels.TASK_DEFINITION: revision.replace(":", "-"),
            labels.DEPLOYMENT: "ecs-svc-1",
        },
        "annotations": annotations,
    }
    if deleting:
        metadata["deletionTimestamp"] = T0
    scheduled_condition = {"type": "PodScheduled", "status": scheduled, "lastTransitionTime": T0}
    if scheduled_reason:
        scheduled_condition["reason"] = scheduled_reason
        scheduled_condition["message"] = scheduled_message
    return {
        "metadata": metadata,
        "spec": {"nodeName": "node-1" if scheduled == "True" else None, "restartPolicy": restart_policy},
        "status": {
            "phase": phase,
            "startTime": T0 if scheduled == "True" else None,
            "conditions": [
                scheduled_condition,
                {"type": "Ready", "status": "True" if ready else "False", "lastTransitionTime": T0},
            ],
            "containerStatuses": containers or [{"name": "app", "restartCount": 0, "state": {"running": {}}}],
        },
    }


def unschedulable_pod(name):
    return make_pod(
        name=name, phase="Pending", ready=False, scheduled="False", scheduled_reason="Unschedulable"
    )


def test_a_ready_running_pod_reads_as_a_running_task_of_its_provider_and_exact_revision():
    state = pod_state(make_pod())
    assert (state.provider, state.task_definition) == ("fargate-spot", "web:3")
    assert state.deployment_id == "ecs-svc-1"
    assert state.running and state.ready and not state.pending and not state.unplaced
    assert state.ready_since == parse_time(T0)
    assert state.node_name == "node-1"


def test_an_unschedulable_pod_is_unplaced_not_pending_and_keeps_the_scheduler_message():
    pod = make_pod(
        phase="Pending",
        ready=False,
        scheduled="False",
        scheduled_reason="Unschedulable",
        scheduled_message="0/3 nodes are available",
    )
    state = pod_state(pod)
    assert state.unplaced and not state.pending and not state.running
    assert state.unschedulable_message == "0/3 nodes are available"
    assert state.unschedulable_since == parse_time(T0)


def test_a_pod_not_yet_seen_by_the_scheduler_is_pending():
    pod = make_pod(phase="Pending", ready=False)
    pod["status"]["conditions"] = []
    state = pod_state(pod)
    assert state.pending and not state.unplaced and not state.scheduled


def test_a_terminating_pod_is_neither_running_nor_pending():
    state = pod_state(make_pod(deleting=True))
    assert state.deleting and not state.running and not state.pending


def test_crash_loop_counts_restarts_plus_the_death_it_is_down_from():
    crashing = {"name": "app", "restartCount": 1, "state": {"waiting": {"reason": "CrashLoopBackOff"}}}
    state = pod_state(make_pod(ready=False, containers=[crashing]))
    assert state.crash_looping and not state.failed
    assert state.restart_count == 1
    assert state.essential_failures == 2


def test_only_essential_containers_count_toward_failures():
    containers = [
        {"name": "app", "restartCount": 0, "state": {"running": {}}},
        {"name": "logger", "restartCount": 7, "state": {"waiting": {"reason": "CrashLoopBackOff"}}},
    ]
    state = pod_state(make_pod(containers=containers, essential="app"))
    assert state.restart_count == 0 and not state.crash_looping and state.essential_failures == 0
    everything = pod_state(make_pod(containers=containers))
    assert everything.restart_count == 7 and everything.crash_looping


def test_an_essential_sidecar_named_in_the_annotation_counts():
    pod = make_pod(essential="app,proxy")
    pod["status"]["initContainerStatuses"] = [
        {"name": "proxy", "restartCount": 2, "state": {"running": {}}},
        {"name": "migrate", "restartCount": 5, "state": {"terminated": {"exitCode": 0}}},
    ]
    assert pod_state(pod).restart_count == 2


def test_phase_failed_or_a_non_restarting_error_exit_is_a_failed_task():
    assert pod_state(make_pod(phase="Failed", ready=False)).failed
    exited = [{"name": "app", "restartCount": 0, "state": {"terminated": {"exitCode": 3}}}]
    assert pod_state(make_pod(phase="Running", containers=exited, restart_policy="Never")).failed
    restarting = pod_state(make_pod(phase="Running", containers=exited, restart_policy="Always"))
    assert not restarting.failed and restarting.essential_failures == 1


def test_summarize_counts_per_provider_and_revision():
    pods = [
        pod_state(make_pod(name="a")),
        pod_state(make_pod(name="b", ready=False)),
        pod_state(make_pod(name="c", provider="fargate", revision="web:2")),
        pod_state(unschedulable_pod("d")),
        pod_state(make_pod(name="e", phase="Pending", ready=False)),
    ]
    summary = summarize(pods)
    assert summary[("fargate-spot", "web:3")] == Counts(running=2, pending=1, ready=1, unplaced=1, failed=0)
    assert summary[("fargate", "web:2")] == Counts(running=1, ready=1)


def test_unplaced_since_is_the_oldest_unschedulable_moment_per_provider():
    early = unschedulable_pod("a")
    late = unschedulable_pod("b")
    late["status"]["conditions"][0]["lastTransitionTime"] = "2026-11-21T22:05:00Z"
    placed = make_pod(name="c", provider="fargate")
    assert unplaced_since([pod_state(late), pod_state(early), pod_state(placed)]) == {
        "fargate-spot": datetime(2026, 11, 21, 22, 0, tzinfo=UTC)
    }


def test_times_round_trip_in_kubernetes_form():
    assert format_time(parse_time(T0)) == T0
    assert parse_time(None) is None


CONTAINER_STATES = st.sampled_from(
    [
        {"running": {}},
        {"waiting": {"reason": "CrashLoopBackOff"}},
        {"terminated": {"exitCode": 1}},
        {"terminated": {"exitCode": 0}},
    ]
)


@st.composite
def observed_pods(draw):
    containers = [
        {"name": name, "restartCount": draw(st.integers(0, 5)), "state": draw(CONTAINER_STATES)}
        for name in draw(
            st.lists(st.sampled_from(["app", "sidecar", "log"]), min_size=1, max_size=3, unique=True)
        )
    ]
    pod = make_pod(
        phase=draw(st.sampled_from(["Pending", "Running", "Failed", "Succeeded"])),
        ready=draw(st.booleans()),
        scheduled=draw(st.sampled_from(["True", "False"])),
        containers=containers,
        essential=draw(st.none() | st.sampled_from(["app", "app,log"])),
        deleting=draw(st.booleans()),
        restart_policy=draw(st.sampled_from(["Always", "Never", "OnFailure"])),
        scheduled_reason=draw(st.none() | st.just("Unschedulable")),
        scheduled_message="0/6 nodes are available",
    )
    if draw(st.booleans()):  # a native sidecar, counted only when named essential
        pod["status"]["initContainerStatuses"] = [
            {"name": "log", "restartCount": draw(st.integers(0, 5)), "state": draw(CONTAINER_STATES)}
        ]
    # What a real pod also carries and the operator never reads.
    pod["spec"]["containers"] = [
        {"name": c["name"], "image": "nginx", "env": [{"name": "A", "value": "1"}]} for c in containers
    ]
    pod["spec"]["tolerations"] = [{"key": "spot", "operator": "Exists"}]
    pod["metadata"]["managedFields"] = [{"manager": "kube-controller-manager"}]
    pod["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"] = T0
    pod["status"]["podIPs"] = [{"ip": "10.0.0.1"}]
    return pod


@given(observed_pods())
def test_the_stored_projection_of_a_pod_reads_exactly_as_the_whole_pod(pod):
    projected = pod_projection(pod)
    assert pod_state(projected) == pod_state(pod)
    assert "containers" not in projected["spec"] and "tolerations" not in projected["spec"]
    assert "managedFields" not in projected["metadata"] and "podIPs" not in projected["status"]
    assert projected["metadata"]["labels"] == pod["metadata"]["labels"]
