"""Offline: the Kubernetes objects a set of ECS resources becomes, before anything is applied.

The same functions the operator runs: TaskDefinitions register revision 1, Services are planned
with no pods observed yet (a fresh deployment), so the output is what the operator applies first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ecs_operator import API_GROUP
from ecs_operator.core.cluster.cluster_status import cluster_of
from ecs_operator.core.service.plan import Family, ServiceInputs, plan_service
from ecs_operator.core.service.settings import DEFAULT_POD_SECURITY
from ecs_operator.core.task_definition import revisions

KINDS = ("TaskDefinition", "Service", "CapacityProvider", "Cluster")


class RenderError(ValueError):
    pass


# Held for a policy of the cluster, not for the spec: the render of such a Service is refused.
REFUSED_REASONS = frozenset({"PodSecurityViolation"})


@dataclass(frozen=True)
class Rendered:
    objects: list[dict[str, Any]]
    problems: list[str]  # per-Service conditions that would stop the operator (as it reports them)
    refused: list[tuple[int, str]]  # (index of the Service among the documents, why it is refused)


def _ours(doc: Mapping[str, Any]) -> bool:
    return str(doc.get("apiVersion", "")).startswith(f"{API_GROUP}/") and doc.get("kind") in KINDS


def _with_identity(doc: Mapping[str, Any], namespace: str) -> dict[str, Any]:
    """Fill what the API server would: namespace, a uid placeholder, generation 1."""
    meta = dict(doc.get("metadata") or {})
    if "name" not in meta:
        raise RenderError(f"a {doc.get('kind')} has no metadata.name")
    if doc["kind"] != "CapacityProvider":
        meta.setdefault("namespace", namespace)
    meta.setdefault("uid", f"rendered-{doc['kind'].lower()}-{meta.get('namespace', '')}-{meta['name']}")
    meta.setdefault("generation", 1)
    return {**doc, "metadata": meta}


def render(
    documents: Sequence[Mapping[str, Any]],
    *,
    namespace: str = "default",
    now: datetime,
    pod_security: str = DEFAULT_POD_SECURITY,
) -> Rendered:
    """`pod_security`: the level the namespaces enforce (`--pod-security`)."""
    indexed = [(i, _with_identity(d, namespace)) for i, d in enumerate(documents) if d and _ours(d)]
    docs = [d for _, d in indexed]
    providers = {d["metadata"]["name"]: d.get("spec") or {} for d in docs if d["kind"] == "CapacityProvider"}
    objects: list[dict[str, Any]] = []
    problems: list[str] = []
    refused: list[tuple[int, str]] = []
    families: dict[str, dict[str, Family]] = {}
    for td in (d for d in docs if d["kind"] == "TaskDefinition"):
        meta = td["metadata"]
        revision = revisions.next_revision(td, td.get("spec") or {}, [])
        assert revision is not None  # a first revision always registers
        objects.append(revision)
        families.setdefault(meta["namespace"], {})[meta["name"]] = Family(
            meta["name"], False, {1: revision["data"]}
        )
    for index, service in ((i, d) for i, d in indexed if d["kind"] == "Service"):
        ns = service["metadata"]["namespace"]
        clusters = [d for d in docs if d["kind"] == "Cluster" and d["metadata"]["namespace"] == ns]
        cluster = cluster_of(clusters)
        plan = plan_service(
            ServiceInputs(
                service=service,
                families=families.get(ns, {}),
                providers=providers,
                cluster_spec=(cluster or {}).get("spec") if cluster else None,
                pods=[],
                children=[],
                nodes=[],
                now=now,
                pod_security=pod_security,
            )
        )
        objects.extend(plan.apply)
        ready = next((c for c in plan.status.get("conditions") or [] if c["type"] == "Ready"), None)
        if not plan.apply and ready and ready["status"] == "False":
            problem = f"Service {ns}/{service['metadata']['name']}: {ready['reason']}: {ready['message']}"
            if ready["reason"] in REFUSED_REASONS:
                refused.append((index, problem))
            else:
                problems.append(problem)
    return Rendered(objects, problems, refused)
