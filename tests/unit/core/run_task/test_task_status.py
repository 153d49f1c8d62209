from typing import Any

from ecs_operator.core.run_task import task_pod
from ecs_operator.core.run_task.task_status import (
    STOP_CODE,
    STOPPED_REASON,
    STOPPING_AT,
    StopRequest,
    stop_request,
    task_status,
)

NOW = "2026-03-04T10:30:00Z"
RUNNING = {"running": {"startedAt": "2026-03-04T10:01:00Z"}}


def exited(code: int, finished: str = "2026-03-04T10:20:00Z", **extra: Any) -> dict[str, Any]:
    return {
        "terminated": {"exitCode": code, "startedAt": "2026-03-04T10:01:00Z", "finishedAt": finished, **extra}
    }


def pod(
    phase: str = "Running",
    *,
    app: dict[str, Any] | None = None,
    sidecar: dict[str, Any] | None = None,
    scheduled: bool = True,
    annotations: dict[str, str] | None = None,
    conditions: list[dict[str, Any]] | None = None,
    deleting: bool = False,
    capacity_type: str = "on-demand",
) -> dict[str, Any]:
    statuses = [
        {"name": "app-main", "image": "nginx:1.27", "state": app or RUNNING},
        {"name": "sidecar", "image": "busybox", "state": sidecar or RUNNING},
    ]
    placed = (
        {"type": "PodScheduled", "status": "True"}
        if scheduled
        else {
            "type": "PodScheduled",
            "status": "False",
            "reason": "Unschedulable",
            "message": "0/3 nodes are available: 3 Insufficient cpu.",
        }
    )
    meta: dict[str, Any] = {
        "name": "migrate-1",
        "creationTimestamp": "2026-03-04T10:00:00Z",
        "annotations": {
            "ecs-operator.dev/essential-containers": "app-main",
            task_pod.PROVIDER_NAME: "FARGATE_SPOT" if capacity_type == "spot" else "FARGATE",
            task_pod.PROVIDER_TYPE: capacity_type,
            task_pod.CONTAINER_NAMES: '{"app-main":"App_Main"}',
            **(annotations or {}),
        },
    }
    if deleting:
        meta["deletionTimestamp"] = "2026-03-04T10:25:45Z"
    return {
        "metadata": meta,
        "spec": {"restartPolicy": "Never", "nodeName": "node-1" if scheduled else None},
        "status": {
            "phase": phase,
            "conditions": [placed, *(conditions or [])],
            "containerStatuses": statuses if scheduled else [],
        },
    }


def status_of(spec: dict[str, Any], the_pod: dict[str, Any] | None, previous: dict[str, Any] | None = None):
    return task_status(spec, the_pod, previous, NOW)


def test_an_unschedulable_task_is_provisioning_with_the_schedulers_reason():
    view = status_of({}, pod("Pending", scheduled=False))
    assert (view.status["lastStatus"], view.status["desiredStatus"]) == ("PROVISIONING", "RUNNING")
    (placed,) = view.conditions
    assert (placed["type"], placed["status"], placed["reason"]) == ("Placed", "False", "Unschedulable")
    assert placed["message"] == "0/3 nodes are available: 3 Insufficient cpu."


def test_a_task_without_a_pod_yet_is_provisioning():
    assert status_of({}, None).status == {"lastStatus": "PROVISIONING", "desiredStatus": "RUNNING"}


def test_pending_activating_running():
    waiting = {"waiting": {"reason": "ContainerCreating"}}
    assert status_of({}, pod("Pending", app=waiting, sidecar=waiting)).status["lastStatus"] == "PENDING"
    assert status_of({}, pod("Running", sidecar=waiting)).status["lastStatus"] == "ACTIVATING"
    view = status_of({}, pod("Running"))
    assert view.status["lastStatus"] == "RUNNING"
    assert view.status["startedAt"] == "2026-03-04T10:01:00Z"
    assert view.status["capacityProviderName"] == "FARGATE"
    assert view.status["containers"][0] == {
        "name": "App_Main",
        "image": "nginx:1.27",
        "lastStatus": "RUNNING",
    }
    assert view.stop is None


def test_an_image_pull_failure_is_task_failed_to_start_with_cannot_pull_container_error():
    pull = {"waiting": {"reason": "ErrImagePull", "message": 'pull access denied for "nope"'}}
    view = status_of({}, pod("Pending", app=pull, sidecar={"waiting": {"reason": "ContainerCreating"}}))
    assert view.status["lastStatus"] == "STOPPED"
    assert view.status["stopCode"] == "TaskFailedToStart"
    assert view.status["stoppedReason"] == 'CannotPullContainerError: pull access denied for "nope"'
    assert view.status["containers"][0]["reason"].startswith("CannotPullContainerError")
    assert view.stop == StopRequest("TaskFailedToStart", view.status["stoppedReason"])  # the pod must go


