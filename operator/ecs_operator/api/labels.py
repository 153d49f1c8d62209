"""Label and annotation keys put on every child object (docs/design.md#names)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ecs_operator import API_GROUP
from ecs_operator.api.names import label_value

MANAGED_BY = "app.kubernetes.io/managed-by"
MANAGED_BY_VALUE = "ecs-operator"
SERVICE = f"{API_GROUP}/service"
CAPACITY_PROVIDER = f"{API_GROUP}/capacity-provider"
TASK_DEFINITION = f"{API_GROUP}/task-definition"
DEPLOYMENT = f"{API_GROUP}/deployment"
CAPACITY_TYPE = f"{API_GROUP}/capacity-type"  # node pool label: on-demand | spot

FIELD_MANAGER = "ecs-operator"
FAMILY = f"{API_GROUP}/family"  # on ControllerRevisions: which TaskDefinition family they belong to

# Annotations
TASK_DEFINITION_ANNOTATION = f"{API_GROUP}/task-definition"  # exact `family:N` (labels can't hold ':')
# On pods: the essential containers, "a,b" (absent = every container); the circuit breaker reads it.
ESSENTIAL_CONTAINERS_ANNOTATION = f"{API_GROUP}/essential-containers"
FINGERPRINT = f"{API_GROUP}/fingerprint"  # hash of a revision's canonical spec
IN_USE_FINALIZER = f"{API_GROUP}/in-use"  # keeps an INACTIVE TaskDefinition while services run it


def service_of(obj: Mapping[str, Any]) -> str | None:
    """The service label an object carries (a child or a pod of an ECS Service), or None."""
    return (obj.get("metadata", {}).get("labels") or {}).get(SERVICE)


def service_label(service: Mapping[str, Any]) -> str:
    """The service label an ECS Service's children and pods carry: label_value of its object name."""
    return label_value(service["metadata"]["name"])
