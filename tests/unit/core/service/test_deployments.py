import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from ecs_operator.core.service import events
from ecs_operator.core.service.deployments import (
    TASK_FAILED_TO_START,
    completed_reason,
    deployment_id,
    fingerprint,
    in_progress_reason,
    reconcile_deployments,
    rollback_reason,
)
from ecs_operator.core.task.state import PodState, deployment_label

T0 = datetime(2026, 11, 21, 22, 0, tzinfo=UTC)
UID = "5d0c1f5e-uid"
BREAKER = {"enable": True, "rollback": True}
SPEC = {"taskDefinition": "web", "desiredCount": 2}


def pod(name, deployment, *, ready=True, failures=0, deleting=False, revision="web:1") -> PodState:
    return PodState(
        name=name,
        provider="fargate",
        task_definition=revision,
        deployment_id=deployment_label(deployment),
        phase="Running",
        ready=ready,
        scheduled=True,
        unschedulable=False,
        unschedulable_message="",
        unschedulable_since=None,
        node_name="node-1",
        restart_count=failures,
        crash_looping=failures > 0,
        failed=False,
        essential_failures=failures,
        created_at=T0,
        started_at=T0,
        ready_since=T0 if ready else None,
        deleting=deleting,
    )


class Service:
    """Feeds each decision back as the next reconcile's previous status, as the controller does."""

    def __init__(self, breaker=BREAKER):
        self.deployments: list = []
        self.tracking: dict | None = None
        self.breaker = breaker
        self.now = T0

    def reconcile(self, revision, pods, *, desired=2, spec=None):
        self.now += timedelta(seconds=15)
        decision = reconcile_deployments(
            self.deployments,
            tracking=self.tracking,
            service_name="web",
            service_uid=UID,
            target_task_definition=revision,
            spec_fingerprint=fingerprint(spec or SPEC, revision),
            pods=pods,
            breaker_config=self.breaker,
            desired_count=desired,
            grace_seconds=0,
            now=self.now,
        )
        self.deployments, self.tracking = decision.deployments, decision.tracking
        return decision

    def primary(self):
        return next(d for d in self.deployments if d["status"] == "PRIMARY")

    def by_id(self, id_):
        return next(d for d in self.deployments if d["id"] == id_)


def completed_d1(service: Service) -> str:
    d1 = service.reconcile("web:1", []).serving_deployment_id
    service.reconcile("web:1", [pod("a", d1), pod("b", d1)])
    return d1


# ---- fingerprint and ids ----


