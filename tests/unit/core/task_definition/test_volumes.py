"""Volumes and mounts: host, scratch, EFS, Docker volumes, volumesFrom, tmpfs, /dev/shm (core/volumes.py)."""

from typing import Any

import pytest
from task_definition_inputs import container, paths

from ecs_operator.core.task_definition.pod_spec import TaskDefinitionError, build_pod_spec


def build(*containers: dict[str, Any], volumes: list[dict[str, Any]] | None = None):
    definitions = list(containers) or [container()]
    return build_pod_spec({"family": "web", "containerDefinitions": definitions, "volumes": volumes or []})


def mount(volume: str, path: str, **extra: Any) -> dict[str, Any]:
    return {"sourceVolume": volume, "containerPath": path, **extra}


def test_host_source_path_is_host_path_and_no_host_is_empty_dir():
    result = build(
        volumes=[
            {"name": "docker_sock", "host": {"sourcePath": "/var/run/docker.sock"}},
            {"name": "scratch", "host": {}},
            {"name": "plain"},
        ]
    )
    assert result.pod_spec["volumes"] == [
        {"name": "docker-sock", "hostPath": {"path": "/var/run/docker.sock"}},
        {"name": "scratch", "emptyDir": {}},
        {"name": "plain", "emptyDir": {}},
    ]
    assert result.unsupported == []


def test_mount_points_refer_to_the_renamed_volume_and_honour_read_only():
    result = build(
        container(
            mountPoints=[mount("Data_Vol", "/data", readOnly=True), mount("Data_Vol", "/copy", readOnly=None)]
        ),
        volumes=[{"name": "Data_Vol"}],
    )
    assert result.pod_spec["containers"][0]["volumeMounts"] == [
        {"name": "data-vol", "mountPath": "/data", "readOnly": True},
        {"name": "data-vol", "mountPath": "/copy"},
    ]


def test_mount_of_unknown_volume_is_an_error_with_its_path():
    with pytest.raises(
        TaskDefinitionError, match=r"containerDefinitions\[0\]\.mountPoints\[0\]\.sourceVolume"
    ):
        build(container(mountPoints=[mount("nope", "/x")]))


def test_two_mounts_at_one_path_are_an_error():
    with pytest.raises(TaskDefinitionError, match=r"containerDefinitions\[0\]\.mountPoints"):
        build(container(mountPoints=[mount("v", "/x"), mount("v", "/x")]), volumes=[{"name": "v"}])


def test_efs_volume_is_a_claim_named_by_convention_with_root_directory_as_sub_path():
    result = build(
        container(mountPoints=[mount("shared", "/mnt/efs")]),
        volumes=[
            {
                "name": "shared",
                "efsVolumeConfiguration": {
                    "fileSystemId": "fs-0ABC123",
                    "rootDirectory": "/exports/app",
                    "transitEncryption": "ENABLED",
                },
            }
        ],
    )
    assert result.pod_spec["volumes"] == [
        {"name": "shared", "persistentVolumeClaim": {"claimName": "efs-fs-0abc123"}}
    ]
    assert result.pod_spec["containers"][0]["volumeMounts"] == [
        {"name": "shared", "mountPath": "/mnt/efs", "subPath": "exports/app"}
    ]
    assert paths(result) == {"volumes[0].efsVolumeConfiguration.transitEncryption"}


def test_efs_access_point_is_part_of_the_claim_name():
    result = build(
        volumes=[
            {
                "name": "v",
                "efsVolumeConfiguration": {
                    "fileSystemId": "fs-1",
                    "authorizationConfig": {"accessPointId": "fsap-9", "iam": "ENABLED"},
                },
            }
        ]
    )
    assert result.pod_spec["volumes"][0]["persistentVolumeClaim"] == {"claimName": "efs-fs-1-fsap-9"}
    assert paths(result) == {"volumes[0].efsVolumeConfiguration.authorizationConfig.iam"}


def test_docker_volume_shared_scope_is_a_claim_and_task_scope_is_scratch():
    result = build(
        volumes=[
            {"name": "Cache", "dockerVolumeConfiguration": {"scope": "shared", "driver": "rexray/ebs"}},
            {"name": "tmp", "dockerVolumeConfiguration": {"scope": "task"}},
        ]
    )
    assert result.pod_spec["volumes"] == [
        {"name": "cache", "persistentVolumeClaim": {"claimName": "cache"}},
        {"name": "tmp", "emptyDir": {}},
    ]
    assert paths(result) == {"volumes[0].dockerVolumeConfiguration.driver"}


