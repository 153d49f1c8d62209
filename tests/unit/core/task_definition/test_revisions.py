import pytest

from ecs_operator.api import labels
from ecs_operator.core.task_definition import revisions

BODY = {
    "apiVersion": "ecs-operator.dev/v1alpha1",
    "kind": "TaskDefinition",
    "metadata": {"name": "web", "namespace": "ns", "uid": "u1"},
}
SPEC = {"containerDefinitions": [{"name": "web", "image": "nginx"}]}


def _as_controller_revision(created):
    return {**created, "metadata": {**created["metadata"]}}


def test_first_spec_registers_revision_one_with_family_defaulted_to_the_object_name():
    created = revisions.next_revision(BODY, SPEC, [])
    assert created["revision"] == 1
    assert created["data"]["family"] == "web"
    assert created["metadata"]["name"] == "web-1"
    assert created["metadata"]["annotations"][labels.TASK_DEFINITION_ANNOTATION] == "web:1"
    assert created["metadata"]["ownerReferences"][0]["uid"] == "u1"


def test_unchanged_spec_registers_nothing_and_a_change_registers_the_next_revision():
    first = revisions.next_revision(BODY, SPEC, [])
    existing = revisions.revisions_of([first], "u1")
    assert revisions.next_revision(BODY, SPEC, existing) is None
    changed = {"containerDefinitions": [{"name": "web", "image": "nginx:2"}]}
    second = revisions.next_revision(BODY, changed, existing)
    assert second["revision"] == 2 and second["metadata"]["name"] == "web-2"


def test_revisions_of_another_owner_are_ignored():
    first = revisions.next_revision(BODY, SPEC, [])
    assert revisions.revisions_of([first], "someone-else") == []


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("web", ("web", None)),
        ("web:3", ("web", 3)),
        ("arn:aws:ecs:us-east-1:123456789012:task-definition/web:7", ("web", 7)),
    ],
)
def test_task_definition_references(reference, expected):
    assert revisions.parse_reference(reference) == expected


@pytest.mark.parametrize("reference", ["web:latest", "web:0", "web:-1"])
def test_invalid_revisions_are_refused_with_the_reference_quoted(reference):
    with pytest.raises(ValueError, match="positive integer"):
        revisions.parse_reference(reference)
