"""What the platform team sets for every Service (`ecs-operator run` flags, chart values): the Pod
Security level of namespaces that enforce none, and the cap on desiredCount."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ecs_operator.core.task_definition.pod_security import ENFORCE_LABEL, LEVELS

DEFAULT_POD_SECURITY = "baseline"  # what most clusters enforce, and what `render` assumes
# ECS's quota of tasks per service (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-quotas.html).
DEFAULT_MAX_DESIRED_COUNT = 5000


@dataclass(frozen=True)
class Settings:
    default_pod_security: str = DEFAULT_POD_SECURITY
    max_desired_count: int = DEFAULT_MAX_DESIRED_COUNT

    def __post_init__(self) -> None:
        if self.default_pod_security not in LEVELS:
            raise ValueError(f"pod security level {self.default_pod_security!r} is not one of {LEVELS}")
        if self.max_desired_count < 0:
            raise ValueError("the desiredCount cap is a count of tasks, 0 or more")

    def pod_security(self, namespace_labels: Mapping[str, str] | None) -> str:
        """The level a namespace enforces: its label, else the operator's default."""
        return (namespace_labels or {}).get(ENFORCE_LABEL) or self.default_pod_security
