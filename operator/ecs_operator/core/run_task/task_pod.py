"""The Pod of one standalone ECS task (RunTask, https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html).

The task definition revision, with the task's `overrides` applied
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskOverride.html), is built by
`core/task_definition/pod_spec.py`, so a task runs exactly what a Service's pod of that revision
would. Then:
- `restartPolicy: Never`: ECS never restarts a standalone task; a new run is a new task;
- the capacity provider's node pool (`core/placement/node_pool.py`) and the task's and task
  definition's placement constraints and strategy (`core/placement/placement_constraints.py`);
  spread balances the tasks of the same `group`;
- the stopTimeout is the grace period on every provider, spot included: StopTask honours it;
- a taskRoleArn gets a ServiceAccount named after the task, owned by it, so two tasks with
  different role overrides never share one.
A ScheduledTask's CronJob (core/run_task/cron_job.py) builds its pod template with `pod_parts`.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ecs_operator import API_GROUP
from ecs_operator.api import labels
from ecs_operator.api.names import label_value
from ecs_operator.core.placement import node_pool, placement_constraints
from ecs_operator.core.task_definition.pod_spec import build_pod_spec
from ecs_operator.core.task_definition.revisions import owner_reference
from ecs_operator.core.task_definition.unsupported import TaskDefinitionError, is_set

# Keys of standalone tasks' pods (to move into api/labels.py when the kinds are wired).
TASK = f"{API_GROUP}/task"  # label: the Task object's name
GROUP = f"{API_GROUP}/group"  # label (label_value of the group) and annotation (the group as given)
STARTED_BY = f"{API_GROUP}/started-by"  # annotation: RunTask's startedBy
CONTAINER_NAMES = f"{API_GROUP}/container-names"  # annotation: {"k8s-name": "ECS_Name"} where they differ
# Annotations with the same keys as labels.CAPACITY_PROVIDER / CAPACITY_TYPE: the provider's ECS name
# (the label holds its object name) and its capacity type, so a pod alone says where it ran.
PROVIDER_NAME = labels.CAPACITY_PROVIDER
PROVIDER_TYPE = labels.CAPACITY_TYPE

TASK_OVERRIDES = ("cpu", "memory", "ephemeralStorage", "taskRoleArn", "executionRoleArn")
CONTAINER_REPLACED = (
    "command",
    "environmentFiles",
    "cpu",
    "memory",
    "memoryReservation",
    "resourceRequirements",
)


class TaskSpecError(ValueError):
    """The task's spec cannot become a pod (the message starts with the JSON path)."""

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(f"{path}: {detail}")
        self.path = path


@dataclass(frozen=True)
class Provider:
    """The capacity provider a task was placed on."""

    ecs_name: str  # e.g. FARGATE_SPOT
    k8s_name: str  # e.g. fargate-spot
    spec: Mapping[str, Any]  # the CapacityProvider spec


@dataclass(frozen=True)
class PodParts:
    pod_spec: dict[str, Any]
    annotations: dict[str, str]
    service_account: dict[str, Any] | None  # body without namespace or owner
    unsupported: list[dict[str, str]]  # task definition fields with no (or partial) effect
    ignored: list[dict[str, str]]  # placement rules with no per-pod equivalent


@dataclass(frozen=True)
class TaskPod:
    pod: dict[str, Any]
    service_account: dict[str, Any] | None
    unsupported: list[dict[str, str]]
    ignored: list[dict[str, str]]


