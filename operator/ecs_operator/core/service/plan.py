"""One reconcile of an ECS Service, decided in pure code: children to apply, children to delete,
the status to write and the events to post.

Level-based: the inputs are the Service (with the status written last time, which carries the
ECS deployments and the circuit breaker's counts), the task definition families, capacity
providers, the namespace's Cluster, and the observed pods, children and nodes. Nothing here reads
the clock or the cluster. The pipeline: strategy -> split -> deployments -> fallback -> rollout ->
children -> retire -> status, each step in the module of its rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import astuple, dataclass, field
from datetime import datetime
from typing import Any

from ecs_operator.api.names import child_name
from ecs_operator.api.service import ServiceSpec
from ecs_operator.api.validation import parse
from ecs_operator.core.placement import capacity_split
from ecs_operator.core.placement.strategy import effective_strategy
from ecs_operator.core.service import children as build
from ecs_operator.core.service import circuit_breaker, deployments, events, fallback, rollout
from ecs_operator.core.service.daemon import daemon_targets
from ecs_operator.core.service.events import ServiceEvent
from ecs_operator.core.service.problems import PROBLEMS, ServiceProblem, problem_status
from ecs_operator.core.service.retire import retired
from ecs_operator.core.service.rolling_children import as_planned, rolling_order
from ecs_operator.core.service.settings import DEFAULT_MAX_DESIRED_COUNT
from ecs_operator.core.service.status import service_status
from ecs_operator.core.service.task_definition_choice import (
    Family,
    lookup_revision,
    resolve_task_definition,
    serving_revision,
)
from ecs_operator.core.task.state import PodState
from ecs_operator.core.task_definition import pod_security

__all__ = ["Family", "ServiceInputs", "ServicePlan", "ServiceProblem", "plan_service"]


@dataclass(frozen=True)
class ServiceInputs:
    service: Mapping[str, Any]
    families: Mapping[str, Family]  # by Kubernetes object name
    providers: Mapping[str, Mapping[str, Any]]  # by Kubernetes object name -> CapacityProvider spec
    cluster_spec: Mapping[str, Any] | None
    pods: Sequence[PodState]
    children: Sequence[Mapping[str, Any]]
    nodes: Sequence[Mapping[str, Any]]
    now: datetime
    pod_security: str = "privileged"  # the Pod Security level the namespace enforces
    max_desired_count: int = DEFAULT_MAX_DESIRED_COUNT
    service_account_taken: bool = False  # the Service's ServiceAccount name is someone else's object


@dataclass(frozen=True)
class ServicePlan:
    apply: list[dict[str, Any]]
    delete: list[tuple[str, str]]  # (kind, name)
    status: dict[str, Any]
    events: list[ServiceEvent] = field(default_factory=list)
    requeue_after: float | None = None

    def k8s_events(self, conflicts: Sequence[str] = ()) -> list[tuple[str, str, str]]:
        """(type, reason, message) of each Kubernetes Event to post."""
        posted = [*self.events, events.not_owned(conflicts)] if conflicts else self.events
        return [astuple(e) for e in posted]


def plan_service(inputs: ServiceInputs) -> ServicePlan:
    try:
        return _plan(inputs)
    except PROBLEMS as exc:
        status, evts = problem_status(inputs.service, exc, inputs.now)
        return ServicePlan(apply=[], delete=[], status=status, events=evts)


def _plan(inputs: ServiceInputs) -> ServicePlan:
    body, now, pods = inputs.service, inputs.now, inputs.pods
    meta = body["metadata"]
    previous = body.get("status") or {}
    spec_model = parse(ServiceSpec, body.get("spec") or {})
    spec = spec_model.to_ecs()
    ecs_name = spec_model.effective_service_name(meta["name"])
    daemon = spec.get("schedulingStrategy") == "DAEMON"
    config = spec.get("deploymentConfiguration") or {}
    grace = spec.get("healthCheckGracePeriodSeconds") or 0
    deployments.require_ecs_controller(spec)

    # Strategy, and the revision it asks for.
    strategy = effective_strategy(spec, inputs.cluster_spec, inputs.providers)
    k8s_of = {item["capacityProvider"]: item["k8sName"] for item in strategy}
    serving_now = {d.get("taskDefinition") for d in previous.get("deployments") or []}
    target_ref, _ = resolve_task_definition(
        spec["taskDefinition"], inputs.families, {s for s in serving_now if s}
    )

    # Split: tasks per provider.
    if daemon:
        targets = daemon_targets(strategy, inputs.providers, inputs.nodes)
        desired = sum(targets.values())
    else:
        desired = spec.get("desiredCount", 0)
        if desired > inputs.max_desired_count:
            raise ServiceProblem(
                "DesiredCountAboveLimit",
                f"desiredCount {desired} is above this operator's limit of {inputs.max_desired_count} "
                "tasks per service (ECS's quota is 5,000; --max-desired-count)",
            )
        targets = capacity_split.split(strategy, desired)

    # ECS deployments: which revision the children serve now (rollbacks included).
    def not_ready_seconds(ref: str) -> int:
        return circuit_breaker.unhealthy_after(lookup_revision(ref, inputs.families))

    decision = deployments.reconcile_deployments(
        previous.get("deployments") or [],
        tracking=previous.get("deploymentTracking"),
        service_name=ecs_name,
        # Not the uid: deployment ids (and so pod labels) must be the same in `render` and live.
        service_uid=f"{meta['namespace']}/{meta['name']}",
        target_task_definition=target_ref,
        spec_fingerprint=deployments.service_fingerprint(spec, target_ref, meta),
        pods=pods,
        breaker_config=config.get("deploymentCircuitBreaker"),
        desired_count=desired,
        grace_seconds=grace,
        now=now,
        not_ready_seconds=not_ready_seconds,
    )
    ref = decision.serving_task_definition
    serving = build.ServingRevision(
        ref, serving_revision(ref, inputs.families), decision.serving_deployment_id
    )
    parts = build.pod_template_parts(body, spec, serving)
    _hold_for_policy(inputs, parts, serving)

    # Opt-in spot fallback: unplaceable replicas move to a fallback provider and back.
    fallback_plan = None
    policy = spec.get("capacityProviderFallback") or []
    if policy and not daemon:
        fallback_plan, k8s_of = fallback.fallback_for_service(
            targets,
            policy,
            previous.get("fallback"),
            k8s_of=k8s_of,
            providers=inputs.providers,
            pods=pods,
            nodes=inputs.nodes,
            pod_spec=parts.pod_spec,
            now=now,
            service_name=ecs_name,
        )
        targets = dict(fallback_plan.targets)

    # Rollout: ECS's service-wide budget shared by the children that still need the new template.
    by_provider: dict[str, list[PodState]] = {}
    for pod in pods:
        by_provider.setdefault(pod.provider or "", []).append(pod)
    live = {(c["kind"], c["metadata"]["name"]): c for c in inputs.children}
    kind = "DaemonSet" if daemon else "Deployment"
    live_child = {e: live.get((kind, child_name(meta["name"], k8s_of[e]))) for e in targets}
    rolling = rolling_order(
        live_child,
        {e: by_provider.get(k8s_of[e], []) for e in targets},
        build.template_labels(body, serving),
    )
    plan_rollout = rollout.rolling_update(
        desired,
        targets,
        config.get("minimumHealthyPercent"),
        config.get("maximumPercent"),
        daemon,
        rolling=rolling,
        service_name=ecs_name,
    )

    # Children: one workload per provider, then what all providers share.
    apply = [
        as_planned(
            build.workload(
                body,
                parts,
                _provider(ecs, k8s_of[ecs], inputs.providers, plan_rollout),
                serving,
                daemon=daemon,
            ),
            live_child[ecs],
            plan_rollout.children[ecs],
            blocked=plan_rollout.blocked,
            daemon=daemon,
            paused=decision.paused,
        )
        for ecs in targets
    ]
    pdb = (
        None
        if daemon
        else rollout.pdb_spec(
            build.service_labels(meta["name"]), desired, config.get("minimumHealthyPercent", 100)
        )
    )
    apply += build.service_wide(body, parts, pdb)

    # Retire: children that left the plan go once the remaining children are up (no task lost).
    delete = retired(live, apply, pods, {k8s_of[e] for e in targets}, desired)

    status, posted, requeue = service_status(
        body,
        now=now,
        ecs_name=ecs_name,
        spec=spec,
        providers=inputs.providers,
        nodes=inputs.nodes,
        pods=pods,
        by_provider=by_provider,
        targets=targets,
        k8s_of=k8s_of,
        desired=desired,
        decision=decision,
        plan_rollout=plan_rollout,
        parts=parts,
        fallback_plan=fallback_plan,
    )
    breaker_due = circuit_breaker.look_again_in(
        config.get("deploymentCircuitBreaker"),
        decision.deployments[0] if decision.deployments else {},
        pods,
        grace_seconds=grace,
        now=now,
        not_ready_seconds=not_ready_seconds,
    )
    requeue = min((r for r in (requeue, breaker_due) if r is not None), default=None)
    return ServicePlan(apply=apply, delete=delete, status=status, events=posted, requeue_after=requeue)


def _hold_for_policy(
    inputs: ServiceInputs, parts: build.PodTemplateParts, serving: build.ServingRevision
) -> None:
    """Pods the namespace would refuse, or that would run as someone else's ServiceAccount: nothing
    is written (ServiceProblem), the running tasks stay."""
    refused = pod_security.allowed_under(
        inputs.pod_security, pod_security.violations(parts.pod_spec, serving.spec)
    )
    if refused:
        needed = pod_security.needed_level(refused)
        raise ServiceProblem(
            "PodSecurityViolation",
            f"task definition {serving.reference} needs Pod Security level {needed}, the namespace "
            f"enforces {inputs.pod_security}: " + "; ".join(v.describe() for v in refused[:5]),
        )
    if parts.service_account is not None and inputs.service_account_taken:
        name = parts.service_account["metadata"]["name"]
        raise ServiceProblem(
            "ServiceAccountNotOwned",
            f"ServiceAccount {name} (for taskRoleArn) exists and is not owned by this Service: its pods "
            "would run under someone else's identity; delete or rename it",
        )


def _provider(
    ecs: str, k8s: str, providers: Mapping[str, Mapping[str, Any]], plan_rollout: rollout.RolloutPlan
) -> build.ProviderChild:
    child = plan_rollout.children[ecs]
    return build.ProviderChild(
        ecs, k8s, providers[k8s], child.replicas, child.max_surge, child.max_unavailable
    )