def test_an_essential_container_exiting_stops_the_others_then_the_task():
    # 1. it exited; the sidecar still runs: the operator must stop the pod
    first = status_of({}, pod("Running", app=exited(3)))
    assert first.status["lastStatus"] == "DEACTIVATING"
    assert first.stop == StopRequest("EssentialContainerExited", "Essential container in task exited")
    # 2. the operator stopped it (annotations, deletion): the sidecar is being stopped
    stopping = pod("Running", app=exited(3), annotations=first.stop.annotations(NOW), deleting=True)
    second = status_of({}, stopping, first.status)
    assert second.status["lastStatus"] == "STOPPING"
    assert second.stop is None
    # 3. every container ended
    done = pod(
        "Failed",
        app=exited(3),
        sidecar=exited(143, "2026-03-04T10:20:40Z"),
        annotations=first.stop.annotations(NOW),
    )
    third = status_of({}, done, second.status)
    assert third.status["lastStatus"] == "STOPPED"
    assert third.status["stopCode"] == "EssentialContainerExited"
    assert [c.get("exitCode") for c in third.status["containers"]] == [3, 143]
    assert third.status["stoppedAt"] == "2026-03-04T10:20:40Z"
    assert third.status["stoppingAt"] == first.status["stoppingAt"]


def test_a_task_that_completes_is_stopped_with_essential_container_exited():
    view = status_of({}, pod("Succeeded", app=exited(0), sidecar=exited(0)))
    assert (view.status["lastStatus"], view.status["stopCode"]) == ("STOPPED", "EssentialContainerExited")
    assert view.status["containers"][0]["exitCode"] == 0


def test_stop_task_is_user_initiated_with_the_reason():
    spec = {"desiredStatus": "STOPPED", "stopReason": "migration cancelled"}
    view = status_of(spec, pod("Running"))
    assert view.stop == StopRequest("UserInitiated", "migration cancelled")
    assert (view.status["lastStatus"], view.status["desiredStatus"]) == ("DEACTIVATING", "STOPPED")
    stopping = pod("Running", annotations=view.stop.annotations("2026-03-04T10:25:00Z"), deleting=True)
    after = status_of(spec, stopping, view.status)
    assert (after.status["lastStatus"], after.status["stopCode"]) == ("STOPPING", "UserInitiated")
    assert after.status["stoppedReason"] == "migration cancelled"
    assert status_of({"desiredStatus": "STOPPED"}, pod("Running")).stop.reason == "Task stopped by user"


def test_a_spot_node_taken_away_is_spot_interruption():
    gone = {"type": "DisruptionTarget", "status": "True", "reason": "DeletionByPodGC", "message": "node gone"}
    view = status_of({}, pod("Running", conditions=[gone], deleting=True, capacity_type="spot"))
    assert view.status["stopCode"] == "SpotInterruption"
    assert view.status["lastStatus"] == "STOPPING"
    on_demand = status_of({}, pod("Running", conditions=[gone], deleting=True))
    assert on_demand.status["stopCode"] == "InfrastructureHealth"
    drained = dict(gone, reason="EvictionByEvictionAPI")
    assert (
        status_of({}, pod("Running", conditions=[drained], deleting=True)).status["stopCode"]
        == "TerminationNotice"
    )


def test_a_pod_gone_keeps_what_was_known_and_is_stopped():
    known = status_of(
        {},
        pod(
            "Running",
            app=exited(1),
            annotations={
                STOP_CODE: "EssentialContainerExited",
                STOPPED_REASON: "Essential container in task exited",
                STOPPING_AT: "2026-03-04T10:21:00Z",
            },
            deleting=True,
        ),
    )
    view = status_of({}, None, known.status)
    assert view.status["lastStatus"] == "STOPPED"
    assert view.status["stopCode"] == "EssentialContainerExited"
    assert view.status["stoppingAt"] == "2026-03-04T10:21:00Z"
    assert view.status["stoppedAt"] == NOW
    assert {c["lastStatus"] for c in view.status["containers"]} == {"STOPPED"}
    assert status_of({}, None, view.status).status == view.status  # steady: nothing changes


def test_a_pod_deleted_by_someone_else():
    spot = status_of({}, pod("Running", deleting=True, capacity_type="spot"))
    assert spot.status["stopCode"] == "SpotInterruption"
    assert status_of({}, pod("Running", deleting=True)).status["stopCode"] == "UserInitiated"


def test_stopping_a_task_that_never_got_a_pod():
    view = status_of({"desiredStatus": "STOPPED"}, None, {"lastStatus": "PROVISIONING"})
    assert (view.status["lastStatus"], view.status["stopCode"]) == ("STOPPED", "UserInitiated")


def test_out_of_memory_reads_as_ecs_says_it():
    view = status_of({}, pod("Failed", app=exited(137, reason="OOMKilled"), sidecar=exited(0)))
    assert view.status["containers"][0]["reason"] == "OutOfMemoryError: Container killed due to memory usage"


def test_timestamps_are_kept_so_an_unchanged_pod_changes_nothing():
    first = status_of({}, pod("Failed", app=exited(1), sidecar={"terminated": {"exitCode": 0}}))
    again = task_status(
        {},
        pod("Failed", app=exited(1), sidecar={"terminated": {"exitCode": 0}}),
        first.status,
        "2026-03-04T11:00:00Z",
    )
    assert again.status == first.status


def test_no_stop_is_asked_for_twice():
    asked = pod("Running", app=exited(1), annotations={STOP_CODE: "EssentialContainerExited"})
    assert stop_request({}, asked) is None
    assert stop_request({}, None) is None
    assert (
        stop_request({"desiredStatus": "STOPPED"}, pod("Succeeded", app=exited(0), sidecar=exited(0))) is None
    )
