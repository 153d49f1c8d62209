"""The Kubernetes objects one ECS Service becomes (docs/design.md#the-mapping), as plain dicts.

One Deployment (DAEMON: DaemonSet) per capacity provider of the effective strategy, named
`<service>-<provider>`; a core Service over all of them when the task definition maps ports; one
PodDisruptionBudget carrying minimumHealthyPercent to node drains; a ServiceAccount for
taskRoleArn. `render` and the controller both build children here, so what `render` prints is
what the operator applies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ecs_operator.api import labels
from ecs_operator.api.names import child_name, label_value
from ecs_operator.core.placement import node_pool, placement_constraints
from ecs_operator.core.task_definition.pod_spec import build_pod_spec
from ecs_operator.core.task_definition.revisions import owner_reference

SPOT_MAX_GRACE_SECONDS = 120  # Fargate Spot's two-minute interruption notice


@dataclass(frozen=True)
class ProviderChild:
    """What one capacity provider runs for the Service."""

    ecs_name: str  # e.g. FARGATE_SPOT
    k8s_name: str  # e.g. fargate-spot
    spec: Mapping[str, Any]  # the CapacityProvider spec
    replicas: int
    max_surge: int = 1
    max_unavailable: int = 0


@dataclass(frozen=True)
class ServingRevision:
    """The task definition revision the children run now, and the ECS deployment it belongs to."""

    reference: str  # family:N
    spec: Mapping[str, Any]  # the registered task definition
    deployment_id: str  # ecs-svc/...


def service_labels(service_name: str) -> dict[str, str]:
    return {labels.SERVICE: label_value(service_name)}


def selector_string(service_name: str) -> str:
    return f"{labels.SERVICE}={label_value(service_name)}"


def _metadata(service: Mapping[str, Any], name: str, extra_labels: Mapping[str, str]) -> dict[str, Any]:
    meta = service["metadata"]
    return {
        "name": name,
        "namespace": meta["namespace"],
        "labels": {
            labels.MANAGED_BY: labels.MANAGED_BY_VALUE,
            **service_labels(meta["name"]),
            **extra_labels,
        },
        "ownerReferences": [owner_reference(service)],
    }


@dataclass(frozen=True)
class PodTemplateParts:
    pod_spec: dict[str, Any]
    annotations: dict[str, str]
    ports: list[dict[str, Any]]
    service_account: dict[str, Any] | None
    unsupported: list[dict[str, str]]
    ignored: list[dict[str, str]]


def pod_template_parts(
    service: Mapping[str, Any], service_spec: Mapping[str, Any], revision: ServingRevision
) -> PodTemplateParts:
    built = build_pod_spec(revision.spec)
    placement = placement_constraints.task_placement(
        # ECS applies the task definition's constraints together with the service's.
        [
            *(service_spec.get("placementConstraints") or []),
            *(revision.spec.get("placementConstraints") or []),
        ],
        service_spec.get("placementStrategy") or [],
        service_labels(service["metadata"]["name"]),
    )
    pod_spec = dict(built.pod_spec)
    account = None
    if built.service_account:
        # One account per Service (not per family), so two Services never fight over its owner.
        account = {
            **built.service_account,
            "metadata": {**built.service_account["metadata"], "name": service["metadata"]["name"]},
        }
        pod_spec["serviceAccountName"] = service["metadata"]["name"]
    task_fragment: dict[str, Any] = {}
    if placement.affinity:
        task_fragment["affinity"] = placement.affinity
    if placement.topology_spread_constraints:
        pod_spec["topologySpreadConstraints"] = list(placement.topology_spread_constraints)
    if task_fragment:
        pod_spec.update(placement_constraints.merge_scheduling(pod_spec, task_fragment))
    return PodTemplateParts(
        pod_spec=pod_spec,
        annotations={
            labels.TASK_DEFINITION_ANNOTATION: revision.reference,
            labels.DEPLOYMENT: revision.deployment_id,
            **built.annotations,
        },
        ports=list(built.ports),
        service_account=account,
        unsupported=[{"path": u.path, "reason": u.reason} for u in built.unsupported],
        ignored=[{"path": path, "reason": reason} for path, reason in placement.ignored],
    )


def template_labels(service: Mapping[str, Any], revision: ServingRevision) -> dict[str, str]:
    """The labels that say which revision and ECS deployment a pod template runs."""
    return {
        labels.TASK_DEFINITION: label_value(revision.reference.replace(":", "-")),
        labels.DEPLOYMENT: label_value(revision.deployment_id.replace("/", "-")),
    }


def _pod_template(
    service: Mapping[str, Any], parts: PodTemplateParts, provider: ProviderChild, revision: ServingRevision
) -> dict[str, Any]:
    pod_spec = placement_constraints.merge_scheduling(
        parts.pod_spec, node_pool.pool_scheduling(provider.spec)
    )
    pod_spec = {**parts.pod_spec, **pod_spec}
    if provider.spec.get("capacityType") == "spot":
        grace = pod_spec.get("terminationGracePeriodSeconds", 30)
        pod_spec["terminationGracePeriodSeconds"] = min(grace, SPOT_MAX_GRACE_SECONDS)
    return {
        "metadata": {
            "labels": {
                labels.MANAGED_BY: labels.MANAGED_BY_VALUE,
                **service_labels(service["metadata"]["name"]),
                labels.CAPACITY_PROVIDER: provider.k8s_name,
                **template_labels(service, revision),
            },
            "annotations": dict(parts.annotations),
        },
        "spec": pod_spec,
    }


def workload(
    service: Mapping[str, Any],
    parts: PodTemplateParts,
    provider: ProviderChild,
    revision: ServingRevision,
    *,
    daemon: bool = False,
) -> dict[str, Any]:
    name = child_name(service["metadata"]["name"], provider.k8s_name)
    selector = {**service_labels(service["metadata"]["name"]), labels.CAPACITY_PROVIDER: provider.k8s_name}
    meta = _metadata(service, name, {labels.CAPACITY_PROVIDER: provider.k8s_name})
    meta["annotations"] = {labels.TASK_DEFINITION_ANNOTATION: revision.reference}
    template = _pod_template(service, parts, provider, revision)
    if daemon:
        return {
            "apiVersion": "apps/v1",
            "kind": "DaemonSet",
            "metadata": meta,
            "spec": {
                "selector": {"matchLabels": selector},
                "updateStrategy": {
                    "type": "RollingUpdate",
                    "rollingUpdate": {"maxUnavailable": max(provider.max_unavailable, 1), "maxSurge": 0},
                },
                "template": template,
            },
        }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta,
        "spec": {
            "replicas": provider.replicas,
            "selector": {"matchLabels": selector},
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": provider.max_surge, "maxUnavailable": provider.max_unavailable},
            },
            "template": template,
        },
    }


def core_service(service: Mapping[str, Any], ports: Sequence[Mapping[str, Any]]) -> dict[str, Any] | None:
    if not ports:
        return None
    meta = _metadata(service, service["metadata"]["name"], {})
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": meta,
        "spec": {"selector": service_labels(service["metadata"]["name"]), "ports": [dict(p) for p in ports]},
    }


def disruption_budget(service: Mapping[str, Any], spec: Mapping[str, Any]) -> dict[str, Any]:
    """One PodDisruptionBudget over all children, so node drains keep minimumHealthyPercent."""
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": _metadata(service, service["metadata"]["name"], {}),
        "spec": dict(spec),
    }


def service_account(service: Mapping[str, Any], body: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The IRSA ServiceAccount for taskRoleArn, owned by the Service that runs the task."""
    if not body:
        return None
    meta = _metadata(service, body["metadata"]["name"], {})
    meta["annotations"] = dict(body["metadata"].get("annotations") or {})
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta}


def service_wide(
    service: Mapping[str, Any], parts: PodTemplateParts, pdb: Mapping[str, Any] | None
) -> list[dict[str, Any]]:
    """The children shared by all providers: core Service, PodDisruptionBudget, ServiceAccount."""
    out = [core_service(service, parts.ports), disruption_budget(service, pdb) if pdb else None]
    out.append(service_account(service, parts.service_account))
    return [o for o in out if o]
