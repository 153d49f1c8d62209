"""The CronJobs of one ScheduledTask: EventBridge Scheduler's CreateSchedule with an ECS RunTask target
(https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html,
https://docs.aws.amazon.com/scheduler/latest/APIReference/API_EcsParameters.html) on Kubernetes.

- One CronJob per capacity provider with a share of `taskCount`: a CronJob has one pod template, and
  ECS splits each invocation's count like any RunTask count (core/placement/capacity_split.py). Named
  `<schedule>-<provider>`, at most 52 characters (Kubernetes' limit for CronJob names).
- schedule and timeZone: core/run_task/schedule_expression.py, exactly or refused.
- Each provider's share is `parallelism` and `completions`. Every pod is one task and, as ECS, no task
  is retried and one failing stops no other: Indexed completions with `backoffLimitPerIndex: 0`, and
  `backoffLimit` share-1, so the Job fails only once every task failed (0 for a single task).
  EventBridge's retryPolicy retries failed invocations (API calls), not failed tasks.
- `state: DISABLED` -> `suspend`. startDate/endDate (ignored for at(), as AWS does): suspended before
  startDate and from endDate on; `next_change` says when the controller must look again. at():
  suspended once it fired (the CronJob names no year, so it would fire again a year later).
- `startingDeadlineSeconds`: the flexible time window (FLEXIBLE: maximumWindowInMinutes), else 60 s.
  A CronJob unsuspended without a deadline runs its last missed schedule at once; EventBridge never
  catches up on missed invocations.
- concurrencyPolicy: Allow (EventBridge starts each invocation whatever still runs) unless the
  ScheduledTask opts in to Forbid or Replace; it holds per provider's CronJob.
- Finished runs are kept `retention_seconds` (ttlSecondsAfterFinished), as stopped tasks are.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ecs_operator import API_GROUP
from ecs_operator.api.names import k8s_name, label_value, shorten
from ecs_operator.core.k8s.timestamps import parse_time
from ecs_operator.core.placement.capacity_split import split
from ecs_operator.core.placement.strategy import ResolvedItem
from ecs_operator.core.run_task.schedule_expression import CronSchedule, translate
from ecs_operator.core.run_task.task_pod import (
    STARTED_BY,
    Provider,
    TaskSpecError,
    default_group,
    pod_labels,
    pod_parts,
)
from ecs_operator.core.task_definition.revisions import owner_reference

SCHEDULED_TASK = f"{API_GROUP}/scheduled-task"  # label on CronJobs, Jobs and pods: the schedule's name
CRON_JOB_NAME_MAX = 52
EXACT_DEADLINE_SECONDS = 60  # EventBridge's own precision: invoked within the minute


@dataclass(frozen=True)
class CronJobPlan:
    cron_jobs: list[dict[str, Any]]  # one per provider with a share, in strategy order
    service_account: dict[str, Any] | None
    schedule: CronSchedule
    suspended: bool
    next_change: datetime | None  # when suspend flips (startDate or endDate), if it will
    unsupported: list[dict[str, str]]
    ignored: list[dict[str, str]]


def run_task_spec(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The RunTask input one invocation sends: ecsParameters, with target.input as its overrides."""
    target = spec.get("target") or {}
    ecs = target.get("ecsParameters") or {}
    run: dict[str, Any] = {
        key: ecs[key]
        for key in (
            "capacityProviderStrategy",
            "launchType",
            "placementConstraints",
            "placementStrategy",
            "group",
        )
        if ecs.get(key)
    }
    if target.get("input"):
        try:
            run["overrides"] = json.loads(target["input"])
        except ValueError as error:
            raise TaskSpecError("spec.target.input", f"not JSON ({error})") from None
        if not isinstance(run["overrides"], dict):
            raise TaskSpecError("spec.target.input", "must be a JSON object (the task's overrides)")
    return run


def _window(
    spec: Mapping[str, Any], schedule: CronSchedule, now: datetime, fired: bool
) -> tuple[bool, datetime | None]:
    if spec.get("state") == "DISABLED":
        return True, None
    if schedule.once is not None:
        return fired, None
    start, end = parse_time(spec.get("startDate")), parse_time(spec.get("endDate"))
    if start is not None and now < start:
        return True, start
    if end is not None and now >= end:
        return True, None
    return False, end


