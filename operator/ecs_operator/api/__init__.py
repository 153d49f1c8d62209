"""Pydantic models of the ECS API as Kubernetes resources: the single source of truth for the CRDs."""

from ecs_operator.api.capacityprovider import CapacityProviderSpec, CapacityProviderStatus
from ecs_operator.api.cluster import ClusterSpec, ClusterStatus
from ecs_operator.api.common import CapacityProviderStrategyItem, Condition, FieldIssue, strategy_problems
from ecs_operator.api.service import ServiceSpec, ServiceStatus
from ecs_operator.api.taskdefinition import ContainerDefinition, TaskDefinitionSpec, TaskDefinitionStatus

__all__ = [
    "CapacityProviderSpec",
    "CapacityProviderStatus",
    "CapacityProviderStrategyItem",
    "ClusterSpec",
    "ClusterStatus",
    "Condition",
    "ContainerDefinition",
    "FieldIssue",
    "ServiceSpec",
    "ServiceStatus",
    "TaskDefinitionSpec",
    "TaskDefinitionStatus",
    "strategy_problems",
]
