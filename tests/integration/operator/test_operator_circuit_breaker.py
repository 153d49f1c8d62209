"""Issue 6, point 3: the deployment circuit breaker on kwok's crash-looping and never-ready pods."""

from __future__ import annotations

import time

from conftest import ecs_service, steady, wait_until
from scenario import (
    CRASH_LOOP,
    NEVER_READY,
    StatusRecorder,
    apply,
    cluster,
    deployments,
    k8s_events,
    pod_task_definitions,
    primary,
    service,
    status_messages,
    task_definition,
)

from ecs_operator.controller import resources

ON_DEMAND = [{"capacityProvider": "FARGATE", "weight": 1}]
BREAKER = {"enable": True, "rollback": True}
# ECS's quickest health check: UNHEALTHY 1 x (5 + 2) = 7 s after the task starts.
QUICK_CHECK = {"command": ["CMD-SHELL", "exit 0"], "interval": 5, "timeout": 2, "retries": 1}


def _start(kube, namespace, desired=3, image=None, grace=None, health_check=None):
    docs = [
        cluster(["FARGATE", "FARGATE_SPOT"]),
        service("app", "app", desired, ON_DEMAND, breaker=BREAKER, grace=grace),
    ]
    if image is None:
        apply(kube, namespace, task_definition("app", health_check=health_check), *docs)
        wait_until(lambda: steady(kube, namespace, "app", desired), 90, "app steady on revision 1")
    else:
        apply(kube, namespace, task_definition("app", image, health_check=health_check), *docs)


def _rolls_back(kube, namespace, bad_image, grace=None, health_check=None):
    """Revision 2 fails; returns (failed deployment entry, restored id, seconds to FAILED, to COMPLETED)."""
    _start(kube, namespace, grace=grace, health_check=health_check)
    good_id = primary(kube, namespace, "app")["id"]
    spec_before = ecs_service(kube, namespace, "app")["spec"]
    with StatusRecorder(kube, namespace, "app") as recorder:
        started = time.monotonic()
        apply(kube, namespace, task_definition("app", bad_image, version="2", health_check=health_check))
        wait_until(
            lambda: any(d.get("rolloutState") == "FAILED" for view in recorder.entries for d in view),
            120,
            "the new deployment FAILED",
        )
        detected = time.monotonic() - started
        wait_until(
            lambda: (
                steady(kube, namespace, "app", 3)
                and primary(kube, namespace, "app")["id"] == good_id
                and pod_task_definitions(kube, namespace, "app") == {"app-1": 3}
            ),
            90,
            "back at steady state on revision 1",
        )
        back = time.monotonic() - started
    # The moment of the rollback: the COMPLETED deployment PRIMARY again and IN_PROGRESS ("rolling
    # back"), beside the failed one, ACTIVE and FAILED with the breaker TRIGGERED.
    at_rollback = next(
        view for view in recorder.entries if view and view[0]["id"] == good_id and len(view) == 2
    )
    restored, failed = at_rollback
    assert restored["status"] == "PRIMARY" and restored["taskDefinition"] == "app:1"
    assert restored["rolloutState"] == "IN_PROGRESS"
    assert restored["rolloutStateReason"] == (
        f"ECS deployment circuit breaker: rolling back to deploymentId {good_id}."
    )
    assert failed["status"] == "ACTIVE" and failed["rolloutState"] == "FAILED"
    assert failed["taskDefinition"] == "app:2"
    assert failed["rolloutStateReason"] == "ECS deployment circuit breaker: task failed to start."
    assert failed["circuitBreaker"]["status"] == "TRIGGERED"
    assert failed["circuitBreaker"]["threshold"] == 3  # clamp(ceil(0.5 x 3), 3, 200)
    assert failed["circuitBreaker"]["failureCount"] >= 3 and failed["failedTasks"] >= 3
    # The restored deployment went IN_PROGRESS (rolling back), then COMPLETED; the failed one left.
    states = [v[0][2] for v in recorder.seen if v and v[0][0] == good_id]
    assert "IN_PROGRESS" in states and states[-1] == "COMPLETED"
    final = deployments(kube, namespace, "app")
    assert [(d["id"], d["status"], d["rolloutState"]) for d in final] == [(good_id, "PRIMARY", "COMPLETED")]
    assert final[0]["circuitBreaker"]["status"] == "MONITORING_COMPLETE"
    # GitOps owns the spec: it still names the family (whose latest revision failed).
    assert ecs_service(kube, namespace, "app")["spec"] == spec_before
    messages = status_messages(kube, namespace, "app")
    assert any("rolling back to deployment " + good_id in m for m in messages), messages
    reasons = {e["reason"] for e in k8s_events(kube, namespace, "app")}
    assert "CircuitBreaker" in reasons or "RollingBack" in reasons, reasons
    return failed, good_id, detected, back


