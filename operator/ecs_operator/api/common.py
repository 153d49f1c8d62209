"""Shapes shared by several kinds, and the base every model derives from.

Attribute names are the ECS camelCase names, so `model_dump(exclude_none=True)` is ECS JSON.
An unknown field is an error (`extra="forbid"`), never a silent drop. Models are strict: a JSON
string is never coerced into a number, so what validates is what ECS would accept.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ecs_operator.api.names import k8s_name

ECS_NAME_PATTERN = r"^[a-zA-Z0-9_-]{1,255}$"
"""family, serviceName, container names, cluster and capacity provider names (ref §3.3, §4.1)."""

EcsName = Annotated[str, Field(pattern=ECS_NAME_PATTERN, max_length=255)]
ShortString = Annotated[str, Field(max_length=255)]
LongString = Annotated[str, Field(max_length=4096)]

MAX_STRATEGY_ITEMS = 20
MAX_BASE = 100_000
MAX_WEIGHT = 1_000


class EcsModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, validate_default=False)

    def to_ecs(self) -> dict[str, Any]:
        """The ECS JSON of this object (unset optional fields left out)."""
        return self.model_dump(mode="json", exclude_none=True)


class Tag(EcsModel):
    key: Annotated[str, Field(min_length=1, max_length=128)]
    value: Annotated[str, Field(max_length=256)] | None = None


Tags = Annotated[list[Tag], Field(max_length=50)]


class KeyValuePair(EcsModel):
    name: LongString | None = None
    value: LongString | None = None


class CapacityProviderStrategyItem(EcsModel):
    capacityProvider: EcsName
    base: Annotated[int, Field(ge=0, le=MAX_BASE)] = 0
    weight: Annotated[int, Field(ge=0, le=MAX_WEIGHT)] = 0


CapacityProviderStrategy = Annotated[list[CapacityProviderStrategyItem], Field(max_length=MAX_STRATEGY_ITEMS)]


def strategy_problems(strategy: list[CapacityProviderStrategyItem]) -> list[str]:
    """Violations of the strategy rules of ref §1.1 (the item ranges are checked by the fields)."""
    problems = []
    if sum(1 for item in strategy if item.base > 0) > 1:
        problems.append("only one capacity provider in a strategy can have a base greater than 0")
    if len(strategy) > 1 and all(item.weight == 0 for item in strategy):
        problems.append("with more than one capacity provider, at least one weight must be greater than 0")
    names = [k8s_name(item.capacityProvider) for item in strategy]
    if len(set(names)) != len(names):
        problems.append("a capacity provider may appear only once in a strategy")
    return problems


def check_strategy(strategy: list[CapacityProviderStrategyItem] | None) -> None:
    if strategy:
        problems = strategy_problems(strategy)
        if problems:
            raise ValueError("capacityProviderStrategy: " + "; ".join(problems))


class PlacementConstraint(EcsModel):
    type: Literal["distinctInstance", "memberOf"]
    expression: Annotated[str, Field(max_length=2000)] | None = None

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
    reason: str


class Condition(BaseModel):
    """metav1.Condition."""

    model_config = ConfigDict(extra="allow")

    type: str
    status: Literal["True", "False", "Unknown"]
    reason: str | None = None
    message: str | None = None
    lastTransitionTime: str | None = None
    observedGeneration: int | None = None


class StatusModel(BaseModel):
    """Base of status models: written by the operator, so unknown keys are kept, not refused."""

    model_config = ConfigDict(extra="allow")

    observedGeneration: int | None = None
    conditions: list[Condition] | None = None
