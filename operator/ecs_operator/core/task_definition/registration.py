"""What the operator does with a TaskDefinition object: register revisions and report status.

ECS semantics: a registered revision never changes; deleting the family (deregistering) makes it
INACTIVE, which stops new services from using it while running services keep their tasks. Here a
finalizer keeps the deleted object, INACTIVE, until no Service of its namespace references it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ecs_operator.api import labels
from ecs_operator.api.taskdefinition import TaskDefinitionSpec
from ecs_operator.api.validation import InvalidSpec, parse
from ecs_operator.core.k8s.conditions import condition, merge_conditions
from ecs_operator.core.task_definition import pod_spec, revisions


@dataclass(frozen=True)
class TaskDefinitionPlan:
    create_revision: dict[str, Any] | None
    status: dict[str, Any]
    finalizers: list[str] | None = None  # the new finalizer list, when it must change
    events: list[tuple[str, str, str]] = field(default_factory=list)  # (type, reason, message)


def plan_task_definition(
    body: Mapping[str, Any],
    existing: Sequence[revisions.Revision],
    *,
    in_use: bool,
    now: str,
) -> TaskDefinitionPlan:
    meta = body["metadata"]
    generation = meta.get("generation")
    previous = body.get("status") or {}
    finalizers = list(meta.get("finalizers") or [])
    deleting = bool(meta.get("deletionTimestamp"))
    events: list[tuple[str, str, str]] = []

    if deleting:
        latest = existing[-1] if existing else None
        keep = [f for f in finalizers if f != labels.IN_USE_FINALIZER]
        kept = previous.get("unsupportedFields") or []
        status = _status(
            previous,
            body,
            latest,
            revisions.INACTIVE,
            generation,
            now,
            kept,
            [
                condition(
                    "Ready",
                    False,
                    "Inactive",
                    "deregistered; running services keep their tasks" if in_use else "deregistered",
                    generation,
                ),
            ],
        )
        return TaskDefinitionPlan(None, status, keep if not in_use and keep != finalizers else None, events)

    add_finalizer = None if labels.IN_USE_FINALIZER in finalizers else [*finalizers, labels.IN_USE_FINALIZER]
    unsupported: list[dict[str, str]] = []
    try:
        spec = parse(TaskDefinitionSpec, body.get("spec") or {}).to_ecs()
        # Build the pod once here, so a task that can't run is reported on the TaskDefinition itself.
        built = pod_spec.build_pod_spec(revisions.canonical_spec(spec, meta["name"]))
        unsupported = [{"path": f"spec.{u.path}", "reason": u.reason} for u in built.unsupported]
    except (InvalidSpec, pod_spec.TaskDefinitionError) as exc:
        latest = existing[-1] if existing else None
        status = _status(
            previous,
            body,
            latest,
            revisions.ACTIVE if latest else None,
            generation,
            now,
            unsupported,
            [condition("Ready", False, "InvalidSpec", str(exc), generation)],
        )
        if _condition_changed(previous, "Ready", "InvalidSpec", str(exc)):
            events.append(("Warning", "InvalidSpec", str(exc)))
        return TaskDefinitionPlan(None, status, add_finalizer, events)

    new = revisions.next_revision(body, spec, existing)
    if new is not None:
        latest = revisions.Revision(
            new["revision"],
            new["data"],
            new["metadata"]["annotations"][labels.FINGERPRINT],
            new["metadata"]["name"],
        )
        ref = revisions.task_definition_ref(new["data"]["family"], new["revision"])
        events.append(("Normal", "Registered", f"registered task definition {ref}"))
    else:
        latest = existing[-1]
    if unsupported and _unsupported_changed(previous, unsupported):
        paths = ", ".join(u["path"] for u in unsupported[:10])
        events.append(
            (
                "Warning",
                "UnsupportedFields",
                f"accepted with no effect on Kubernetes: {paths}"
                + (f" (and {len(unsupported) - 10} more)" if len(unsupported) > 10 else ""),
            )
        )
    ready = condition("Ready", True, "Registered", f"revision {latest.number} is ACTIVE", generation)
    status = _status(previous, body, latest, revisions.ACTIVE, generation, now, unsupported, [ready])
    return TaskDefinitionPlan(new, status, add_finalizer, events)


def _status(
    previous: Mapping[str, Any],
    body: Mapping[str, Any],
    latest: revisions.Revision | None,
    state: str | None,
    generation: int | None,
    now: str,
    unsupported: Sequence[Mapping[str, str]],
    conds: list[dict[str, Any]],
) -> dict[str, Any]:
    family = (
        (latest.spec.get("family") if latest else None)
        or (body.get("spec") or {}).get("family")
        or body["metadata"]["name"]
    )
    status: dict[str, Any] = {
        "observedGeneration": generation,
        "family": family,
        "conditions": merge_conditions(previous.get("conditions"), conds, now),
        "unsupportedFields": [dict(u) for u in unsupported],
    }
    if latest is not None:
        status["revision"] = latest.number
        status["taskDefinitionArn"] = revisions.task_definition_ref(family, latest.number)
    if state is not None:
        status["status"] = state
    return status


def _condition_changed(previous: Mapping[str, Any], type_: str, reason: str, message: str) -> bool:
    for c in previous.get("conditions") or []:
        if c.get("type") == type_:
            return bool(c.get("reason") != reason or c.get("message") != message)
    return True


def _unsupported_changed(previous: Mapping[str, Any], unsupported: Sequence[Mapping[str, str]]) -> bool:
    return [dict(u) for u in previous.get("unsupportedFields") or []] != [dict(u) for u in unsupported]
