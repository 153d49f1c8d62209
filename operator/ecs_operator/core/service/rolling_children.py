"""Which children roll now, and what a child that waits keeps.

`rollout.rolling_update` shares ECS's service-wide budget between the children that need the new
pod template. This module reads the live children and pods to say which those are (the ones
already mid-rollout first, so they keep their budget), and applies the plan to a built workload:
a held child keeps its live template, a child with no budget keeps its live strategy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ecs_operator.api import labels
from ecs_operator.core.service.rollout import ChildRollout
from ecs_operator.core.task.state import PodState


def idle_strategy(live_child: Mapping[str, Any] | None) -> dict[str, Any]:
    """The strategy of a child with neither surge nor unavailability (not rolling now, or blocked):
    the numbers never act, but Kubernetes forbids 0/0. The live one, so nothing is written for it;
    else a surge of 1, which cannot cost availability."""
    return (live_child or {}).get("spec", {}).get("strategy") or {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0},
    }


def live_template(child: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not child:
        return None
    return (child.get("spec") or {}).get("template")


def mid_rollout(child: Mapping[str, Any] | None, pods: Sequence[PodState]) -> bool:
    """The child's Deployment is replacing tasks: it has tasks (not terminating) of another
    deployment than its template's. Read from the pods, not the Deployment's status, which lags a
    template just applied (an earlier child would otherwise look done and lose its budget to the
    next one while its surge tasks still run)."""
    template = live_template(child)
    if template is None:
        return False
    current = ((template.get("metadata") or {}).get("labels") or {}).get(labels.DEPLOYMENT)
    return any(not p.deleting and not p.failed and p.deployment_id not in (None, current) for p in pods)


def template_matches(child: Mapping[str, Any] | None, new_labels: Mapping[str, str]) -> bool:
    template = live_template(child)
    if template is None:
        return False
    live_labels = (template.get("metadata") or {}).get("labels") or {}
    return all(live_labels.get(k) == v for k, v in new_labels.items())


def rolling_order(
    live_children: Mapping[str, Mapping[str, Any] | None],
    pods: Mapping[str, Sequence[PodState]],
    new_labels: Mapping[str, str],
) -> list[str]:
    """Children (by provider) still to roll, those already mid-rollout first. A child whose
    template is new but whose old tasks are not all gone is still rolling: it keeps its budget
    until then (its status lags the template, its pods do not)."""
    mid = {e for e, child in live_children.items() if mid_rollout(child, pods.get(e, []))}
    return sorted(
        (e for e, child in live_children.items() if e in mid or not template_matches(child, new_labels)),
        key=lambda e: e not in mid,
    )


def as_planned(
    workload: dict[str, Any],
    live_child: Mapping[str, Any] | None,
    child_plan: ChildRollout,
    *,
    blocked: bool,
    daemon: bool,
    paused: bool,
) -> dict[str, Any]:
    """`workload` (freshly built) with what the rollout plan keeps from the live child. `paused`:
    a FAILED deployment with nothing to roll back to launches nothing (see `deployments`)."""
    held = live_template(live_child)
    if (blocked or child_plan.hold) and held is not None:
        workload["spec"]["template"] = held  # no budget to start or stop: keep what runs
        live_annotations = (live_child or {}).get("metadata", {}).get("annotations") or {}
        workload["metadata"]["annotations"] = {
            **workload["metadata"].get("annotations", {}),
            **{k: v for k, v in live_annotations.items() if k == labels.TASK_DEFINITION_ANNOTATION},
        }
    if not daemon and child_plan.max_surge == 0 and child_plan.max_unavailable == 0:
        workload["spec"]["strategy"] = idle_strategy(live_child)
    if paused and not daemon:
        workload["spec"]["paused"] = True
    return workload
