"""ECS `deployments[]`
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html
): which deployment is PRIMARY, its rollout state, rollback.

One call per reconcile: the previous `status.deployments` and the bookkeeping stored beside them
(`status.deploymentTracking`, see `DeploymentsDecision.tracking`), plus the spec's deployment
fingerprint and the service's pods, give the new list, what the children must run now, and the
events of the transitions. Rules:
- a new fingerprint (task definition revision, network, load balancers, registries, Service
  Connect, VPC Lattice, platform version, volume configurations, forceNewDeployment) opens a new
  PRIMARY; the old one turns ACTIVE and leaves the list once it has no running or pending tasks.
  desiredCount, strategy and deploymentConfiguration changes open nothing;
- IN_PROGRESS -> COMPLETED at steady state: desiredCount tasks of the PRIMARY running and Ready,
  nothing pending or unplaced, no task of any other deployment left (terminating ones included);
- the circuit breaker at its threshold -> FAILED. With rollback, the most recent COMPLETED
  deployment becomes PRIMARY again (same id, IN_PROGRESS, "rolling back" reason) and is not a
  rollback target again until it completes. With no COMPLETED deployment, or rollback off, the
  FAILED deployment stays PRIMARY and `paused` is set: the children keep its pod template but are
  paused (Deployment `spec.paused`), so Kubernetes starts no further tasks of it, as ECS "launches
  nothing"; tasks of older deployments that are still running stay. The next fingerprint opens a
  fresh deployment and unpauses.
The user's spec is never rewritten: after a rollback the spec still names the failed revision and
only status (and the children) say what runs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ecs_operator import API_GROUP
from ecs_operator.core.k8s.timestamps import format_time
from ecs_operator.core.service import events
from ecs_operator.core.service.circuit_breaker import NOT_READY_SECONDS, evaluate
from ecs_operator.core.service.events import ServiceEvent
from ecs_operator.core.service.problems import ServiceProblem
from ecs_operator.core.task.state import Counts, PodState, deployment_label, summarize

# `kubectl annotate ecsservice web ecs-operator.dev/force-new-deployment=$(date +%s)`: the declarative
# form of UpdateService --force-new-deployment.
FORCE_NEW_DEPLOYMENT_ANNOTATION = f"{API_GROUP}/force-new-deployment"
PRIMARY = "PRIMARY"
ACTIVE = "ACTIVE"
IN_PROGRESS = "IN_PROGRESS"
COMPLETED = "COMPLETED"
FAILED = "FAILED"
TASK_FAILED_TO_START = "ECS deployment circuit breaker: task failed to start."
NOTHING_TO_ROLL_BACK_TO = " No COMPLETED deployment to roll back to."

# Fields whose change starts a new deployment
# (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html); taskDefinition
# is passed resolved (`family:N`), so a `family` reference moving to a new revision deploys too.
DEPLOYMENT_FIELDS = (
    "networkConfiguration",
    "loadBalancers",
    "serviceRegistries",
    "serviceConnectConfiguration",
    "vpcLatticeConfigurations",
    "platformVersion",
    "volumeConfigurations",
    "forceNewDeployment",
)


def in_progress_reason(deployment_id: str) -> str:
    return f"ECS deployment {deployment_id} in progress."


def completed_reason(deployment_id: str) -> str:
    return f"ECS deployment {deployment_id} completed."


def rollback_reason(deployment_id: str) -> str:
    return f"ECS deployment circuit breaker: rolling back to deploymentId {deployment_id}."


def require_ecs_controller(spec: Mapping[str, Any]) -> None:
    """Only ECS's rolling deployment controller runs here."""
    if (spec.get("deploymentController") or {}).get("type") == "EXTERNAL":
        raise ServiceProblem(
            "ExternalDeploymentController",
            "deploymentController EXTERNAL: ECS task sets are not supported; ecs-operator runs the "
            "ECS rolling controller only (remove deploymentController or set it to ECS)",
        )


