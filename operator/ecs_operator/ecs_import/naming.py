"""Names and namespaces of imported resources: the ECS name's Kubernetes name (docs/design.md#names),
the cluster as the namespace, and a task definition put beside the services that use it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ecs_operator import API_GROUP, API_VERSION
from ecs_operator.api.names import is_dns_label, is_dns_subdomain, k8s_name
from ecs_operator.ecs_import.options import Options
from ecs_operator.ecs_import.problems import ImportProblem
from ecs_operator.ecs_import.shapes import Document

API = f"{API_GROUP}/{API_VERSION}"


def resource(kind: str, name: str, namespace: str | None, spec: dict[str, Any]) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name}
    if namespace:
        metadata["namespace"] = namespace
    return {"apiVersion": API, "kind": kind, "metadata": metadata, "spec": spec}


def object_name(source: str, document: Document, field_name: str) -> str:
    ecs_name = document.body[field_name]
    name = k8s_name(ecs_name)
    if not is_dns_subdomain(name):
        raise ImportProblem(
            source,
            [(document.location((field_name,)), f"{ecs_name!r} gives no valid Kubernetes name ({name!r})")],
        )
    return name


def namespace(source: str, document: Document, options: Options) -> str | None:
    """`cluster` (or the cluster in `clusterArn`) becomes metadata.namespace unless one is given."""
    cluster = document.body.pop("cluster", None) or document.cluster
    if options.namespace:
        return options.namespace
    if not cluster:
        return None
    name = k8s_name(str(cluster).rsplit("/", 1)[-1])
    if not is_dns_label(name):
        raise ImportProblem(
            source, [(document.location(("cluster",)), f"cluster {cluster!r} is not a namespace name")]
        )
    return name


def place_task_definitions_with_their_services(
    resources: list[dict[str, Any]], warn: Callable[[str], None]
) -> None:
    """A task definition JSON names no cluster; put it in the namespace of the services imported with
    it that use it (their `cluster`), so the pair works as applied. Used from several namespaces, it
    is left without one (apply it to each), with a warning."""
    used_in: dict[str, set[str]] = {}
    for item in resources:
        if item["kind"] != "Service" or not item["metadata"].get("namespace"):
            continue
        reference = str(item["spec"].get("taskDefinition") or "")
        family = k8s_name(reference.rsplit("task-definition/", 1)[-1].split(":", 1)[0])
        used_in.setdefault(family, set()).add(item["metadata"]["namespace"])
    for item in resources:
        meta = item["metadata"]
        if item["kind"] != "TaskDefinition" or meta.get("namespace"):
            continue
        namespaces = used_in.get(meta["name"], set())
        if len(namespaces) == 1:
            meta["namespace"] = next(iter(namespaces))
        elif len(namespaces) > 1:
            warn(
                f"TaskDefinition {meta['name']} is used by services in {sorted(namespaces)}: "
                "it is imported without a namespace; apply it to each of them"
            )
