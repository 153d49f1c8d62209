"""Shapes shared by several kinds, and the base every model derives from.

Attribute names are the ECS camelCase names, so `model_dump(exclude_none=True)` is ECS JSON.
An unknown field is an error (`extra="forbid"`), never a silent drop. Models are strict: a JSON
string is never coerced into a number, so what validates is what ECS would accept.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ecs_operator.api.strategy_rules import MAX_BASE, MAX_ITEMS, MAX_WEIGHT, StrategyItem, broken_rules

ECS_NAME_PATTERN = r"^[a-zA-Z0-9_-]{1,255}$"
"""family, serviceName, container names, cluster and capacity provider names
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RegisterTaskDefinition.html
, https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html)."""

EcsName = Annotated[str, Field(pattern=ECS_NAME_PATTERN, max_length=255)]
ShortString = Annotated[str, Field(max_length=255)]
LongString = Annotated[str, Field(max_length=4096)]
TASK_DEFINITION_MAX_BYTES = 64 * 1024
"""ECS's limit is the whole task definition's size, 64 KiB of JSON
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html), not one string's."""
FreeString = Annotated[str, Field(max_length=TASK_DEFINITION_MAX_BYTES)]
"""A string ECS bounds only by the task definition's size (commands, scripts, values)."""
FreeForm = dict[str, Any]  # an ECS object the operator keeps but does not read


class EcsModel(BaseModel):
    # A docstring under a field becomes its `description` in the CRDs (what `kubectl explain` shows).
    model_config = ConfigDict(
        extra="forbid", strict=True, validate_default=False, use_attribute_docstrings=True
    )

    def to_ecs(self) -> dict[str, Any]:
        """The ECS JSON of this object (unset optional fields left out)."""
        return self.model_dump(mode="json", exclude_none=True)


class Tag(EcsModel):
    key: Annotated[str, Field(min_length=1, max_length=128)]
    """Tag key, 1-128 characters (the `aws:` prefix is reserved)."""
    value: Annotated[str, Field(max_length=256)] | None = None
    """Tag value, 0-256 characters."""


Tags = Annotated[list[Tag], Field(max_length=50)]


class KeyValuePair(EcsModel):
    name: LongString | None = None
    """Name of the variable or property."""
    value: FreeString | None = None
    """Its value (unset means the empty string)."""


class CapacityProviderStrategyItem(EcsModel):
    capacityProvider: EcsName
    """The CapacityProvider, by ECS name (FARGATE_SPOT) or Kubernetes name (fargate-spot)."""
    base: Annotated[int, Field(ge=0, le=MAX_BASE)] = 0
    """Tasks placed on this provider before the weights apply, 0-100000 (default 0); at most one item of a
    strategy may have a base above 0."""
    weight: Annotated[int, Field(ge=0, le=MAX_WEIGHT)] = 0
    """Relative share of the tasks beyond the base, 0-1000 (default 0); with several items at least one weight
    must be above 0, and a weight-0 provider gets only its base."""


CapacityProviderStrategy = Annotated[list[CapacityProviderStrategyItem], Field(max_length=MAX_ITEMS)]


def strategy_problems(strategy: list[CapacityProviderStrategyItem]) -> list[str]:
    """Violations of ECS's strategy rules (api.strategy_rules) beyond the schema's bounds, which the
    fields check (as the CRD's schema does; the others are CEL there)."""
    items = [StrategyItem(item.capacityProvider, item.base, item.weight) for item in strategy]
    return [rule.message for rule in broken_rules(items) if rule.schema is None]


def check_strategy(strategy: list[CapacityProviderStrategyItem] | None) -> None:
    if strategy:
        problems = strategy_problems(strategy)
        if problems:
            raise ValueError("capacityProviderStrategy: " + "; ".join(problems))


class PlacementConstraint(EcsModel):
    type: Literal["distinctInstance", "memberOf"]
    """distinctInstance (at most one task per node: required pod anti-affinity on kubernetes.io/hostname) or
    memberOf (node affinity from `expression`)."""
    expression: Annotated[str, Field(max_length=2000)] | None = None
    """memberOf only, at most 2000 characters of cluster query language, e.g.
    `attribute:ecs.availability-zone in [local-a, local-b]`; ecs.availability-zone, ecs.instance-type,
    ecs.cpu-architecture, ecs.os-type and custom attribute:X map to node labels."""

    @model_validator(mode="after")
    def _expression_matches_type(self) -> PlacementConstraint:
        if self.type == "memberOf" and not self.expression:
            raise ValueError("placement constraint memberOf needs an expression")
        if self.type == "distinctInstance" and self.expression:
            raise ValueError("placement constraint distinctInstance takes no expression")
        return self


class FieldIssue(EcsModel):
    """A spec field the operator accepts but cannot honour (or ignores), for status."""

    path: str
    """JSON path of the field in the spec, e.g. containerDefinitions[0].logConfiguration."""
    reason: str
    """Why it has no (or only part of its) effect on Kubernetes."""


class Condition(BaseModel):
    """metav1.Condition."""

    model_config = ConfigDict(extra="allow", use_attribute_docstrings=True)

    type: str
    """Condition type, e.g. Ready or Progressing."""
    status: Literal["True", "False", "Unknown"]
    """True, False or Unknown."""
    reason: str | None = None
    """Machine-readable CamelCase reason for the last transition."""
    message: str | None = None
    """Human-readable details."""
    lastTransitionTime: str | None = None
    """When the status last changed (RFC 3339)."""
    observedGeneration: int | None = None
    """metadata.generation the condition was computed from."""


class StatusModel(BaseModel):
    """Base of status models: written by the operator, so unknown keys are kept, not refused."""

    model_config = ConfigDict(extra="allow", use_attribute_docstrings=True)

    observedGeneration: int | None = None
    """metadata.generation of the spec the operator last acted on."""
    conditions: list[Condition] | None = None
    """Standard conditions (Ready, and Progressing on Services)."""