def _deadline(spec: Mapping[str, Any]) -> int:
    window = spec.get("flexibleTimeWindow") or {}
    if window.get("mode") == "FLEXIBLE" and window.get("maximumWindowInMinutes"):
        return int(window["maximumWindowInMinutes"]) * 60
    return EXACT_DEADLINE_SECONDS


def cron_job_name(schedule_name: str, provider: str) -> str:
    return shorten(f"{k8s_name(schedule_name)}-{k8s_name(provider)}", CRON_JOB_NAME_MAX)


def cron_jobs(
    scheduled: Mapping[str, Any],
    revision_reference: str,
    revision_spec: Mapping[str, Any],
    strategy: Sequence[ResolvedItem],
    provider_specs: Mapping[str, Mapping[str, Any]],
    *,
    now: datetime,
    last_schedule_time: datetime | None,
    retention_seconds: int,
) -> CronJobPlan:
    """The CronJobs of a ScheduledTask object running `revision_reference` with `strategy` (resolved;
    `provider_specs` by object name). `last_schedule_time` is the latest of its CronJobs' (None: none
    fired yet). Raises ScheduleExpressionError, TaskSpecError, TaskDefinitionError, PlacementError."""
    meta, spec = scheduled["metadata"], scheduled["spec"]
    anchor = parse_time(spec.get("startDate")) or parse_time(meta.get("creationTimestamp")) or now
    first = translate(
        spec["scheduleExpression"], spec.get("scheduleExpressionTimezone"), anchor=anchor, refuse_before=None
    )
    fired = first.once is not None and last_schedule_time is not None and last_schedule_time >= first.once
    schedule = (
        first
        if fired
        else translate(
            spec["scheduleExpression"],
            spec.get("scheduleExpressionTimezone"),
            anchor=anchor,
            refuse_before=now,
        )
    )
    suspended, next_change = _window(spec, schedule, now, fired)
    run = run_task_spec(spec)
    group = run.get("group") or default_group(revision_reference)
    count = int((spec["target"].get("ecsParameters") or {}).get("taskCount") or 1)
    shares = split(strategy, count)
    owner = [owner_reference(scheduled)]
    jobs, unsupported, ignored, account = [], [], [], None
    for item in strategy:
        share = shares[item.capacity_provider]
        if share == 0:
            continue
        provider = Provider(item.capacity_provider, item.k8s_name, provider_specs[item.k8s_name])
        parts = pod_parts(run, revision_reference, revision_spec, provider, group, meta["name"])
        unsupported, ignored = parts.unsupported, parts.ignored  # the same for every provider
        if parts.service_account:
            account = {
                **parts.service_account,
                "metadata": {
                    **parts.service_account["metadata"],
                    "namespace": meta["namespace"],
                    "ownerReferences": owner,
                },
            }
        run_labels = {
            **pod_labels(revision_reference, provider, group),
            SCHEDULED_TASK: label_value(meta["name"]),
        }
        jobs.append(
            {
                "apiVersion": "batch/v1",
                "kind": "CronJob",
                "metadata": {
                    "name": cron_job_name(meta["name"], item.k8s_name),
                    "namespace": meta["namespace"],
                    "labels": run_labels,
                    "ownerReferences": owner,
                },
                "spec": {
                    "schedule": schedule.schedule,
                    "timeZone": schedule.time_zone,
                    "suspend": suspended,
                    "concurrencyPolicy": spec.get("concurrencyPolicy") or "Allow",
                    "startingDeadlineSeconds": _deadline(spec),
                    "jobTemplate": {
                        "metadata": {"labels": run_labels},
                        "spec": {
                            "parallelism": share,
                            "completions": share,
                            "completionMode": "Indexed",
                            "backoffLimitPerIndex": 0,
                            "backoffLimit": share - 1,
                            "ttlSecondsAfterFinished": retention_seconds,
                            "template": {
                                "metadata": {
                                    "labels": run_labels,
                                    "annotations": {
                                        **parts.annotations,
                                        STARTED_BY: started_by(meta["name"]),
                                    },
                                },
                                "spec": parts.pod_spec,
                            },
                        },
                    },
                },
            }
        )
    return CronJobPlan(jobs, account, schedule, suspended, next_change, unsupported, ignored)


def started_by(schedule_name: str) -> str:
    """The startedBy of a scheduled run's tasks: the schedule that started them."""
    return f"scheduled-task/{schedule_name}"