@pytest.mark.parametrize(
    "kind",
    [{"fsxWindowsFileServerVolumeConfiguration": {"fileSystemId": "fs"}}, {"configuredAtLaunch": True}],
)
def test_volumes_without_equivalent_are_scratch_and_listed(kind):
    result = build(volumes=[{"name": "v", **kind}])
    assert result.pod_spec["volumes"] == [{"name": "v", "emptyDir": {}}]
    assert paths(result) == {f"volumes[0].{next(iter(kind))}"}


def test_configured_at_launch_false_is_an_ordinary_volume():
    assert build(volumes=[{"name": "v", "configuredAtLaunch": False}]).unsupported == []


def test_volumes_from_copies_the_source_mounts_and_read_only_applies_to_all():
    result = build(
        container("web", mountPoints=[mount("data", "/data"), mount("logs", "/logs", readOnly=True)]),
        container("reader", volumesFrom=[{"sourceContainer": "web", "readOnly": True}]),
        container("writer", volumesFrom=[{"sourceContainer": "web"}], mountPoints=[mount("other", "/data")]),
        volumes=[{"name": "data"}, {"name": "logs"}, {"name": "other"}],
    )
    _, reader, writer = result.pod_spec["containers"]
    assert reader["volumeMounts"] == [
        {"name": "data", "mountPath": "/data", "readOnly": True},
        {"name": "logs", "mountPath": "/logs", "readOnly": True},
    ]
    assert writer["volumeMounts"] == [  # its own /data wins over the copied one
        {"name": "other", "mountPath": "/data"},
        {"name": "logs", "mountPath": "/logs", "readOnly": True},
    ]


def test_volumes_from_is_transitive():
    result = build(
        container("a", mountPoints=[mount("v", "/v")]),
        container("b", volumesFrom=[{"sourceContainer": "a"}]),
        container("c", volumesFrom=[{"sourceContainer": "b"}]),
        volumes=[{"name": "v"}],
    )
    assert result.pod_spec["containers"][2]["volumeMounts"] == [{"name": "v", "mountPath": "/v"}]


def test_volumes_from_unknown_container_or_cycle_is_an_error():
    with pytest.raises(TaskDefinitionError, match=r"volumesFrom\[0\]\.sourceContainer"):
        build(container("a", volumesFrom=[{"sourceContainer": "zzz"}]))
    with pytest.raises(TaskDefinitionError, match="cycle"):
        build(
            container("a", volumesFrom=[{"sourceContainer": "b"}]),
            container("b", volumesFrom=[{"sourceContainer": "a"}]),
        )


def test_tmpfs_and_shared_memory_become_memory_backed_empty_dirs():
    result = build(
        container(
            "App",
            linuxParameters={
                "tmpfs": [{"containerPath": "/run", "size": 64, "mountOptions": ["noexec"]}],
                "sharedMemorySize": 256,
            },
        )
    )
    assert result.pod_spec["volumes"] == [
        {"name": "app-tmpfs", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}},
        {"name": "app-shm", "emptyDir": {"medium": "Memory", "sizeLimit": "256Mi"}},
    ]
    assert result.pod_spec["containers"][0]["volumeMounts"] == [
        {"name": "app-tmpfs", "mountPath": "/run"},
        {"name": "app-shm", "mountPath": "/dev/shm"},
    ]
    assert paths(result) == {"containerDefinitions[0].linuxParameters.tmpfs[0].mountOptions"}


def test_generated_volume_names_do_not_collide_with_task_volumes():
    result = build(container("app", linuxParameters={"sharedMemorySize": 64}), volumes=[{"name": "app-shm"}])
    assert [v["name"] for v in result.pod_spec["volumes"]] == ["app-shm", "app-shm-2"]


def test_non_ecs_volume_keys_are_listed():
    result = build(volumes=[{"name": "v", "host": {"sourcePath": "/x"}, "readOnly": True}])
    assert paths(result) == {"volumes[0].readOnly"}


def test_tmpfs_at_an_already_mounted_path_is_an_error():
    with pytest.raises(TaskDefinitionError, match=r"containerDefinitions\[0\]\.linuxParameters"):
        build(
            container(mountPoints=[mount("v", "/dev/shm")], linuxParameters={"sharedMemorySize": 64}),
            volumes=[{"name": "v"}],
        )
