"""One reconcile of an ECS Service, decided in pure code: children to apply, children to delete,
the status to write and the events to post.

Level-based: the inputs are the Service (with the status written last time, which carries the
ECS deployments and the circuit breaker's counts), the task definition families, capacity
providers, the namespace's Cluster, and the observed pods, children and nodes. Nothing here reads
the clock or the cluster.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ecs_operator import API_GROUP
from ecs_operator.api import labels
from ecs_operator.api.names import child_name, k8s_name
from ecs_operator.api.service import ServiceSpec
from ecs_operator.api.validation import InvalidSpec, parse
from ecs_operator.core.k8s.conditions import condition, merge_conditions
from ecs_operator.core.k8s.quantity import quantity
from ecs_operator.core.k8s.timestamps import format_time
from ecs_operator.core.placement import capacity_split
from ecs_operator.core.placement.cluster_query_language import PlacementError
from ecs_operator.core.placement.node_pool import node_in_pool, node_ready
from ecs_operator.core.placement.strategy import effective_strategy
from ecs_operator.core.service import children as build
from ecs_operator.core.service import circuit_breaker, deployments, events, fallback, rollout
from ecs_operator.core.service.ignored_fields import ignored_service_fields
from ecs_operator.core.task.state import Counts, PodState
from ecs_operator.core.task_definition.pod_spec import TaskDefinitionError
from ecs_operator.core.task_definition.revisions import parse_reference, task_definition_ref

STATUS_EVENTS = 20  # the newest ECS events kept in status (all of them go out as Kubernetes Events)
# `kubectl annotate ecsservice web ecs-operator.dev/force-new-deployment=$(date +%s)`: the declarative
# form of UpdateService --force-new-deployment.
FORCE_NEW_DEPLOYMENT_ANNOTATION = f"{API_GROUP}/force-new-deployment"


@dataclass(frozen=True)
class Family:
    """A TaskDefinition object as the Service sees it."""

    object_name: str
    inactive: bool
    revisions: Mapping[int, Mapping[str, Any]]  # number -> registered spec

    @property
    def latest(self) -> int | None:
        return max(self.revisions) if self.revisions else None


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


@dataclass(frozen=True)
class ServicePlan:
    apply: list[dict[str, Any]]
    delete: list[tuple[str, str]]  # (kind, name)
    status: dict[str, Any]
    events: list[tuple[str, str, str]] = field(default_factory=list)  # (type, reason, message)
    requeue_after: float | None = None

    def k8s_events(self, conflicts: Sequence[str] = ()) -> list[tuple[str, str, str]]:
        out = list(self.events)
        if conflicts:
            out.append(
                (
                    "Warning",
                    "ErrResourceExists",
                    f"not managed by this Service, left untouched: {', '.join(conflicts)}",
                )
            )
        return out


class ServiceProblem(Exception):
    """A reason the Service cannot be reconciled as asked; children stay as they are."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def references_family(service: Mapping[str, Any], family_object: str) -> bool:
    reference = (service.get("spec") or {}).get("taskDefinition")
    if not reference:
        return False
    try:
        return k8s_name(parse_reference(reference)[0]) == family_object
    except ValueError:
        return False


