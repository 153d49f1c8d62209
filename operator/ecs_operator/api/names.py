"""The one rule that connects ECS names and Kubernetes names (docs/design.md#names).

ECS names may hold capitals and underscores (`FARGATE_SPOT`, `MyApp_Task`); Kubernetes object
names are lowercase DNS names. The Kubernetes name of an ECS name is its lowercase form with `_`
replaced by `-`. References may use either form; both resolve through `k8s_name`.
"""

from __future__ import annotations

import hashlib
import re

DNS_LABEL_MAX = 63
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")


def k8s_name(ecs_name: str) -> str:
    """`FARGATE_SPOT` -> `fargate-spot`, `MyApp_Task` -> `myapp-task`."""
    return ecs_name.lower().replace("_", "-")


def k8s_name_cel(expr: str) -> str:
    """The same rule in CEL, for the CRDs' validation rules."""
    return f"{expr}.lowerAscii().replace('_', '-')"


def same_object(reference: str, ecs_name: str) -> bool:
    """True when a reference (ECS or Kubernetes form) names the object with this ECS name."""
    return k8s_name(reference) == k8s_name(ecs_name)


def is_dns_label(name: str) -> bool:
    return len(name) <= DNS_LABEL_MAX and bool(_DNS_LABEL.match(name))


def is_dns_subdomain(name: str) -> bool:
    return len(name) <= 253 and bool(_DNS_SUBDOMAIN.match(name))


def _digest(text: str, length: int = 8) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def shorten(name: str, limit: int = DNS_LABEL_MAX) -> str:
    """Fit a DNS-label-like name into `limit` characters, keeping it unique with a hash suffix."""
    if len(name) <= limit:
        return name
    suffix = _digest(name)
    head = name[: limit - len(suffix) - 1].rstrip("-.")
    return f"{head}-{suffix}"


def child_name(service: str, provider: str) -> str:
    """Name of the Deployment/DaemonSet that runs a Service's tasks on one capacity provider."""
    # 63, not 253: the name becomes a label value (pod-template-hash prefix, hostname of pods).
    return shorten(f"{k8s_name(service)}-{k8s_name(provider)}")


def label_value(value: str) -> str:
    """A label value (<= 63 chars, alphanumeric ends) that still identifies `value`."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]", "-", value).strip("-_.")
    if len(cleaned) <= DNS_LABEL_MAX and _LABEL_VALUE.match(cleaned) and cleaned == value:
        return cleaned
    suffix = _digest(value)
    head = cleaned[: DNS_LABEL_MAX - len(suffix) - 1].rstrip("-_.")
    return f"{head}-{suffix}" if head else suffix
