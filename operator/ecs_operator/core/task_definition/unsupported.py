"""What a task definition asks for that the pod template cannot give, and what cannot be built at all.

docs/design.md#the-mapping: a field with no Kubernetes meaning is accepted, has no effect, and is listed so a
migrating user sees exactly what did not carry over. Nothing is dropped silently: the builders
consume the fields they map, and every other present field is listed by `unmapped_fields`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard


class TaskDefinitionError(ValueError):
    """The task definition cannot become a pod template (the message starts with the JSON path)."""

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(f"{path}: {detail}")
        self.path = path
        self.detail = detail


@dataclass(frozen=True)
class UnsupportedField:
    """A field present in the input that has no (or only part of its) effect on Kubernetes."""

    path: str  # JSON path into the task definition, e.g. containerDefinitions[0].logConfiguration
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "reason": self.reason}


def is_set(value: Any) -> TypeGuard[Any]:
    """ECS exports write unset fields as null, "" or []; none of those asks for anything."""
    return value is not None and value != "" and value != [] and value != {}


def whole_number(value: Any, path: str) -> int:
    """An integer field (ECS JSON sometimes quotes them); anything else names its path."""
    if isinstance(value, bool):
        raise TaskDefinitionError(path, f"{value!r} is not a whole number")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise TaskDefinitionError(path, f"{value!r} is not a whole number") from None


# Response-only keys of DescribeTaskDefinition
# (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTaskDefinition.html
# ), tolerated in pasted exports.
RESPONSE_ONLY = frozenset(
    {
        "taskDefinitionArn",
        "revision",
        "status",
        "requiresAttributes",
        "compatibilities",
        "registeredAt",
        "deregisteredAt",
        "deleteRequestedAt",
        "registeredBy",
    }
)
_RESPONSE_ONLY_REASON = "read-only DescribeTaskDefinition field; ignored"

TASK_FIELD_REASONS: dict[str, str] = {
    "executionRoleArn": "Kubernetes pulls images and reads Secrets with its own credentials; "
    "use imagePullSecrets and Secrets",
    "requiresCompatibilities": "capacity providers decide where tasks run; launch-type compatibility "
    "is not checked",
    "tags": "AWS resource tags are not copied to pods",
    "proxyConfiguration": "App Mesh proxy configuration has no Kubernetes equivalent",
    "inferenceAccelerators": "Elastic Inference has no Kubernetes equivalent",
    "ephemeralStorage": "Kubernetes bounds ephemeral storage per container and node, not per task",
    "enableFaultInjection": "ECS fault injection has no Kubernetes equivalent",
    "trustedExecutionConfiguration": "ECS Managed Instances only",
}

CONTAINER_FIELD_REASONS: dict[str, str] = {
    "repositoryCredentials": "private registry credentials come from imagePullSecrets in Kubernetes",
    "restartPolicy": "Kubernetes restarts every exited container of a service pod in place; "
    "ignoredExitCodes and restartAttemptPeriod have no equivalent",
    "environmentFiles": "S3 environment files are not fetched; put the variables in a ConfigMap or Secret",
    "startTimeout": "Kubernetes waits for init containers and sidecars without a per-container deadline",
    "versionConsistency": "Kubernetes does not pin image tags to digests; use a digest in `image`",
    "disableNetworking": "containers of a pod share one network namespace",
    "dockerSecurityOptions": "Docker security options have no Kubernetes equivalent",
    "dockerLabels": "Kubernetes has no container labels; tools reading Docker labels use pod annotations",
    "ulimits": "Kubernetes has no per-container ulimits; they are the container runtime's defaults",
    "logConfiguration": "Kubernetes captures stdout/stderr; log drivers and their options have no effect",
    "firelensConfiguration": "FireLens log routing has no Kubernetes equivalent; the container still runs",
    "credentialSpecs": "Active Directory credential specs are not mapped (see windowsOptions.gmsa*)",
}


def unmapped_fields(
    obj: Mapping[str, Any], mapped: Collection[str], reasons: Mapping[str, str], path: str, kind: str
) -> list[UnsupportedField]:
    """List every present key of `obj` that no builder consumes, with why it has no effect."""
    found = []
    for key, value in obj.items():
        if key in mapped or not is_set(value):
            continue
        if key in reasons:
            reason = reasons[key]
        elif key in RESPONSE_ONLY:
            reason = _RESPONSE_ONLY_REASON
        else:
            reason = f"not an ECS {kind} field; ignored"
        found.append(UnsupportedField(join(path, key), reason))
    return found


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key
