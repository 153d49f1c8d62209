"""Which task definition revision a Service asks for
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html, `taskDefinition`):
`family` is the latest ACTIVE revision, `family:N` that revision."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ecs_operator.api.names import k8s_name
from ecs_operator.core.service.problems import ServiceProblem
from ecs_operator.core.task_definition.revisions import parse_reference, task_definition_ref


@dataclass(frozen=True)
class Family:
    """A TaskDefinition object as the Service sees it."""

    object_name: str
    inactive: bool
    revisions: Mapping[int, Mapping[str, Any]]  # number -> registered spec

    @property
    def latest(self) -> int | None:
        return max(self.revisions) if self.revisions else None


def references_family(service: Mapping[str, Any], family_object: str) -> bool:
    """Does this Service's `taskDefinition` name the TaskDefinition object `family_object`?"""
    reference = (service.get("spec") or {}).get("taskDefinition")
    if not reference:
        return False
    try:
        return k8s_name(parse_reference(reference)[0]) == family_object
    except ValueError:
        return False


def resolve_task_definition(
    reference: str, families: Mapping[str, Family], serving: set[str]
) -> tuple[str, Mapping[str, Any]]:
    """`family` -> the latest ACTIVE revision; `family:N` -> that revision. INACTIVE families serve
    only the revisions the Service already runs (ECS: running services keep their tasks)."""
    try:
        family_name, number = parse_reference(reference)
    except ValueError as exc:
        raise ServiceProblem("InvalidTaskDefinition", str(exc)) from exc
    family = families.get(k8s_name(family_name))
    if family is None:
        raise ServiceProblem(
            "TaskDefinitionNotFound", f"task definition family {family_name} does not exist in this namespace"
        )
    if number is None:
        number = family.latest
        if number is None:
            raise ServiceProblem(
                "TaskDefinitionNotRegistered", f"task definition {family_name} has no registered revision yet"
            )
    spec = family.revisions.get(number)
    if spec is None:
        raise ServiceProblem(
            "TaskDefinitionRevisionNotFound", f"task definition {family_name}:{number} does not exist"
        )
    ref = task_definition_ref(spec.get("family", family_name), number)
    if family.inactive and ref not in serving:
        raise ServiceProblem(
            "TaskDefinitionInactive", f"task definition {ref} is INACTIVE: no new deployment may use it"
        )
    return ref, spec


def lookup_revision(ref: str, families: Mapping[str, Family]) -> Mapping[str, Any] | None:
    """The registered spec of `family:N`, or None when it is gone."""
    family_name, number = parse_reference(ref)
    family = families.get(k8s_name(family_name))
    return family.revisions.get(number) if family and number is not None else None


def serving_revision(ref: str, families: Mapping[str, Family]) -> Mapping[str, Any]:
    """The spec of the revision the Service's deployment runs; a problem when it was deleted."""
    spec = lookup_revision(ref, families)
    if spec is None:
        raise ServiceProblem("TaskDefinitionRevisionNotFound", f"task definition {ref} no longer exists")
    return spec
