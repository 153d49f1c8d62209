"""Task and ScheduledTask fields that are accepted but have no effect on Kubernetes, listed in
status.ignoredFields with the reason (docs/design.md#the-mapping: nothing is dropped silently)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_TASK: dict[str, str] = {
    "networkConfiguration": "pods use the cluster network; subnets, security groups, public IPs do not apply",
    "platformVersion": "there is no Fargate platform version here",
    "enableExecuteCommand": "kubectl exec needs no opt-in (RBAC decides who may)",
    "enableECSManagedTags": "there are no ECS managed tags here",
    "propagateTags": "tags are not copied to pods",
    "tags": "kept on the object; not copied to the pod",
    "referenceId": "kept on the object; nothing reads it",
    "clientToken": "the object name is the identity; no token is needed",
    "volumeConfigurations": "managed EBS volumes are not created; use PersistentVolumeClaims",
    "overrides.inferenceAcceleratorOverrides": "Elastic Inference has no equivalent",
}
_SCHEDULE: dict[str, str] = {
    "groupName": "schedule groups have no equivalent; the namespace groups schedules",
    "kmsKeyArn": "the target input is stored in the object, not encrypted with KMS",
    "actionAfterCompletion": "a finished one-time schedule stays (suspended); GitOps owns the object",
    "clientToken": "the object name is the identity; no token is needed",
    "target.arn": "the namespace is the cluster",
    "target.roleArn": "the operator's own RBAC runs the tasks",
    "target.retryPolicy": "retries failed invocations; creating a Job does not fail that way, and a failed "
    "task is never retried",
    "target.deadLetterConfig": "no invocation fails into a queue here",
}
_ECS_PARAMETERS = (
    "networkConfiguration",
    "platformVersion",
    "enableECSManagedTags",
    "enableExecuteCommand",
    "propagateTags",
    "referenceId",
    "tags",
)


def _get(spec: Mapping[str, Any], dotted: str) -> Any:
    value: Any = spec
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def _listed(spec: Mapping[str, Any], reasons: Mapping[str, str]) -> list[dict[str, str]]:
    return [
        {"path": f"spec.{path}", "reason": reason}
        for path, reason in reasons.items()
        if _get(spec, path) not in (None, "", [], {})
    ]


def ignored_task_fields(spec: Mapping[str, Any]) -> list[dict[str, str]]:
    """`[{path, reason}]` for every Task spec field present that has no effect here."""
    return _listed(spec, _TASK)


def ignored_schedule_fields(spec: Mapping[str, Any]) -> list[dict[str, str]]:
    """`[{path, reason}]` for every ScheduledTask spec field present that has no effect here."""
    ecs = {f"target.ecsParameters.{name}": _TASK[name] for name in _ECS_PARAMETERS}
    return _listed(spec, {**_SCHEDULE, **ecs})
