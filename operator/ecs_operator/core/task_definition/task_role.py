"""`taskRoleArn` -> a ServiceAccount annotated `eks.amazonaws.com/role-arn` (IAM Roles for Service Accounts).

The account is named after the family by the name rule (docs/design.md#names); `core.service.children`
renames it after the Service that runs the task, so two Services never own one account. A role given
by name, not ARN, is annotated as given and listed: IRSA needs the ARN.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ecs_operator.core.k8s.identifiers import dns_label
from ecs_operator.core.task_definition.unsupported import TaskDefinitionError, UnsupportedField, is_set

IRSA_ROLE_ANNOTATION = "eks.amazonaws.com/role-arn"


def service_account(
    task_definition: Mapping[str, Any], unsupported: list[UnsupportedField]
) -> dict[str, Any] | None:
    """The ServiceAccount body (no namespace or owner), or None without a task role."""
    role = task_definition.get("taskRoleArn")
    if not is_set(role):
        return None
    if not is_set(task_definition.get("family")):
        raise TaskDefinitionError("family", "a task role needs a family to name its ServiceAccount")
    if not str(role).startswith("arn:"):
        unsupported.append(
            UnsupportedField(
                "taskRoleArn", "a role name, not an ARN; IAM Roles for Service Accounts needs the role's ARN"
            )
        )
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {
            "name": dns_label(task_definition["family"], "task"),
            "annotations": {IRSA_ROLE_ANNOTATION: str(role)},
        },
    }