def _camel(rule: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[-_ ]", rule))


def _fingerprint(spec: Mapping[str, Any], target: str, meta: Mapping[str, Any]) -> str:
    """ECS's deployment identity, plus the force-new-deployment annotation (a restart without a
    spec change, like `kubectl rollout restart`)."""
    force = (meta.get("annotations") or {}).get(FORCE_NEW_DEPLOYMENT_ANNOTATION)
    if force:
        target = f"{target}#{force}"
    return deployments.fingerprint(spec, target)


def resolve_task_definition(
    reference: str, families: Mapping[str, Family], serving: set[str]
) -> tuple[str, Mapping[str, Any]]:
    """`family` -> the latest ACTIVE revision; `family:N` -> that revision. INACTIVE families serve
    only the revisions the Service already runs (ECS: running services keep their tasks)."""
    try:
        family_name, number = parse_reference(reference)
    except ValueError as exc:
        raise ServiceProblem("InvalidTaskDefinition", str(exc)) from exc
    family = families.get(k8s_name(family_name))
    if family is None:
        raise ServiceProblem(
            "TaskDefinitionNotFound", f"task definition family {family_name} does not exist in this namespace"
        )
    if number is None:
        number = family.latest
        if number is None:
            raise ServiceProblem(
                "TaskDefinitionNotRegistered", f"task definition {family_name} has no registered revision yet"
            )
    spec = family.revisions.get(number)
    if spec is None:
        raise ServiceProblem(
            "TaskDefinitionRevisionNotFound", f"task definition {family_name}:{number} does not exist"
        )
    ref = task_definition_ref(spec.get("family", family_name), number)
    if family.inactive and ref not in serving:
        raise ServiceProblem(
            "TaskDefinitionInactive", f"task definition {ref} is INACTIVE: no new deployment may use it"
        )
    return ref, spec


def _lookup_revision(ref: str, families: Mapping[str, Family]) -> Mapping[str, Any] | None:
    family_name, number = parse_reference(ref)
    family = families.get(k8s_name(family_name))
    return family.revisions.get(number) if family and number is not None else None


def _daemon_targets(
    strategy: Sequence[Mapping[str, Any]],
    providers: Mapping[str, Mapping[str, Any]],
    nodes: Sequence[Mapping[str, Any]],
) -> dict[str, int]:
    """DAEMON: one task per ready node of each provider's pool."""
    return {
        item["capacityProvider"]: sum(
            1 for n in nodes if node_in_pool(providers[item["k8sName"]], n) and node_ready(n)
        )
        for item in strategy
    }


def _live_template(child: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not child:
        return None
    return (child.get("spec") or {}).get("template")


def plan_service(inputs: ServiceInputs) -> ServicePlan:
    body = inputs.service
    meta = body["metadata"]
    previous = body.get("status") or {}
    generation = meta.get("generation")
    try:
        return _plan(inputs)
    except (
        ServiceProblem,
        InvalidSpec,
        capacity_split.StrategyError,
        TaskDefinitionError,
        PlacementError,
    ) as exc:
        if isinstance(exc, ServiceProblem):
            reason, message = exc.reason, exc.message
        elif isinstance(exc, capacity_split.StrategyError):
            reason, message = _camel(exc.rule), str(exc)
        elif isinstance(exc, InvalidSpec):
            reason, message = "InvalidSpec", str(exc)
        else:
            reason, message = type(exc).__name__.removesuffix("Error") or "Invalid", str(exc)
        status = {k: v for k, v in previous.items() if k not in ("conditions", "observedGeneration")}
        status["observedGeneration"] = generation
        status["conditions"] = merge_conditions(
            previous.get("conditions"),
            [
                condition(
                    "Ready", False, reason, f"{message}; running tasks are left as they are", generation
                ),
                condition("Progressing", False, reason, message, generation),
            ],
            format_time(inputs.now),
        )
        was = next((c for c in previous.get("conditions") or [] if c.get("type") == "Ready"), None)
        evts = (
            []
            if was and was.get("reason") == reason and was.get("message", "").startswith(message)
            else [("Warning", reason, message)]
        )
        return ServicePlan(apply=[], delete=[], status=status, events=evts, requeue_after=None)


def _plan(inputs: ServiceInputs) -> ServicePlan:
    body, now = inputs.service, inputs.now
    meta = body["metadata"]
    previous = body.get("status") or {}
    spec_model = parse(ServiceSpec, body.get("spec") or {})
    spec = spec_model.to_ecs()
    ecs_name = spec_model.effective_service_name(meta["name"])
    daemon = spec.get("schedulingStrategy") == "DAEMON"

    if (spec.get("deploymentController") or {}).get("type") == "EXTERNAL":
        raise ServiceProblem(
            "ExternalDeploymentController",
            "deploymentController EXTERNAL: ECS task sets are not supported; ecs-operator runs the "
            "ECS rolling controller only (remove deploymentController or set it to ECS)",
        )
    strategy = effective_strategy(spec, inputs.cluster_spec, inputs.providers)
    k8s_of = {item["capacityProvider"]: item["k8sName"] for item in strategy}
    serving_now = {d.get("taskDefinition") for d in previous.get("deployments") or []}
    target_ref, _ = resolve_task_definition(
        spec["taskDefinition"], inputs.families, {s for s in serving_now if s}
    )

    if daemon:
        targets = _daemon_targets(strategy, inputs.providers, inputs.nodes)
        desired = sum(targets.values())
    else:
        desired = spec.get("desiredCount", 0)
        targets = capacity_split.split(strategy, desired)

    by_provider: dict[str, list[PodState]] = {}
    for pod in inputs.pods:
        by_provider.setdefault(pod.provider or "", []).append(pod)

    # ECS deployments: which revision the children serve now (rollbacks included).
    decision = deployments.reconcile_deployments(
        previous.get("deployments") or [],
        tracking=previous.get("deploymentTracking"),
        service_name=ecs_name,
        # Not the uid: deployment ids (and so pod labels) must be the same in `render` and live.
        service_uid=f"{meta['namespace']}/{meta['name']}",
        target_task_definition=target_ref,
        spec_fingerprint=_fingerprint(spec, target_ref, meta),
        pods=inputs.pods,
        breaker_config=((spec.get("deploymentConfiguration") or {}).get("deploymentCircuitBreaker")),
        desired_count=desired,
        grace_seconds=spec.get("healthCheckGracePeriodSeconds") or 0,
        now=now,
        not_ready_seconds=lambda ref: circuit_breaker.unhealthy_after(_lookup_revision(ref, inputs.families)),
    )
    serving_spec = _lookup_revision(decision.serving_task_definition, inputs.families)
    if serving_spec is None:
        raise ServiceProblem(
            "TaskDefinitionRevisionNotFound",
            f"task definition {decision.serving_task_definition} no longer exists",
        )
    serving = build.ServingRevision(
        decision.serving_task_definition, serving_spec, decision.serving_deployment_id
    )
    parts = build.pod_template_parts(body, spec, serving)

    # Opt-in spot fallback: unplaceable replicas move to a fallback provider and back.
    fallback_plan = None
    policy = spec.get("capacityProviderFallback") or []
    if policy and not daemon:
        for item in policy:
            ecs = item["fallbackCapacityProvider"]
            k8s_of.setdefault(ecs, k8s_name(ecs))
            if k8s_of[ecs] not in inputs.providers:
                raise ServiceProblem(
                    "UnknownFallbackProvider", f"capacityProviderFallback names {ecs}, which does not exist"
                )
        counts = {ecs: Counts.of(by_provider.get(k8s, [])) for ecs, k8s in k8s_of.items()}
        fallback_plan = fallback.plan_fallback(
            targets,
            policy,
            previous.get("fallback"),
            unplaced={ecs: c.unplaced for ecs, c in counts.items()},
            unplaced_since=_unplaced_since(by_provider, k8s_of),
            running={ecs: c.running for ecs, c in counts.items()},
            room_available={
                ecs: pool_has_room(
                    inputs.providers[k8s], inputs.nodes, inputs.pods, _pod_requests(parts.pod_spec)
                )
                for ecs, k8s in k8s_of.items()
            },
            now=now,
            service_name=ecs_name,
        )
        targets = dict(fallback_plan.targets)

    live = {(c["kind"], c["metadata"]["name"]): c for c in inputs.children}
    workload_kind = "DaemonSet" if daemon else "Deployment"
    child_of = {ecs: child_name(meta["name"], k8s_of[ecs]) for ecs in targets}

    new_labels = build.template_labels(body, serving)
    # Children still to roll, those already mid-rollout first so they keep their budget. A child
    # whose template is new but whose old tasks are not all gone is still rolling: it keeps its
    # budget until then (its status lags the template, its pods do not).
    mid = {
        e
        for e in targets
        if _mid_rollout(live.get((workload_kind, child_of[e])), by_provider.get(k8s_of[e], []))
    }
    rolling = sorted(
        (
            e
            for e in targets
            if e in mid or not _template_matches(live.get((workload_kind, child_of[e])), new_labels)
        ),
        key=lambda e: e not in mid,
    )
    config = spec.get("deploymentConfiguration") or {}
    plan_rollout = rollout.rolling_update(
        desired,
        targets,
        config.get("minimumHealthyPercent"),
        config.get("maximumPercent"),
        daemon,
        rolling=rolling,
        service_name=ecs_name,
    )

    apply: list[dict[str, Any]] = []
    for ecs, replicas in targets.items():
        k8s = k8s_of[ecs]
        child_plan = plan_rollout.children[ecs]
        provider = build.ProviderChild(
            ecs, k8s, inputs.providers[k8s], replicas, child_plan.max_surge, child_plan.max_unavailable
        )
        obj = build.workload(body, parts, provider, serving, daemon=daemon)
        live_child = live.get((workload_kind, child_of[ecs]))
        held = _live_template(live_child)
        if (plan_rollout.blocked or child_plan.hold) and held is not None:
            obj["spec"]["template"] = held  # no budget to start or stop: keep what runs
            live_annotations = (live_child or {}).get("metadata", {}).get("annotations") or {}
            obj["metadata"]["annotations"] = {
                **obj["metadata"].get("annotations", {}),
                **{k: v for k, v in live_annotations.items() if k == labels.TASK_DEFINITION_ANNOTATION},
            }
        if not daemon and child_plan.max_surge == 0 and child_plan.max_unavailable == 0:
            # Not rolling now (or blocked): the strategy is unused, but Kubernetes forbids 0/0.
            # Keep the live one, so nothing is written for it.
            obj["spec"]["strategy"] = (live_child or {}).get("spec", {}).get("strategy") or {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0},
            }
        if decision.paused and not daemon:
            obj["spec"]["paused"] = True  # a FAILED deployment with nothing to roll back to launches nothing
        apply.append(obj)

    svc = build.core_service(body, parts.ports)
    if svc:
        apply.append(svc)
    if not daemon:
        pdb = rollout.pdb_spec(
            build.service_labels(meta["name"]), desired, config.get("minimumHealthyPercent", 100)
        )
        if pdb:
            apply.append(build.disruption_budget(body, pdb))
    account = build.service_account(body, parts.service_account)
    if account:
        apply.append(account)

    # Children that left the plan: removed once the remaining children are up (no task lost).
    wanted = {(o["kind"], o["metadata"]["name"]) for o in apply}
    counts_all = Counts.of(p for p in inputs.pods if (p.provider or "") in {k8s_of[e] for e in targets})
    replacements_up = counts_all.ready >= desired
    delete = [
        key
        for key in live
        if key not in wanted and (key[0] not in ("Deployment", "DaemonSet") or replacements_up)
    ]

    status, evts, requeue = _status(
        inputs,
        ecs_name,
        spec,
        targets,
        k8s_of,
        by_provider,
        decision,
        plan_rollout,
        parts,
        fallback_plan,
        desired,
    )
    primary = decision.deployments[0] if decision.deployments else {}
    breaker = (spec.get("deploymentConfiguration") or {}).get("deploymentCircuitBreaker") or {}
    if breaker.get("enable") and primary.get("rolloutState") == "IN_PROGRESS":
        due = circuit_breaker.next_failure_in(
            inputs.pods,
            deployment_id=primary["id"],
            grace_seconds=spec.get("healthCheckGracePeriodSeconds") or 0,
            now=now,
            not_ready_seconds=circuit_breaker.unhealthy_after(
                _lookup_revision(primary["taskDefinition"], inputs.families)
            ),
        )
        if due is not None:
            # Timestamps have whole seconds: one more makes sure the task is overdue by then.
            requeue = min(requeue or due + 1, due + 1)
    return ServicePlan(apply=apply, delete=delete, status=status, events=evts, requeue_after=requeue)


def _pod_requests(pod_spec: Mapping[str, Any]) -> tuple[float, float]:
    cpu = memory = 0.0
    for container in pod_spec.get("containers") or []:
        requests = (container.get("resources") or {}).get("requests") or {}
        cpu += quantity(requests.get("cpu"))
        memory += quantity(requests.get("memory"))
    return cpu, memory


def pool_has_room(
    provider: Mapping[str, Any],
    nodes: Sequence[Mapping[str, Any]],
    pods: Sequence[PodState],
    request: tuple[float, float],
) -> bool:
    """Could one more task start in this pool now? Free = allocatable minus the requests of the
    tasks we know on each node (the operator's own pods; other workloads are not watched)."""
    cpu_need, memory_need = request
    for node in nodes:
        if not (node_in_pool(provider, node) and node_ready(node)):
            continue
        allocatable = (node.get("status") or {}).get("allocatable") or {}
        on_node = [p for p in pods if p.node_name == node["metadata"]["name"] and not p.deleting]
        free_cpu = quantity(allocatable.get("cpu")) - cpu_need * len(on_node)
        free_memory = quantity(allocatable.get("memory")) - memory_need * len(on_node)
        if free_cpu >= cpu_need and free_memory >= memory_need:
            return True
    return False


def _mid_rollout(child: Mapping[str, Any] | None, pods: Sequence[PodState]) -> bool:
    """The child's Deployment is replacing tasks: it has tasks (not terminating) of another
    deployment than its template's. Read from the pods, not the Deployment's status, which lags a
    template just applied (an earlier child would otherwise look done and lose its budget to the
    next one while its surge tasks still run)."""
    template = _live_template(child)
    if template is None:
        return False
    current = ((template.get("metadata") or {}).get("labels") or {}).get(labels.DEPLOYMENT)
    return any(not p.deleting and not p.failed and p.deployment_id not in (None, current) for p in pods)


def _template_matches(child: Mapping[str, Any] | None, new_labels: Mapping[str, str]) -> bool:
    template = _live_template(child)
    if template is None:
        return False
    live_labels = (template.get("metadata") or {}).get("labels") or {}
    return all(live_labels.get(k) == v for k, v in new_labels.items())


def _unplaced_since(
    by_provider: Mapping[str, Sequence[PodState]], k8s_of: Mapping[str, str]
) -> dict[str, datetime | None]:
    out: dict[str, datetime | None] = {}
    for ecs, k8s in k8s_of.items():
        moments = [
            p.unschedulable_since or p.created_at
            for p in by_provider.get(k8s, [])
            if p.unplaced and not p.deleting
        ]
        out[ecs] = min((m for m in moments if m is not None), default=None)
    return out


def ignored_fields(
    spec: Mapping[str, Any], parts: build.PodTemplateParts, capped_grace: bool
) -> list[dict[str, str]]:
    """Everything accepted with no (or a changed) effect: the Service's own fields under `spec.`,
    its task definition's under `taskDefinition.`, so a reader can tell them apart."""
    out = [*ignored_service_fields(spec), *parts.ignored]
    out += [{"path": f"taskDefinition.{u['path']}", "reason": u["reason"]} for u in parts.unsupported]
    if capped_grace:
        out.append(
            {
                "path": "taskDefinition.containerDefinitions[].stopTimeout",
                "reason": f"capped at {build.SPOT_MAX_GRACE_SECONDS} s on spot capacity "
                "(Fargate Spot's two-minute interruption notice)",
            }
        )
    return out


def _status(
    inputs: ServiceInputs,
    ecs_name: str,
    spec: Mapping[str, Any],
    targets: Mapping[str, int],
    k8s_of: Mapping[str, str],
    by_provider: Mapping[str, Sequence[PodState]],
    decision: Any,
    plan_rollout: rollout.RolloutPlan,
    parts: build.PodTemplateParts,
    fallback_plan: Any,
    desired: int,
) -> tuple[dict[str, Any], list[tuple[str, str, str]], float | None]:
    body, now = inputs.service, inputs.now
    meta = body["metadata"]
    previous = body.get("status") or {}
    generation = meta.get("generation")
    stamp = format_time(now)
    capped_grace = parts.pod_spec.get(
        "terminationGracePeriodSeconds", 30
    ) > build.SPOT_MAX_GRACE_SECONDS and any(
        inputs.providers.get(k8s_of[e], {}).get("capacityType") == "spot" for e in targets
    )
    ignored = ignored_fields(spec, parts, capped_grace)

    providers = []
    unplaced_total = 0
    for ecs, replicas in targets.items():
        counts = Counts.of(p for p in by_provider.get(k8s_of[ecs], []))
        unplaced_total += counts.unplaced
        entry: dict[str, Any] = {
            "capacityProvider": ecs,
            "desiredCount": replicas,
            "runningCount": counts.running,
            "pendingCount": counts.pending,
            "unplacedCount": counts.unplaced,
        }
        origin = fallback_plan.fallback_from().get(ecs) if fallback_plan is not None else None
        if origin:
            entry["fallbackFrom"] = origin
        providers.append(entry)
    total = Counts.of(inputs.pods)
    primary: Mapping[str, Any] = next((d for d in decision.deployments if d.get("status") == "PRIMARY"), {})

    ecs_messages: list[str] = list(decision.events)
    if fallback_plan is not None:
        ecs_messages += list(fallback_plan.events)
    if plan_rollout.blocked and plan_rollout.message:
        ecs_messages.append(plan_rollout.message)
    for k8s in dict.fromkeys(k8s_of.values()):
        stuck = [p for p in by_provider.get(k8s, []) if p.unplaced]
        if not stuck:
            continue
        provider_spec = inputs.providers.get(k8s) or {}
        if provider_spec.get("capacityType") == "spot" and not any(
            node_in_pool(provider_spec, n) and node_ready(n) for n in inputs.nodes
        ):
            # No spot capacity at all: what Fargate Spot says then (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html).
            message = events.capacity_unavailable(ecs_name)
        else:
            reasons = sorted({p.unschedulable_message for p in stuck if p.unschedulable_message})
            message = events.unable_to_place(ecs_name, reasons[0] if reasons else "no capacity")
        if message not in ecs_messages:
            ecs_messages.append(message)
    steady = decision.steady and total.unplaced == 0 and not plan_rollout.blocked
    if steady:
        ecs_messages.append(events.steady_state(ecs_name))

    status_events = list(previous.get("events") or [])
    k8s_events: list[tuple[str, str, str]] = []
    for message in ecs_messages:
        if events.should_emit(status_events, message, now):
            status_events = events.append_event(status_events, message, now, STATUS_EVENTS)
            warning = any(
                word in message
                for word in ("unable", "failed", "circuit breaker", "could not place", "still cannot place")
            )
            k8s_events.append(("Warning" if warning else "Normal", _event_reason(message), message))
    if ignored and ignored != previous.get("ignoredFields"):
        paths = ", ".join(i["path"] for i in ignored[:8]) + (
            f" (and {len(ignored) - 8} more)" if len(ignored) > 8 else ""
        )
        k8s_events.append(("Warning", "IgnoredFields", f"accepted with no effect on Kubernetes: {paths}"))

    if plan_rollout.blocked:
        ready = condition(
            "Ready", False, "DeploymentConfigurationBlocked", plan_rollout.message or "", generation
        )
    elif primary.get("rolloutState") == "FAILED":
        ready = condition(
            "Ready", False, "DeploymentFailed", primary.get("rolloutStateReason", ""), generation
        )
    elif unplaced_total:
        ready = condition(
            "Ready",
            False,
            "TasksUnplaced",
            f"{unplaced_total} tasks could not be placed on their capacity providers",
            generation,
        )
    elif steady:
        ready = condition(
            "Ready", True, "SteadyState", f"service {ecs_name} has reached a steady state.", generation
        )
    else:
        ready = condition(
            "Ready",
            False,
            "TasksStarting",
            f"{total.running} of {desired} tasks running, {total.ready} ready",
            generation,
        )
    in_progress = primary.get("rolloutState") == "IN_PROGRESS" or len(decision.deployments) > 1
    progressing = condition(
        "Progressing",
        in_progress,
        "DeploymentInProgress"
        if in_progress
        else ("DeploymentFailed" if primary.get("rolloutState") == "FAILED" else "DeploymentComplete"),
        primary.get("rolloutStateReason", ""),
        generation,
    )

    status: dict[str, Any] = {
        "observedGeneration": generation,
        "desiredCount": desired,
        "runningCount": total.running,
        "pendingCount": total.pending,
        "selector": build.selector_string(meta["name"]),
        "taskDefinition": primary.get("taskDefinition"),
        "rolloutState": primary.get("rolloutState"),
        "providers": providers,
        "deployments": list(decision.deployments),
        "events": status_events,
        "conditions": merge_conditions(previous.get("conditions"), [ready, progressing], stamp),
        "ignoredFields": ignored,
    }
    if decision.tracking:
        status["deploymentTracking"] = decision.tracking
    if fallback_plan is not None and fallback_plan.state:
        status["fallback"] = fallback_plan.state
    # While a deployment is in progress, time matters (grace periods, breaker): look again soon.
    waiting = any(d.get("rolloutState") == "IN_PROGRESS" for d in decision.deployments) or (
        fallback_plan is not None and (unplaced_total or fallback_plan.state.get("fallbacks"))
    )
    requeue = 5.0 if waiting else None
    return status, k8s_events, requeue


def _event_reason(message: str) -> str:
    for needle, reason in (
        ("steady state", "SteadyState"),
        ("unable to place", "UnableToPlace"),
        ("rolling back", "RollingBack"),
        ("deployment failed", "DeploymentFailed"),
        ("unable to stop or start", "DeploymentConfigurationBlocked"),
        ("completed", "DeploymentCompleted"),
        ("could not place", "CapacityProviderFallback"),
        ("has room again", "CapacityProviderReturning"),
        ("tasks back from", "CapacityProviderReturned"),
        ("still cannot place", "CapacityProviderReturnFailed"),
    ):
        if needle in message:
            return reason
    return "ServiceEvent"


def with_ownership_conflict(
    status: Mapping[str, Any], conflicts: Sequence[str], body: Mapping[str, Any]
) -> dict[str, Any]:
    generation = body["metadata"].get("generation")
    out = dict(status)
    message = f"objects exist that this Service does not own, left untouched: {', '.join(conflicts)}"
    conds = [c for c in out.get("conditions") or [] if c.get("type") != "Ready"]
    ready = condition("Ready", False, "ErrResourceExists", message, generation)
    previous = next(
        (c for c in (body.get("status") or {}).get("conditions") or [] if c.get("type") == "Ready"), None
    )
    ready["lastTransitionTime"] = (
        previous.get("lastTransitionTime")
        if previous and previous.get("status") == "False"
        else next((c.get("lastTransitionTime") for c in conds), None)
    )
    out["conditions"] = [ready, *conds]
    return out
