"""What a service's pods say, in ECS terms: one `PodState` per pod, counts per provider and revision.

ECS counters
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html) map onto pod states like this:
- running: phase Running and not being deleted (a terminating pod is a STOPPING task);
- pending: not deleted, not failed, not running and not unschedulable: created, scheduled or
  starting (ECS PROVISIONING/PENDING/ACTIVATING). A pod the scheduler has not looked at yet counts
  as pending, so a burst of new pods never looks like a capacity problem;
- unplaced: the scheduler said Unschedulable. ECS creates no task it cannot place
  (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html), so
  these are shown per provider as unplaced, never as pending;
- failed: phase Failed, or an essential container exited non-zero and will not be restarted.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from ecs_operator.api import labels
from ecs_operator.core.k8s.timestamps import parse_time


@dataclass(frozen=True)
class PodState:
    name: str
    provider: str | None
    task_definition: str | None
    deployment_id: str | None
    phase: str
    ready: bool
    scheduled: bool
    unschedulable: bool
    unschedulable_message: str
    unschedulable_since: datetime | None
    node_name: str | None
    restart_count: int
    crash_looping: bool
    failed: bool
    essential_failures: int
    created_at: datetime | None
    started_at: datetime | None
    ready_since: datetime | None
    deleting: bool

    @property
    def running(self) -> bool:
        return self.phase == "Running" and not self.deleting

    @property
    def pending(self) -> bool:
        return (
            not self.deleting
            and not self.failed
            and not self.unschedulable
            and self.phase in ("Pending", "Unknown", "")
        )

    @property
    def unplaced(self) -> bool:
        return self.unschedulable and not self.deleting


def _condition(pod: Mapping[str, Any], type_: str) -> Mapping[str, Any] | None:
    conditions = (pod.get("status") or {}).get("conditions") or []
    return next((c for c in conditions if c.get("type") == type_), None)


def _essential_statuses(pod: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Statuses of the essential containers; native sidecars count only when named as essential."""
    status = pod.get("status") or {}
    annotations = (pod.get("metadata") or {}).get("annotations") or {}
    listed = annotations.get(labels.ESSENTIAL_CONTAINERS_ANNOTATION)
    regular = list(status.get("containerStatuses") or [])
    if listed is None:
        return regular
    names = {name.strip() for name in listed.split(",") if name.strip()}
    everything = regular + list(status.get("initContainerStatuses") or [])
    return [c for c in everything if c.get("name") in names]


def _exited_with_error(container: Mapping[str, Any]) -> bool:
    terminated = (container.get("state") or {}).get("terminated")
    return terminated is not None and terminated.get("exitCode", 0) != 0


def _crash_looping(container: Mapping[str, Any]) -> bool:
    waiting = (container.get("state") or {}).get("waiting") or {}
    return waiting.get("reason") == "CrashLoopBackOff"


_POD_METADATA = ("name", "namespace", "uid", "resourceVersion", "creationTimestamp", "deletionTimestamp")
_POD_STATUS = ("phase", "conditions", "containerStatuses", "initContainerStatuses", "startTime")


