import json

import pytest

from ecs_operator.core.placement.cluster_query_language import PlacementError
from ecs_operator.core.run_task import task_pod
from ecs_operator.core.run_task.task_pod import Provider, TaskSpecError, apply_overrides

SPOT = Provider(
    "FARGATE_SPOT",
    "fargate-spot",
    {
        "capacityType": "spot",
        "nodeSelector": {"ecs-operator.dev/capacity-type": "spot"},
        "tolerations": [{"key": "ecs-operator.dev/capacity-type", "value": "spot", "effect": "NoSchedule"}],
    },
)


def build(task, web_td, provider=SPOT):
    return task_pod.task_pod(task, "web:3", web_td, provider)


def main(pod):
    return next(c for c in pod["spec"]["containers"] if c["name"] == "app-main")


def test_one_task_is_one_pod_that_never_restarts_on_its_providers_pool(task, web_td):
    pod = build(task, web_td).pod
    assert pod["metadata"]["name"] == "migrate-1"
    assert pod["spec"]["restartPolicy"] == "Never"
    assert pod["spec"]["nodeSelector"] == {"ecs-operator.dev/capacity-type": "spot"}
    assert pod["spec"]["tolerations"] == SPOT.spec["tolerations"]
    assert pod["metadata"]["ownerReferences"][0]["uid"] == task["metadata"]["uid"]
    assert pod["metadata"]["labels"]["ecs-operator.dev/capacity-provider"] == "fargate-spot"
    annotations = pod["metadata"]["annotations"]
    assert annotations["ecs-operator.dev/task-definition"] == "web:3"
    assert annotations[task_pod.GROUP] == "family:web"  # RunTask's default group
    assert annotations[task_pod.PROVIDER_NAME] == "FARGATE_SPOT"
    assert annotations[task_pod.PROVIDER_TYPE] == "spot"
    assert json.loads(annotations[task_pod.CONTAINER_NAMES]) == {"app-main": "App_Main"}


def test_the_stop_timeout_is_the_grace_period_on_spot_too(task, web_td):
    assert build(task, web_td).pod["spec"]["terminationGracePeriodSeconds"] == 45


def test_container_overrides_replace_command_and_size_and_merge_the_environment(task, web_td):
    task["spec"]["overrides"] = {
        "containerOverrides": [
            {
                "name": "App_Main",
                "command": ["migrate", "--all"],
                "environment": [{"name": "MODE", "value": "migrate"}, {"name": "EXTRA", "value": "1"}],
                "cpu": 256,
                "memory": 512,
                "memoryReservation": 256,
            }
        ],
        "cpu": "1024",
        "memory": "2048",
    }
    container = main(build(task, web_td).pod)
    assert container["args"] == ["migrate", "--all"]
    assert container["env"] == [
        {"name": "MODE", "value": "migrate"},
        {"name": "LOG", "value": "info"},
        {"name": "EXTRA", "value": "1"},
    ]
    assert container["resources"]["requests"] == {"cpu": "250m", "memory": "256Mi"}
    assert container["resources"]["limits"]["memory"] == "512Mi"
    assert web_td["containerDefinitions"][0]["command"] == ["serve"]  # the revision is not changed


def test_task_level_overrides_size_the_task(task, web_td):
    task["spec"]["overrides"] = {"cpu": "2048", "memory": "4096"}
    container = main(build(task, web_td).pod)
    # 2048 units shared by two containers stating none; 4096 MiB less the sidecar's 64
    assert container["resources"]["limits"] == {"cpu": "1000m", "memory": "4032Mi"}


def test_a_gpu_override_becomes_the_gpu_limit(task, web_td):
    task["spec"]["overrides"] = {
        "containerOverrides": [{"name": "App_Main", "resourceRequirements": [{"type": "GPU", "value": "2"}]}]
    }
    assert main(build(task, web_td).pod)["resources"]["limits"]["nvidia.com/gpu"] == "2"


def test_a_task_role_override_gets_a_service_account_of_the_task(task, web_td):
    task["spec"]["overrides"] = {"taskRoleArn": "arn:aws:iam::123456789012:role/migrator"}
    built = build(task, web_td)
    account = built.service_account
    assert account is not None
    assert account["metadata"]["name"] == "migrate-1"
    assert account["metadata"]["namespace"] == "shop"
    assert account["metadata"]["annotations"] == {
        "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/migrator"
    }
    assert built.pod["spec"]["serviceAccountName"] == "migrate-1"


def test_ephemeral_storage_and_execution_role_overrides_are_listed(task, web_td):
    task["spec"]["overrides"] = {
        "ephemeralStorage": {"sizeInGiB": 50},
        "executionRoleArn": "arn:aws:iam::1:role/x",
    }
    paths = {u["path"] for u in build(task, web_td).unsupported}
    assert {"ephemeralStorage", "executionRoleArn"} <= paths


def test_an_override_of_an_unknown_container_names_its_path(task, web_td):
    task["spec"]["overrides"] = {"containerOverrides": [{"name": "ghost", "command": ["x"]}]}
    with pytest.raises(TaskSpecError, match=r"containerOverrides\[0\]\.name: 'ghost' is not a container"):
        build(task, web_td)


def test_placement_spreads_and_separates_the_tasks_of_the_group(task, web_td):
    task["spec"].update(
        group="nightly",
        placementConstraints=[{"type": "distinctInstance"}],
        placementStrategy=[
            {"type": "spread", "field": "attribute:ecs.availability-zone"},
            {"type": "binpack", "field": "memory"},
        ],
    )
    built = build(task, web_td)
    spec = built.pod["spec"]
    group_label = built.pod["metadata"]["labels"][task_pod.GROUP]
    anti = spec["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][0]
    assert anti["labelSelector"] == {"matchLabels": {task_pod.GROUP: group_label}}
    assert spec["topologySpreadConstraints"][0]["topologyKey"] == "topology.kubernetes.io/zone"
    assert spec["nodeSelector"] == SPOT.spec["nodeSelector"]  # the pool still applies
    assert [i["path"] for i in built.ignored] == ["spec.placementStrategy[1]"]


def test_a_pool_no_task_of_the_definition_can_use_is_an_error(task, web_td):
    windows = dict(web_td, runtimePlatform={"operatingSystemFamily": "WINDOWS_SERVER_2022_CORE"})
    linux_pool = Provider("LINUX", "linux", {"nodeSelector": {"kubernetes.io/os": "linux"}})
    with pytest.raises(PlacementError, match=r"kubernetes\.io/os"):
        task_pod.task_pod(task, "web:3", windows, linux_pool)


def test_started_by_is_kept_on_the_pod(task, web_td):
    task["spec"]["startedBy"] = "ci/deploy-42"
    assert build(task, web_td).pod["metadata"]["annotations"][task_pod.STARTED_BY] == "ci/deploy-42"


def test_apply_overrides_leaves_a_definition_without_overrides_alone(web_td):
    assert apply_overrides(web_td, None) == web_td
