from ecs_operator.api import labels
from ecs_operator.core.task_definition import revisions
from ecs_operator.core.task_definition.registration import plan_task_definition

NOW = "2026-11-21T00:00:00Z"


def body(spec, **meta):
    return {
        "apiVersion": "ecs-operator.dev/v1alpha1",
        "kind": "TaskDefinition",
        "metadata": {"name": "web", "namespace": "ns", "uid": "u1", "generation": 1, **meta},
        "spec": spec,
    }


GOOD = {"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx", "memory": 128}]}


def test_a_valid_spec_registers_revision_one_and_reports_it_active():
    plan = plan_task_definition(body(GOOD), [], in_use=False, now=NOW)
    assert plan.create_revision["revision"] == 1
    assert plan.status["revision"] == 1
    assert plan.status["taskDefinitionArn"] == "web:1"
    assert plan.status["status"] == "ACTIVE"
    assert plan.finalizers == [labels.IN_USE_FINALIZER]
    assert ("Normal", "Registered", "registered task definition web:1") in plan.events


def test_an_invalid_spec_registers_nothing_and_says_why():
    bad = {"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx", "essential": False}]}
    plan = plan_task_definition(body(bad), [], in_use=False, now=NOW)
    assert plan.create_revision is None
    ready = plan.status["conditions"][0]
    assert ready["status"] == "False" and ready["reason"] == "InvalidSpec"
    assert "essential" in ready["message"]


def test_a_deleted_family_in_use_stays_inactive_until_its_last_service_goes():
    first = revisions.next_revision(body(GOOD), GOOD, [])
    existing = revisions.revisions_of([first], "u1")
    deleting = body(GOOD, deletionTimestamp=NOW, finalizers=[labels.IN_USE_FINALIZER])
    in_use = plan_task_definition(deleting, existing, in_use=True, now=NOW)
    assert in_use.status["status"] == "INACTIVE" and in_use.finalizers is None
    released = plan_task_definition(deleting, existing, in_use=False, now=NOW)
    assert released.finalizers == []


def test_fields_without_kubernetes_meaning_are_listed_not_dropped():
    spec = {
        **GOOD,
        "containerDefinitions": [
            {**GOOD["containerDefinitions"][0], "logConfiguration": {"logDriver": "awslogs"}}
        ],
    }
    plan = plan_task_definition(body(spec), [], in_use=False, now=NOW)
    paths = [u["path"] for u in plan.status["unsupportedFields"]]
    assert any("logConfiguration" in p for p in paths)
    assert any(e[1] == "UnsupportedFields" for e in plan.events)
