"""Turning ECS names (containers, volumes, ports, secrets) into valid, unique Kubernetes identifiers.

ECS allows capitals, underscores and long names where Kubernetes wants DNS labels (containers,
volumes: <= 63 chars), IANA service names (ports: <= 15 chars) or DNS subdomains (Secrets). The
name rule (docs/design.md#names) comes first (lowercase, `_` -> `-`); anything else invalid becomes `-`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ecs_operator.api.names import DNS_LABEL_MAX, k8s_name, shorten

PORT_NAME_MAX = 15
_NOT_LABEL_CHAR = re.compile(r"[^a-z0-9-]+")
_NOT_SUBDOMAIN_CHAR = re.compile(r"[^a-z0-9.-]+")
_NOT_KEY_CHAR = re.compile(r"[^-._a-zA-Z0-9]+")


def dns_label(name: str, fallback: str, limit: int = DNS_LABEL_MAX) -> str:
    """`My_App.Web` -> `my-app-web`; hashed when longer than `limit`; `fallback` when nothing is left."""
    label = _NOT_LABEL_CHAR.sub("-", k8s_name(name)).strip("-")
    return shorten(label, limit).strip("-") if label else fallback


def dns_subdomain(name: str) -> str:
    """A Secret/ServiceAccount name: `prod/db_password` -> `prod-db-password`; empty when nothing is left."""
    cleaned = _NOT_SUBDOMAIN_CHAR.sub("-", k8s_name(name)).strip("-.")
    return shorten(cleaned, 253).strip("-.")


def config_key(name: str) -> str:
    """A Secret data key (`[-._a-zA-Z0-9]+`)."""
    return _NOT_KEY_CHAR.sub("_", name) or "value"


def port_name(name: str) -> str:
    """An IANA service name: <= 15 chars, lowercase alphanumerics and single inner `-`, one letter."""
    label = re.sub(r"-{2,}", "-", dns_label(name, "port", limit=PORT_NAME_MAX))
    if not re.search(r"[a-z]", label):
        label = f"p-{label}"[:PORT_NAME_MAX].strip("-")
    return label


def unique(name: str, taken: set[str], limit: int = DNS_LABEL_MAX) -> str:
    """`name`, or `name-2`, `name-3`... (cut to fit `limit`); records the result in `taken`."""
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        suffix = f"-{number}"
        candidate = name[: limit - len(suffix)].rstrip("-") + suffix
    taken.add(candidate)
    return candidate


def unique_labels(names: Iterable[str], fallback: str, limit: int = DNS_LABEL_MAX) -> list[str]:
    """Sanitise each name and keep them distinct, in order."""
    taken: set[str] = set()
    return [unique(dns_label(name, fallback, limit), taken, limit) for name in names]