def test_crash_looping_revision_trips_the_breaker_and_rolls_back(operator, kube, namespace):
    failed, good_id, detected, back = _rolls_back(kube, namespace, CRASH_LOOP)
    # A later revision starts a fresh deployment, which completes.
    apply(kube, namespace, task_definition("app", version="3"))
    body = wait_until(
        lambda: (
            steady(kube, namespace, "app", 3)
            if primary(kube, namespace, "app").get("taskDefinition") == "app:3"
            else None
        ),
        90,
        "revision 3 COMPLETED",
    )
    newest = body["status"]["deployments"][0]
    assert newest["id"] not in (good_id, failed["id"]) and newest["rolloutState"] == "COMPLETED"
    assert pod_task_definitions(kube, namespace, "app") == {"app-3": 3}
    print(
        f"\ncrash-loop: FAILED and rolling back after {detected:.1f} s, "
        f"back at steady state after {back:.1f} s"
    )


def test_never_ready_revision_trips_the_breaker_after_grace_and_health_check(operator, kube, namespace):
    # grace 3 s + health check window 7 s: each never-ready task counts as failed 10 s after it starts.
    _, _, detected, back = _rolls_back(kube, namespace, NEVER_READY, grace=3, health_check=QUICK_CHECK)
    assert detected >= 8, f"counted before grace + health check window: {detected:.1f} s"
    print(
        f"\nnever-ready: FAILED and rolling back after {detected:.1f} s, "
        f"back at steady state after {back:.1f} s"
    )


def test_without_a_completed_deployment_the_failed_one_stalls_until_a_new_revision(operator, kube, namespace):
    _start(kube, namespace, image=CRASH_LOOP)
    started = time.monotonic()
    stalled = wait_until(
        lambda: (p := primary(kube, namespace, "app")).get("rolloutState") == "FAILED" and p, 60, "FAILED"
    )
    detected = time.monotonic() - started
    assert stalled["taskDefinition"] == "app:1"
    assert "No COMPLETED deployment to roll back to" in stalled["rolloutStateReason"]
    assert stalled["circuitBreaker"]["status"] == "TRIGGERED"
    assert any(
        "no COMPLETED deployment to roll back to" in m for m in status_messages(kube, namespace, "app")
    )
    ready = next(
        c for c in ecs_service(kube, namespace, "app")["status"]["conditions"] if c["type"] == "Ready"
    )
    assert ready["status"] == "False" and ready["reason"] == "DeploymentFailed"
    # It launches nothing more: the child is paused, and its replica count of pods does not grow.
    child = wait_until(lambda: kube.get(resources.DEPLOYMENT, namespace, "app-fargate"), 10, "child")
    assert child["spec"].get("paused") is True
    assert len([d for d in deployments(kube, namespace, "app")]) == 1
    # A new revision opens a fresh deployment, unpaused, which completes.
    apply(kube, namespace, task_definition("app", version="2"))
    body = wait_until(
        lambda: (
            steady(kube, namespace, "app", 3)
            if primary(kube, namespace, "app").get("taskDefinition") == "app:2"
            else None
        ),
        90,
        "revision 2 COMPLETED",
    )
    assert body["status"]["deployments"][0]["id"] != stalled["id"]
    assert not kube.get(resources.DEPLOYMENT, namespace, "app-fargate")["spec"].get("paused")
    assert pod_task_definitions(kube, namespace, "app") == {"app-2": 3}
    print(f"\nno COMPLETED deployment: FAILED (stalled) after {detected:.1f} s")
