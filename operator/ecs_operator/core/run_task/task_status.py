"""A standalone task's pod read as ECS reports a task (DescribeTasks,
https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html; the lifecycle,
https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-lifecycle-explanation.html).

lastStatus from the pod:
- PROVISIONING: no pod yet, or the scheduler has not placed it (unschedulable: a `Placed` condition
  False with the scheduler's message);
- PENDING: placed, containers not started (image pulls, init containers);
- ACTIVATING: running, but not every container has started yet; RUNNING: all have;
- DEACTIVATING: the task must stop (StopTask, an essential container exited) and the operator has
  not acted yet; STOPPING: its containers are being stopped (stopTimeout as grace period);
  DEPROVISIONING: all stopped, the pod not yet gone; STOPPED: the pod ended or is gone.
stopCode, first that applies: the operator's own stop (the pod's stop-code annotation: UserInitiated,
EssentialContainerExited, TaskFailedToStart); a DisruptionTarget condition (SpotInterruption on a spot
provider, else TerminationNotice for a drain or node shutdown and InfrastructureHealth for a lost
node); an image pull failure (TaskFailedToStart, ECS's CannotPullContainerError); an ended pod
(EssentialContainerExited). A pod deleted by someone else is SpotInterruption on spot, else UserInitiated.
Timestamps, once set, are kept from the previous status, so an unchanged pod writes nothing.
Pod reading shared with Services (essential containers, unschedulable) is core/task/state.py's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ecs_operator import API_GROUP
from ecs_operator.core.k8s.conditions import condition
from ecs_operator.core.run_task.task_pod import PROVIDER_NAME, PROVIDER_TYPE, renamed_containers
from ecs_operator.core.task.state import _essential_statuses, pod_state

# Written on the pod by the controller when it stops a task (StopRequest.annotations).
STOP_CODE = f"{API_GROUP}/stop-code"
STOPPED_REASON = f"{API_GROUP}/stopped-reason"
STOPPING_AT = f"{API_GROUP}/stopping-at"

USER_STOP_REASON = "Task stopped by user"
ESSENTIAL_EXITED = "Essential container in task exited"
PULL_FAILURES = frozenset({"ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull"})
OUT_OF_MEMORY = "OutOfMemoryError: Container killed due to memory usage"
_NODE_LOST = frozenset({"DeletionByTaintManager", "DeletionByPodGC"})


@dataclass(frozen=True)
class StopRequest:
    """The operator must stop the pod (grace: the pod's terminationGracePeriodSeconds), recording why."""

    stop_code: str
    reason: str

    def annotations(self, now: str) -> dict[str, str]:
        return {STOP_CODE: self.stop_code, STOPPED_REASON: self.reason, STOPPING_AT: now}


@dataclass(frozen=True)
class TaskView:
    status: dict[str, Any]  # the ECS part of the Task's status
    conditions: list[dict[str, Any]]  # for core/k8s/conditions.merge_conditions
    stop: StopRequest | None  # what the controller must do now, if anything


def _annotations(pod: Mapping[str, Any]) -> Mapping[str, str]:
    return (pod.get("metadata") or {}).get("annotations") or {}


def _all_statuses(pod: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    status = pod.get("status") or {}
    return [*(status.get("initContainerStatuses") or []), *(status.get("containerStatuses") or [])]


def _pull_failure(pod: Mapping[str, Any]) -> str | None:
    for container in _all_statuses(pod):
        waiting = (container.get("state") or {}).get("waiting") or {}
        if waiting.get("reason") in PULL_FAILURES:
            return f"CannotPullContainerError: {waiting.get('message') or waiting['reason']}"
    return None


def _essential_exited(pod: Mapping[str, Any]) -> bool:
    return any((c.get("state") or {}).get("terminated") for c in _essential_statuses(pod))


def _running(pod: Mapping[str, Any]) -> bool:
    return any((c.get("state") or {}).get("running") for c in _all_statuses(pod))


def _disruption(pod: Mapping[str, Any]) -> tuple[str, str] | None:
    found = next(
        (
            c
            for c in (pod.get("status") or {}).get("conditions") or []
            if c.get("type") == "DisruptionTarget" and c.get("status") == "True"
        ),
        None,
    )
    if found is None:
        return None
    message = found.get("message") or found.get("reason") or "the node is going away"
    if _annotations(pod).get(PROVIDER_TYPE) == "spot":
        return "SpotInterruption", f"Your Spot Task was interrupted: {message}"
    if found.get("reason") in _NODE_LOST:
        return "InfrastructureHealth", message
    return "TerminationNotice", message


def stop_request(spec: Mapping[str, Any], pod: Mapping[str, Any] | None) -> StopRequest | None:
    """Why the operator must stop this pod now; None when it need not, or already does."""
    if (
        pod is None
        or _annotations(pod).get(STOP_CODE)
        or (pod.get("metadata") or {}).get("deletionTimestamp")
    ):
        return None
    if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
        return None  # nothing left running
    if spec.get("desiredStatus") == "STOPPED":
        return StopRequest("UserInitiated", spec.get("stopReason") or USER_STOP_REASON)
    pull = _pull_failure(pod)
    if pull:
        return StopRequest("TaskFailedToStart", pull)
    if _essential_exited(pod):
        return StopRequest("EssentialContainerExited", ESSENTIAL_EXITED)
    return None


def _stop_code(pod: Mapping[str, Any], stop: StopRequest | None) -> tuple[str, str] | None:
    annotations = _annotations(pod)
    if annotations.get(STOP_CODE):
        return annotations[STOP_CODE], annotations.get(STOPPED_REASON) or ""
    disruption = _disruption(pod)
    if disruption:
        return disruption
    if stop is not None:
        return stop.stop_code, stop.reason
    status = pod.get("status") or {}
    if status.get("phase") in ("Succeeded", "Failed"):
        if status.get("reason") and not any(
            (c.get("state") or {}).get("terminated") for c in _all_statuses(pod)
        ):
            return "TaskFailedToStart", f"{status['reason']}: {status.get('message') or ''}".rstrip(": ")
        return "EssentialContainerExited", ESSENTIAL_EXITED
    if (pod.get("metadata") or {}).get("deletionTimestamp"):
        return _gone(annotations.get(PROVIDER_TYPE))
    return None


def _gone(capacity_type: str | None) -> tuple[str, str]:
    if capacity_type == "spot":
        return "SpotInterruption", "Your Spot Task was interrupted: its pod was deleted"
    return "UserInitiated", "Task stopped: its pod was deleted"


def _container(status: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    state = status.get("state") or {}
    out: dict[str, Any] = {"name": names.get(status.get("name", ""), status.get("name", ""))}
    if status.get("image"):
        out["image"] = status["image"]
    if "terminated" in state:
        terminated = state["terminated"] or {}
        out["lastStatus"] = "STOPPED"
        out["exitCode"] = terminated.get("exitCode")
        if terminated.get("reason") == "OOMKilled":
            out["reason"] = OUT_OF_MEMORY
        elif terminated.get("message"):
            out["reason"] = str(terminated["message"])[:255]
    elif "running" in state:
        out["lastStatus"] = "RUNNING"
    else:
        out["lastStatus"] = "PENDING"
        waiting = state.get("waiting") or {}
        if waiting.get("reason") in PULL_FAILURES:
            out["reason"] = f"CannotPullContainerError: {waiting.get('message') or waiting['reason']}"[:255]
    return {k: v for k, v in out.items() if v is not None}


def _times(statuses: Sequence[Mapping[str, Any]], state: str, key: str) -> list[str]:
    return [t for c in statuses if (t := ((c.get("state") or {}).get(state) or {}).get(key))]


def _last_status(pod: Mapping[str, Any], code: tuple[str, str] | None, stop: StopRequest | None) -> str:
    state = pod_state(pod)
    phase = state.phase
    if phase in ("Succeeded", "Failed"):
        return "STOPPED"
    if code is not None:
        if not _running(pod):
            # Nothing to stop (a failed pull, or every container already exited).
            return "DEPROVISIONING" if state.deleting and code[0] != "TaskFailedToStart" else "STOPPED"
        return "DEACTIVATING" if stop is not None else "STOPPING"
    if not state.scheduled:
        return "PROVISIONING"
    if phase != "Running":
        return "PENDING"
    main = (pod.get("status") or {}).get("containerStatuses") or []
    started = all(
        (c.get("state") or {}).get("running") or (c.get("state") or {}).get("terminated") for c in main
    )
    return "RUNNING" if main and started else "ACTIVATING"


def task_status(
    spec: Mapping[str, Any], pod: Mapping[str, Any] | None, previous: Mapping[str, Any] | None, now: str
) -> TaskView:
    """The Task's ECS status from its pod (None: not created yet, or gone) and its previous status."""
    previous = previous or {}
    kept = {k: previous[k] for k in ("createdAt", "startedAt", "stoppingAt", "stoppedAt") if previous.get(k)}
    if pod is None:
        return _without_pod(spec, previous, kept, now)
    stop = stop_request(spec, pod)
    code = _stop_code(pod, stop)
    last = _last_status(pod, code, stop)
    statuses = _all_statuses(pod)
    names = renamed_containers(pod)
    status: dict[str, Any] = {
        "lastStatus": last,
        "desiredStatus": "STOPPED"
        if code is not None or spec.get("desiredStatus") == "STOPPED"
        else "RUNNING",
        "containers": [_container(c, names) for c in statuses],
        "createdAt": kept.get("createdAt") or (pod.get("metadata") or {}).get("creationTimestamp"),
    }
    provider = _annotations(pod).get(PROVIDER_NAME)
    if provider:
        status["capacityProviderName"] = provider
    if last in ("RUNNING", "DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED"):
        started = _times(statuses, "running", "startedAt") + _times(statuses, "terminated", "startedAt")
        if kept.get("startedAt") or started:
            status["startedAt"] = kept.get("startedAt") or max(started)
    if code is not None:
        status["stopCode"], status["stoppedReason"] = code
        status["stoppingAt"] = kept.get("stoppingAt") or _annotations(pod).get(STOPPING_AT) or now
    if last == "STOPPED":
        finished = _times(statuses, "terminated", "finishedAt")
        status["stoppedAt"] = kept.get("stoppedAt") or (max(finished) if finished else now)
    conditions = []
    state = pod_state(pod)
    if state.unschedulable and last == "PROVISIONING":
        conditions.append(condition("Placed", False, "Unschedulable", state.unschedulable_message, None))
    elif state.scheduled:
        conditions.append(condition("Placed", True, "Scheduled", f"on node {state.node_name}", None))
    return TaskView({k: v for k, v in status.items() if v is not None}, conditions, stop)


def _without_pod(
    spec: Mapping[str, Any], previous: Mapping[str, Any], kept: dict[str, Any], now: str
) -> TaskView:
    if previous.get("lastStatus") == "STOPPED":
        return TaskView(dict(previous), [], None)
    placed = bool(previous.get("capacityProviderName"))  # the pod was made once: it is gone now
    if not placed and spec.get("desiredStatus") != "STOPPED":
        return TaskView({"lastStatus": "PROVISIONING", "desiredStatus": "RUNNING", **kept}, [], None)
    if previous.get("stopCode"):
        code = (previous["stopCode"], previous.get("stoppedReason", ""))
    elif not placed:
        code = ("UserInitiated", spec.get("stopReason") or USER_STOP_REASON)
    else:
        # Gone before any look at it while deleting (which records the code): the cause is unknown.
        code = _gone(None)
    containers = [
        {**c, "lastStatus": "STOPPED"} if c.get("lastStatus") != "STOPPED" else dict(c)
        for c in previous.get("containers") or []
    ]
    status = {
        **{k: v for k, v in previous.items() if k not in ("lastStatus", "desiredStatus", "containers")},
        "lastStatus": "STOPPED",
        "desiredStatus": "STOPPED",
        "stopCode": code[0],
        "stoppedReason": code[1],
        "stoppingAt": kept.get("stoppingAt") or now,
        "stoppedAt": kept.get("stoppedAt") or now,
    }
    if containers:
        status["containers"] = containers
    return TaskView(status, [], None)