def fingerprint(spec: Mapping[str, Any], task_definition: str) -> str:
    """What ECS treats as "the same deployment". Unset fields are left out, so adding an empty
    optional field deploys nothing. `forceNewDeployment` counts by value: any change of it (a bool
    flipped, or a token bumped) deploys, the declarative form of ECS's one-shot flag."""
    relevant = {name: spec[name] for name in DEPLOYMENT_FIELDS if spec.get(name) is not None}
    relevant["taskDefinition"] = task_definition
    encoded = json.dumps(relevant, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()[:32]


def service_fingerprint(spec: Mapping[str, Any], task_definition: str, meta: Mapping[str, Any]) -> str:
    """`fingerprint`, plus the force-new-deployment annotation (a restart without a spec change,
    like `kubectl rollout restart`)."""
    force = (meta.get("annotations") or {}).get(FORCE_NEW_DEPLOYMENT_ANNOTATION)
    return fingerprint(spec, f"{task_definition}#{force}" if force else task_definition)


def deployment_id(service_uid: str, spec_fingerprint: str, counter: int) -> str:
    """`ecs-svc/` and 19 digits, like ECS. Deterministic: if status were lost, the same spec gets the
    same id back, so the pods' deployment label (and template) does not change."""
    digest = hashlib.sha256(f"{service_uid}/{spec_fingerprint}/{counter}".encode()).hexdigest()
    return f"ecs-svc/{int(digest, 16) % 10**19:019d}"


@dataclass(frozen=True)
class DeploymentsDecision:
    deployments: list[dict[str, Any]]  # ECS shape, PRIMARY first
    serving_task_definition: str  # `family:N` the children's pod template runs now
    serving_deployment_id: str  # the deployment label those pods carry
    paused: bool  # PRIMARY FAILED without a rollback: pause the children
    steady: bool  # PRIMARY COMPLETED and exactly at desired: "has reached a steady state"
    events: list[ServiceEvent]  # this reconcile's transitions, oldest first
    tracking: dict[str, Any]  # store as status.deploymentTracking; pass back next time


def _new_entry(
    id_: str, task_definition: str, desired: int, reason: str, created_at: str, now: str
) -> dict[str, Any]:
    return {
        "id": id_,
        "status": PRIMARY,
        "taskDefinition": task_definition,
        "desiredCount": desired,
        "runningCount": 0,
        "pendingCount": 0,
        "failedTasks": 0,
        "rolloutState": IN_PROGRESS,
        "rolloutStateReason": reason,
        "createdAt": created_at,
        "updatedAt": now,
    }


def _at_steady_state(primary_id: str, counts: Counts, pods: Sequence[PodState], desired: int) -> bool:
    label = deployment_label(primary_id)
    # Failed pods linger until garbage-collected; they are stopped tasks, not tasks left to replace.
    others_left = any(
        p.deployment_id not in (label, primary_id) and not p.failed and p.phase in ("Running", "Pending", "")
        for p in pods
    )
    return (
        counts.running == desired
        and counts.ready == desired
        and counts.pending == 0
        and counts.unplaced == 0
        and not others_left
    )


def reconcile_deployments(
    previous: Sequence[Mapping[str, Any]] | None,
    *,
    tracking: Mapping[str, Any] | None,
    service_name: str,
    service_uid: str,
    target_task_definition: str,
    spec_fingerprint: str,
    pods: Sequence[PodState],
    breaker_config: Mapping[str, Any] | None,
    desired_count: int,
    grace_seconds: int,
    now: datetime,
    not_ready_seconds: Callable[[str], int] | None = None,
) -> DeploymentsDecision:
    """`pods`: the service's pods (all children). `breaker_config`: deploymentCircuitBreaker or None.
    `not_ready_seconds`: for a `family:N`, how long past the grace period a task may stay not Ready
    before it counts as failed (`circuit_breaker.unhealthy_after` of that revision)."""
    stamp = format_time(now)
    entries = [dict(d) for d in previous or []]
    before = {d["id"]: dict(d) for d in entries}
    track: dict[str, Any] = dict(tracking or {})
    messages: list[ServiceEvent] = []

    primary = next((d for d in entries if d.get("status") == PRIMARY), None)
    if primary is None or track.get("fingerprint") != spec_fingerprint:
        counter = int(track.get("counter", 0)) + 1
        new_id = deployment_id(service_uid, spec_fingerprint, counter)
        for entry in entries:
            entry["status"] = ACTIVE
        entries = [d for d in entries if d["id"] != new_id]
        primary = _new_entry(
            new_id, target_task_definition, desired_count, in_progress_reason(new_id), stamp, stamp
        )
        entries.insert(0, primary)
        track.update(fingerprint=spec_fingerprint, counter=counter, breaker=None)

    counts = summarize(pods, key=lambda p: p.deployment_id)

    def counts_of(id_: str) -> Counts:
        return counts.get(deployment_label(id_)) or counts.get(id_) or Counts()

    if primary.get("rolloutState") == IN_PROGRESS:
        breaker = evaluate(
            track.get("breaker"),
            pods,
            deployment_id=primary["id"],
            config=breaker_config,
            desired_count=desired_count,
            grace_seconds=grace_seconds,
            now=now,
            not_ready_seconds=(
                not_ready_seconds(primary["taskDefinition"]) if not_ready_seconds else NOT_READY_SECONDS
            ),
        )
        primary["failedTasks"] = breaker.failed_tasks
        if breaker.triggered:
            primary["rolloutState"] = FAILED
            primary["rolloutStateReason"] = TASK_FAILED_TO_START
            primary["circuitBreaker"] = breaker.ecs()
            track["breaker"] = breaker.as_dict()
            target = track.get("lastCompleted") if (breaker_config or {}).get("rollback") else None
            if target and target.get("id") != primary["id"]:
                primary["status"] = ACTIVE
                entries = [d for d in entries if d["id"] != target["id"]]
                restored = _new_entry(
                    target["id"],
                    target["taskDefinition"],
                    desired_count,
                    rollback_reason(target["id"]),
                    target.get("createdAt") or stamp,
                    stamp,
                )
                entries.insert(0, restored)
                messages.append(events.rolling_back(service_name, primary["id"], target["id"]))
                # ECS: the target is no rollback target again until it completes again.
                track.update(lastCompleted=None, breaker=None)
                primary = restored
            elif (breaker_config or {}).get("rollback"):
                primary["rolloutStateReason"] = TASK_FAILED_TO_START + NOTHING_TO_ROLL_BACK_TO
                messages.append(events.deployment_stalled(service_name, primary["id"]))
            else:
                messages.append(events.deployment_failed(service_name, primary["id"]))
        elif _at_steady_state(primary["id"], counts_of(primary["id"]), pods, desired_count):
            done = breaker.complete()
            primary["rolloutState"] = COMPLETED
            primary["rolloutStateReason"] = completed_reason(primary["id"])
            primary["circuitBreaker"] = done.ecs()
            track["breaker"] = done.as_dict()
            track["lastCompleted"] = {
                "id": primary["id"],
                "taskDefinition": primary["taskDefinition"],
                "createdAt": primary.get("createdAt"),
            }
            messages.append(events.deployment_completed(service_name, primary["id"]))
        else:
            primary["circuitBreaker"] = breaker.ecs()
            track["breaker"] = breaker.as_dict()

    kept: list[dict[str, Any]] = []
    for entry in entries:
        mine = counts_of(entry["id"])
        entry["runningCount"] = mine.running
        entry["pendingCount"] = mine.pending
        if entry is primary:
            entry["desiredCount"] = desired_count
        else:
            # An old deployment keeps what Kubernetes has not replaced yet.
            entry["desiredCount"] = mine.running + mine.pending
            if mine.running + mine.pending == 0:
                continue
        old = before.get(entry["id"])
        if old is not None and {**old, "updatedAt": None} == {**entry, "updatedAt": None}:
            entry["updatedAt"] = old.get("updatedAt", stamp)
        else:
            entry["updatedAt"] = stamp
        kept.append(entry)

    steady = primary.get("rolloutState") == COMPLETED and _at_steady_state(
        primary["id"], counts_of(primary["id"]), pods, desired_count
    )
    return DeploymentsDecision(
        deployments=kept,
        serving_task_definition=primary["taskDefinition"],
        serving_deployment_id=primary["id"],
        paused=primary.get("rolloutState") == FAILED,
        steady=steady,
        events=messages,
        tracking=track,
    )