def pod_projection(pod: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a pod that `pod_state` reads (and the store needs: identity, version, labels).
    A pod's spec is most of its size; the operator keeps thousands of pods in memory."""
    metadata = pod.get("metadata") or {}
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    annotations = metadata.get("annotations") or {}
    kept_annotations = {
        k: v
        for k, v in annotations.items()
        if k in (labels.TASK_DEFINITION_ANNOTATION, labels.ESSENTIAL_CONTAINERS_ANNOTATION)
    }
    projected: dict[str, Any] = {
        "metadata": {
            **{k: metadata[k] for k in _POD_METADATA if k in metadata},
            "labels": dict(metadata.get("labels") or {}),
            "annotations": kept_annotations,
        },
        "spec": {k: spec[k] for k in ("nodeName", "restartPolicy") if k in spec},
        "status": {k: status[k] for k in _POD_STATUS if k in status},
    }
    for key in ("apiVersion", "kind"):
        if key in pod:
            projected[key] = pod[key]
    return projected


def pod_state(pod: Mapping[str, Any]) -> PodState:
    metadata = pod.get("metadata") or {}
    pod_labels = metadata.get("labels") or {}
    annotations = metadata.get("annotations") or {}
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    phase = status.get("phase") or ""
    essential = _essential_statuses(pod)

    ready_condition = _condition(pod, "Ready")
    ready = ready_condition is not None and ready_condition.get("status") == "True"
    ready_since = parse_time(ready_condition.get("lastTransitionTime")) if ready_condition and ready else None
    scheduled_condition = _condition(pod, "PodScheduled") or {}
    unschedulable = (
        scheduled_condition.get("status") == "False" and scheduled_condition.get("reason") == "Unschedulable"
    )
    since = parse_time(scheduled_condition.get("lastTransitionTime")) if unschedulable else None
    crash_looping = any(_crash_looping(c) for c in essential)
    restarts_possible = spec.get("restartPolicy", "Always") == "Always"
    exited = any(_exited_with_error(c) for c in essential)
    failed = phase == "Failed" or (exited and not restarts_possible)
    restart_count = sum(int(c.get("restartCount") or 0) for c in essential)
    # Each death of an essential container is a task ECS would have replaced: the restarts so far,
    # plus the one it is down from right now (the kubelet counts a restart only once it happens).
    down_now = crash_looping or exited or failed
    return PodState(
        name=metadata.get("name", ""),
        provider=pod_labels.get(labels.CAPACITY_PROVIDER),
        task_definition=annotations.get(labels.TASK_DEFINITION_ANNOTATION)
        or pod_labels.get(labels.TASK_DEFINITION),
        deployment_id=pod_labels.get(labels.DEPLOYMENT),
        phase=phase,
        ready=ready,
        scheduled=scheduled_condition.get("status") == "True",
        unschedulable=unschedulable,
        unschedulable_message=scheduled_condition.get("message", "") if unschedulable else "",
        unschedulable_since=since,
        node_name=spec.get("nodeName"),
        restart_count=restart_count,
        crash_looping=crash_looping,
        failed=failed,
        essential_failures=restart_count + (1 if down_now else 0),
        created_at=parse_time(metadata.get("creationTimestamp")),
        started_at=parse_time(status.get("startTime")),
        ready_since=ready_since,
        deleting=metadata.get("deletionTimestamp") is not None,
    )


@dataclass(frozen=True)
class Counts:
    running: int = 0
    pending: int = 0
    ready: int = 0
    unplaced: int = 0
    failed: int = 0

    @classmethod
    def of(cls, pods: Iterable[PodState]) -> Counts:
        pods = list(pods)
        return cls(
            running=sum(p.running for p in pods),
            pending=sum(p.pending for p in pods),
            ready=sum(p.ready and not p.deleting for p in pods),
            unplaced=sum(p.unplaced for p in pods),
            failed=sum(p.failed and not p.deleting for p in pods),
        )


Key = TypeVar("Key", bound=Hashable)


def by_provider_and_revision(pod: PodState) -> tuple[str | None, str | None]:
    return (pod.provider, pod.task_definition)


def summarize(
    pods: Iterable[PodState],
    key: Callable[[PodState], Key] = by_provider_and_revision,  # type: ignore[assignment]
) -> dict[Key, Counts]:
    """Counts per group; the default groups by (capacity provider, `family:N`)."""
    groups: dict[Key, list[PodState]] = {}
    for pod in pods:
        groups.setdefault(key(pod), []).append(pod)
    return {group: Counts.of(members) for group, members in groups.items()}


def unplaced_since(pods: Iterable[PodState]) -> dict[str, datetime]:
    """Per provider, since when its oldest still-unplaced pod has been unschedulable."""
    since: dict[str, datetime] = {}
    for pod in pods:
        if not pod.unplaced or pod.provider is None:
            continue
        moment = pod.unschedulable_since or pod.created_at
        if moment is not None and (pod.provider not in since or moment < since[pod.provider]):
            since[pod.provider] = moment
    return since


def deployment_label(deployment_id: str) -> str:
    """The label-safe form of an ECS deployment id (`ecs-svc/123` -> `ecs-svc-123`)."""
    return deployment_id.replace("/", "-")
