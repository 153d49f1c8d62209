"""taskRoleArn -> an IRSA ServiceAccount (core/task_definition/task_role.py)."""

from task_definition_inputs import paths, task

from ecs_operator.core.task_definition.pod_spec import build_pod_spec
from ecs_operator.core.task_definition.task_role import IRSA_ROLE_ANNOTATION


def test_task_role_becomes_an_irsa_service_account_named_after_the_family():
    role = "arn:aws:iam::123456789012:role/web-task"
    result = build_pod_spec(task(family="My_Web", taskRoleArn=role))
    assert result.service_account == {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": "my-web", "annotations": {IRSA_ROLE_ANNOTATION: role}},
    }
    assert result.pod_spec["serviceAccountName"] == "my-web"
    assert result.unsupported == []


def test_the_service_that_runs_the_task_names_its_account_and_no_role_means_no_account(template_parts):
    with_role = template_parts(task(taskRoleArn="arn:aws:iam::1:role/r"))
    assert with_role.service_account["metadata"]["name"] == "checkout"
    assert with_role.pod_spec["serviceAccountName"] == "checkout"
    without_role = template_parts(task())
    assert without_role.service_account is None
    assert "serviceAccountName" not in without_role.pod_spec


def test_task_role_given_as_a_name_is_annotated_and_listed():
    result = build_pod_spec(task(taskRoleArn="my-role"))
    assert result.service_account["metadata"]["annotations"][IRSA_ROLE_ANNOTATION] == "my-role"
    assert paths(result) == {"taskRoleArn"}