def apply_overrides(
    task_definition: Mapping[str, Any], overrides: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The revision as this task runs it: task-level values replaced, each containerOverride applied
    to the container it names (environment merged by name, the override winning; the rest replaced)."""
    result = copy.deepcopy(dict(task_definition))
    overrides = overrides or {}
    for key in TASK_OVERRIDES:
        if is_set(overrides.get(key)):
            result[key] = copy.deepcopy(overrides[key])
    containers = {c.get("name"): c for c in result.get("containerDefinitions") or []}
    for index, override in enumerate(overrides.get("containerOverrides") or []):
        path = f"spec.overrides.containerOverrides[{index}]"
        container = containers.get(override.get("name"))
        if container is None:
            raise TaskSpecError(
                f"{path}.name", f"{override.get('name')!r} is not a container of the task definition"
            )
        for key in CONTAINER_REPLACED:
            if override.get(key) is not None:
                container[key] = copy.deepcopy(override[key])
        if override.get("environment"):
            merged = {v.get("name"): v for v in container.get("environment") or []}
            merged.update({v.get("name"): dict(v) for v in override["environment"]})
            container["environment"] = list(merged.values())
    return result


def pod_parts(
    spec: Mapping[str, Any],
    revision_reference: str,
    revision_spec: Mapping[str, Any],
    provider: Provider,
    group: str,
    account_name: str,
) -> PodParts:
    """The pod spec and annotations of a task of `spec` (RunTask shape) on `provider`.

    Raises TaskSpecError for a bad override, TaskDefinitionError for a revision that cannot become
    a pod, PlacementError for placement that no node could satisfy.
    """
    definition = apply_overrides(revision_spec, spec.get("overrides"))
    try:
        built = build_pod_spec(definition)
    except TaskDefinitionError as error:
        raise TaskSpecError(
            f"taskDefinition {revision_reference} with overrides: {error.path}", error.detail
        ) from error
    placement = placement_constraints.task_placement(
        # ECS applies the task definition's constraints together with the task's.
        [*(spec.get("placementConstraints") or []), *(revision_spec.get("placementConstraints") or [])],
        spec.get("placementStrategy") or [],
        {GROUP: label_value(group)},
    )
    pod_spec = dict(built.pod_spec)
    pod_spec.update(
        placement_constraints.merge_scheduling(
            pod_spec, node_pool.pool_scheduling(provider.spec), placement.as_fragment()
        )
    )
    pod_spec["restartPolicy"] = "Never"
    account = None
    if built.service_account:
        account = {
            **built.service_account,
            "metadata": {**built.service_account["metadata"], "name": account_name},
        }
        pod_spec["serviceAccountName"] = account_name
    annotations = {
        labels.TASK_DEFINITION_ANNOTATION: revision_reference,
        GROUP: group,
        PROVIDER_NAME: provider.ecs_name,
        PROVIDER_TYPE: str(provider.spec.get("capacityType") or "on-demand"),
        **built.annotations,
    }
    renamed = {k8s: ecs for ecs, k8s in built.container_names.items() if k8s != ecs}
    if renamed:
        annotations[CONTAINER_NAMES] = json.dumps(renamed, sort_keys=True, separators=(",", ":"))
    return PodParts(
        pod_spec=pod_spec,
        annotations=annotations,
        service_account=account,
        unsupported=[u.as_dict() for u in built.unsupported],
        ignored=[{"path": f"spec.{path}", "reason": reason} for path, reason in placement.ignored],
    )


def pod_labels(revision_reference: str, provider: Provider, group: str) -> dict[str, str]:
    """The labels every task pod carries: who made it, its provider, revision and group."""
    return {
        labels.MANAGED_BY: labels.MANAGED_BY_VALUE,
        labels.CAPACITY_PROVIDER: provider.k8s_name,
        labels.TASK_DEFINITION: label_value(revision_reference.replace(":", "-")),
        GROUP: label_value(group),
    }


def default_group(revision_reference: str) -> str:
    """RunTask's default group: `family:<family>`."""
    return f"family:{revision_reference.partition(':')[0]}"


def task_pod(
    task: Mapping[str, Any], revision_reference: str, revision_spec: Mapping[str, Any], provider: Provider
) -> TaskPod:
    """The Pod of a Task object (named and owned by it) running `revision_reference` on `provider`."""
    meta = task["metadata"]
    spec = task.get("spec") or {}
    group = spec.get("group") or default_group(revision_reference)
    parts = pod_parts(spec, revision_reference, revision_spec, provider, group, meta["name"])
    annotations = dict(parts.annotations)
    if spec.get("startedBy"):
        annotations[STARTED_BY] = str(spec["startedBy"])
    owner = [owner_reference(task)]
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": meta["name"],
            "namespace": meta["namespace"],
            "labels": {**pod_labels(revision_reference, provider, group), TASK: label_value(meta["name"])},
            "annotations": annotations,
            "ownerReferences": owner,
        },
        "spec": parts.pod_spec,
    }
    account = None
    if parts.service_account:
        account = copy.deepcopy(parts.service_account)
        account["metadata"].update(namespace=meta["namespace"], ownerReferences=owner)
    return TaskPod(pod=pod, service_account=account, unsupported=parts.unsupported, ignored=parts.ignored)


def renamed_containers(pod: Mapping[str, Any]) -> dict[str, str]:
    """Kubernetes container name -> ECS name, for the containers whose names differ."""
    text = ((pod.get("metadata") or {}).get("annotations") or {}).get(CONTAINER_NAMES)
    return dict(json.loads(text)) if text else {}