def test_only_deployment_fields_change_the_fingerprint():
    base = fingerprint(SPEC, "web:1")
    assert fingerprint({**SPEC, "desiredCount": 9}, "web:1") == base
    assert fingerprint({**SPEC, "capacityProviderStrategy": [{"capacityProvider": "x"}]}, "web:1") == base
    assert fingerprint({**SPEC, "deploymentConfiguration": {"maximumPercent": 150}}, "web:1") == base
    assert fingerprint({**SPEC, "volumeConfigurations": None}, "web:1") == base
    assert fingerprint(SPEC, "web:2") != base
    assert (
        fingerprint({**SPEC, "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["a"]}}}, "web:1")
        != base
    )
    assert fingerprint({**SPEC, "forceNewDeployment": True}, "web:1") != base


def test_deployment_ids_look_like_ecs_and_are_deterministic():
    first = deployment_id(UID, "f1", 1)
    assert re.fullmatch(r"ecs-svc/\d{19}", first)
    assert first == deployment_id(UID, "f1", 1)
    assert first != deployment_id(UID, "f1", 2)
    assert first != deployment_id("other-uid", "f1", 1)


# ---- scenario: D1 completes ----


def test_first_deployment_is_primary_and_in_progress_until_tasks_are_ready():
    service = Service()
    decision = service.reconcile("web:1", [])
    (d1,) = decision.deployments
    assert d1["status"] == "PRIMARY" and d1["rolloutState"] == "IN_PROGRESS"
    assert d1["rolloutStateReason"] == in_progress_reason(d1["id"])
    assert d1["taskDefinition"] == "web:1" and d1["desiredCount"] == 2
    assert decision.serving_task_definition == "web:1"
    assert decision.serving_deployment_id == d1["id"]
    assert not decision.steady and not decision.paused
    decision = service.reconcile("web:1", [pod("a", d1["id"]), pod("b", d1["id"], ready=False)])
    assert service.primary()["rolloutState"] == "IN_PROGRESS"
    assert service.primary()["runningCount"] == 2


def test_d1_completes_at_steady_state_with_ecs_reason_and_event():
    service = Service()
    d1 = service.reconcile("web:1", []).serving_deployment_id
    decision = service.reconcile("web:1", [pod("a", d1), pod("b", d1)])
    primary = service.primary()
    assert primary["rolloutState"] == "COMPLETED"
    assert primary["rolloutStateReason"] == completed_reason(d1) == f"ECS deployment {d1} completed."
    assert primary["circuitBreaker"]["status"] == "MONITORING_COMPLETE"
    assert decision.steady
    assert decision.events == [events.deployment_completed("web", d1)]


def test_nothing_changes_and_nothing_is_emitted_at_steady_state():
    service = Service()
    d1 = completed_d1(service)
    before = [dict(d) for d in service.deployments]
    decision = service.reconcile("web:1", [pod("a", d1), pod("b", d1)])
    assert decision.deployments == before
    assert decision.events == []
    assert decision.steady


def test_a_desired_count_change_opens_no_deployment():
    service = Service()
    d1 = completed_d1(service)
    decision = service.reconcile("web:1", [pod("a", d1), pod("b", d1)], desired=3)
    (only,) = decision.deployments
    assert only["id"] == d1 and only["desiredCount"] == 3 and only["rolloutState"] == "COMPLETED"
    assert not decision.steady


def test_a_new_revision_opens_a_primary_and_the_old_one_turns_active_until_its_tasks_are_gone():
    service = Service()
    d1 = completed_d1(service)
    decision = service.reconcile("web:2", [pod("a", d1), pod("b", d1)])
    d2 = decision.serving_deployment_id
    assert d2 != d1 and decision.serving_task_definition == "web:2"
    assert [d["status"] for d in decision.deployments] == ["PRIMARY", "ACTIVE"]
    assert service.by_id(d1)["rolloutState"] == "COMPLETED" and service.by_id(d1)["runningCount"] == 2
    decision = service.reconcile("web:2", [pod("a", d1), pod("c", d2, revision="web:2")])
    assert service.by_id(d1)["desiredCount"] == 1
    assert service.primary()["rolloutState"] == "IN_PROGRESS"
    decision = service.reconcile(
        "web:2", [pod("c", d2, revision="web:2"), pod("d", d2, revision="web:2"), pod("a", d1, deleting=True)]
    )
    assert [d["id"] for d in decision.deployments] == [d2]
    assert service.primary()["rolloutState"] == "IN_PROGRESS"  # a terminating old task is still there
    decision = service.reconcile("web:2", [pod("c", d2, revision="web:2"), pod("d", d2, revision="web:2")])
    assert service.primary()["rolloutState"] == "COMPLETED"


# ---- scenario: D2 fails, rolls back to D1 ----


def test_d2_failing_rolls_back_to_d1_without_touching_the_spec():
    service = Service()
    d1 = completed_d1(service)
    d2 = service.reconcile("web:2", [pod("a", d1), pod("b", d1)]).serving_deployment_id
    crashing = [pod("a", d1), pod("b", d1), pod("c", d2, ready=False, failures=3, revision="web:2")]
    decision = service.reconcile("web:2", crashing)

    assert decision.serving_task_definition == "web:1"
    assert decision.serving_deployment_id == d1
    assert not decision.paused
    primary = service.primary()
    assert primary["id"] == d1 and primary["rolloutState"] == "IN_PROGRESS"
    assert primary["rolloutStateReason"] == rollback_reason(d1)
    assert (
        primary["rolloutStateReason"] == f"ECS deployment circuit breaker: rolling back to deploymentId {d1}."
    )
    failed = service.by_id(d2)
    assert failed["status"] == "ACTIVE" and failed["rolloutState"] == "FAILED"
    assert failed["rolloutStateReason"] == TASK_FAILED_TO_START
    assert failed["circuitBreaker"] == {"status": "TRIGGERED", "failureCount": 3, "threshold": 3}
    assert failed["failedTasks"] == 3
    assert decision.events == [events.rolling_back("web", d2, d1)]

    # the spec still names web:2, yet no new deployment opens for it
    decision = service.reconcile("web:2", [pod("a", d1), pod("b", d1)])
    assert [d["id"] for d in decision.deployments] == [d1]
    assert service.primary()["rolloutState"] == "COMPLETED"
    assert decision.serving_task_definition == "web:1"


def test_a_later_new_revision_starts_a_fresh_deployment_after_a_rollback():
    service = Service()
    d1 = completed_d1(service)
    d2 = service.reconcile("web:2", [pod("a", d1), pod("b", d1)]).serving_deployment_id
    service.reconcile("web:2", [pod("a", d1), pod("b", d1), pod("c", d2, ready=False, failures=3)])
    decision = service.reconcile("web:3", [pod("a", d1), pod("b", d1)])
    assert decision.serving_task_definition == "web:3"
    assert decision.serving_deployment_id not in (d1, d2)
    assert service.primary()["rolloutState"] == "IN_PROGRESS"


def test_breaker_without_rollback_fails_and_pauses_on_the_failed_revision():
    service = Service(breaker={"enable": True, "rollback": False})
    d1 = completed_d1(service)
    d2 = service.reconcile("web:2", [pod("a", d1), pod("b", d1)]).serving_deployment_id
    decision = service.reconcile("web:2", [pod("a", d1), pod("b", d1), pod("c", d2, ready=False, failures=3)])
    assert service.primary()["id"] == d2 and service.primary()["rolloutState"] == "FAILED"
    assert decision.paused and decision.serving_task_definition == "web:2"
    assert decision.events == [events.deployment_failed("web", d2)]


def test_without_a_breaker_failures_never_fail_the_deployment():
    service = Service(breaker=None)
    d1 = service.reconcile("web:1", []).serving_deployment_id
    decision = service.reconcile("web:1", [pod("a", d1, ready=False, failures=50)])
    assert service.primary()["rolloutState"] == "IN_PROGRESS"
    assert service.primary()["failedTasks"] == 50
    assert service.primary()["circuitBreaker"]["status"] == "DISABLED"
    assert not decision.paused


# ---- scenario: D3 with nothing COMPLETED stalls ----


def test_d3_with_no_completed_deployment_stalls_and_pauses():
    service = Service()
    d1 = completed_d1(service)
    d2 = service.reconcile("web:2", [pod("a", d1), pod("b", d1)]).serving_deployment_id
    service.reconcile("web:2", [pod("a", d1), pod("b", d1), pod("c", d2, ready=False, failures=3)])
    assert service.primary()["id"] == d1  # rolling back: IN_PROGRESS, so nothing is COMPLETED now
    d3 = service.reconcile("web:3", [pod("a", d1)]).serving_deployment_id
    decision = service.reconcile(
        "web:3", [pod("a", d1), pod("e", d3, ready=False, failures=3, revision="web:3")]
    )

    primary = service.primary()
    assert primary["id"] == d3 and primary["rolloutState"] == "FAILED"
    assert primary["rolloutStateReason"].startswith(TASK_FAILED_TO_START)
    assert "No COMPLETED deployment to roll back to" in primary["rolloutStateReason"]
    assert decision.paused and decision.serving_task_definition == "web:3"
    assert decision.events == [events.deployment_stalled("web", d3)]
    assert service.by_id(d1)["status"] == "ACTIVE"

    # stays stalled: no further transitions, no repeated events
    decision = service.reconcile(
        "web:3", [pod("a", d1), pod("e", d3, ready=False, failures=9, revision="web:3")]
    )
    assert decision.paused and decision.events == []

    decision = service.reconcile("web:4", [pod("a", d1)])
    assert not decision.paused and decision.serving_task_definition == "web:4"


def test_a_failed_rollback_target_is_not_rolled_back_to_itself():
    service = Service()
    d1 = completed_d1(service)
    d2 = service.reconcile("web:2", [pod("a", d1), pod("b", d1)]).serving_deployment_id
    service.reconcile("web:2", [pod("a", d1), pod("b", d1), pod("c", d2, ready=False, failures=3)])
    decision = service.reconcile("web:2", [pod("a", d1, ready=False, failures=3), pod("b", d1)])
    assert service.primary()["id"] == d1 and service.primary()["rolloutState"] == "FAILED"
    assert decision.paused


def test_lost_status_gives_the_same_deployment_id_back():
    first = Service()
    d1 = completed_d1(first)
    fresh = Service()
    assert fresh.reconcile("web:1", [pod("a", d1), pod("b", d1)]).serving_deployment_id == d1


def test_pods_without_the_primary_label_keep_it_in_progress():
    service = Service()
    d1 = service.reconcile("web:1", []).serving_deployment_id
    stray = replace(pod("z", d1), deployment_id=None)
    service.reconcile("web:1", [pod("a", d1), pod("b", d1), stray])
    assert service.primary()["rolloutState"] == "IN_PROGRESS"


def test_a_lingering_failed_pod_of_an_old_deployment_does_not_block_completion():
    service = Service()
    d1 = completed_d1(service)
    d2 = service.reconcile("web:2", [pod("a", d1), pod("b", d1)]).serving_deployment_id
    dead_old = replace(pod("a", d1, ready=False), phase="Failed", failed=True)
    service.reconcile("web:2", [dead_old, pod("c", d2, revision="web:2"), pod("d", d2, revision="web:2")])
    assert service.primary()["rolloutState"] == "COMPLETED"
    assert [d["id"] for d in service.deployments] == [d2]


def test_an_identical_second_look_mid_rollout_changes_nothing():
    service = Service()
    d1 = completed_d1(service)
    d2 = service.reconcile("web:2", [pod("a", d1), pod("b", d1)]).serving_deployment_id
    observed = [pod("a", d1), pod("b", d1), pod("c", d2, ready=False, failures=1, revision="web:2")]
    service.reconcile("web:2", observed)
    before, tracking = [dict(d) for d in service.deployments], dict(service.tracking)
    decision = service.reconcile("web:2", observed)
    assert decision.deployments == before
    assert decision.tracking == tracking
    assert decision.events == []
