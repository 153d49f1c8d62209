import pytest

from ecs_operator.core.service.problems import ServiceProblem
from ecs_operator.core.service.task_definition_choice import (
    Family,
    lookup_revision,
    references_family,
    resolve_task_definition,
    serving_revision,
)

TD = {"family": "web", "containerDefinitions": []}
FAMILIES = {"web": Family("web", False, {1: TD, 2: TD})}


def test_a_family_means_its_latest_revision_and_family_n_that_one():
    assert resolve_task_definition("web", FAMILIES, set())[0] == "web:2"
    assert resolve_task_definition("web:1", FAMILIES, set())[0] == "web:1"


@pytest.mark.parametrize(
    ("reference", "families", "reason"),
    [
        ("nope", FAMILIES, "TaskDefinitionNotFound"),
        ("web:9", FAMILIES, "TaskDefinitionRevisionNotFound"),
        ("web", {"web": Family("web", False, {})}, "TaskDefinitionNotRegistered"),
        ("web", {"web": Family("web", True, {1: TD})}, "TaskDefinitionInactive"),
    ],
)
def test_what_cannot_be_resolved_is_a_problem_with_its_reason(reference, families, reason):
    with pytest.raises(ServiceProblem) as caught:
        resolve_task_definition(reference, families, set())
    assert caught.value.reason == reason


def test_an_inactive_family_still_serves_the_revision_already_running():
    assert resolve_task_definition("web", {"web": Family("web", True, {1: TD})}, {"web:1"})[0] == "web:1"


def test_lookup_and_serving_revision():
    assert lookup_revision("web:1", FAMILIES) is TD
    assert lookup_revision("web:9", FAMILIES) is None
    with pytest.raises(ServiceProblem):
        serving_revision("web:9", FAMILIES)


def test_references_family_by_object_name():
    assert references_family({"spec": {"taskDefinition": "web:3"}}, "web")
    assert not references_family({"spec": {"taskDefinition": "api"}}, "web")
    assert not references_family({"spec": {}}, "web")
