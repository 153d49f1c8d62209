"""Task volumes and container mounts: ECS `volumes`, `mountPoints`, `volumesFrom`, tmpfs and /dev/shm.

The convention (docs/design.md#the-mapping):
- `host.sourcePath` -> `hostPath`; no `host`, or `host: {}` (a Docker-managed scratch volume) -> `emptyDir`.
- `efsVolumeConfiguration` -> a PersistentVolumeClaim named `efs-<fileSystemId>` (lowercase), or
  `efs-<fileSystemId>-<accessPointId>` with an access point: the operator does not create it; the
  cluster's EFS CSI driver setup does. `rootDirectory` becomes the mounts' `subPath`.
- `dockerVolumeConfiguration` scope `shared` -> a PersistentVolumeClaim named after the volume;
  scope `task` (the default) -> `emptyDir`.
- FSx for Windows, S3 Files and `configuredAtLaunch` volumes become `emptyDir` and are listed.
- `linuxParameters.tmpfs` -> an `emptyDir` of medium Memory per mount; `sharedMemorySize` -> one at
  /dev/shm.
- `volumesFrom` copies the source container's mounts (recursively); `readOnly` there makes them all
  read-only. A container's own mount at the same path wins over a copied one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ecs_operator.core.k8s.identifiers import dns_label, unique
from ecs_operator.core.task_definition.unsupported import (
    TaskDefinitionError,
    UnsupportedField,
    is_set,
    join,
    unmapped_fields,
    whole_number,
)

_VOLUME_KEYS = frozenset({"name", "host", "dockerVolumeConfiguration", "efsVolumeConfiguration"})
_NO_EQUIVALENT = {
    "fsxWindowsFileServerVolumeConfiguration": "FSx for Windows volumes are not mapped; mounted as an "
    "empty directory",
    "s3filesVolumeConfiguration": "S3 Files volumes are not mapped; mounted as an empty directory",
    "configuredAtLaunch": "volumes supplied at launch (EBS) are not mapped; mounted as an empty directory",
}
_EFS_STORAGE = "set on the EFS CSI driver's PersistentVolume, not in the pod"
_DOCKER_DRIVER = "Docker volume drivers have no Kubernetes equivalent; the claim's StorageClass decides"
_EFS_KEYS = frozenset(
    {"fileSystemId", "rootDirectory", "transitEncryption", "transitEncryptionPort", "authorizationConfig"}
)
_DOCKER_KEYS = frozenset({"scope", "autoprovision", "driver", "driverOpts", "labels"})
_MOUNT_KEYS = frozenset({"sourceVolume", "containerPath", "readOnly"})


def efs_claim_name(efs: Mapping[str, Any]) -> str:
    access_point = (efs.get("authorizationConfig") or {}).get("accessPointId")
    name = f"efs-{efs.get('fileSystemId', '')}" + (f"-{access_point}" if access_point else "")
    return dns_label(name, "efs")


class VolumePlanner:
    """Builds the pod's `volumes` and each container's `volumeMounts`; records what has no effect."""

    def __init__(self, volumes: Sequence[Mapping[str, Any]], unsupported: list[UnsupportedField]) -> None:
        self._unsupported = unsupported
        self._taken: set[str] = set()
        self._by_ecs_name: dict[str, tuple[str, str | None]] = {}  # ECS name -> (k8s name, subPath)
        self.volumes: list[dict[str, Any]] = []
        for index, volume in enumerate(volumes):
            self._add_task_volume(volume, f"volumes[{index}]")

    def _add_task_volume(self, volume: Mapping[str, Any], path: str) -> None:
        ecs_name = volume.get("name")
        if not is_set(ecs_name):
            raise TaskDefinitionError(f"{path}.name", "a volume needs a name")
        if ecs_name in self._by_ecs_name:
            raise TaskDefinitionError(f"{path}.name", f"volume {ecs_name!r} is defined twice")
        name = unique(dns_label(ecs_name, "volume"), self._taken)
        source, sub_path = self._source(volume, path)
        self._by_ecs_name[ecs_name] = (name, sub_path)
        self.volumes.append({"name": name, **source})
        mapped = _VOLUME_KEYS | _NO_EQUIVALENT.keys()
        self._unsupported.extend(unmapped_fields(volume, mapped, {}, path, "Volume"))

    def _source(self, volume: Mapping[str, Any], path: str) -> tuple[dict[str, Any], str | None]:
        for key, reason in _NO_EQUIVALENT.items():
            if is_set(volume.get(key)) and volume.get(key) is not False:
                self._unsupported.append(UnsupportedField(join(path, key), reason))
                return {"emptyDir": {}}, None
        efs = volume.get("efsVolumeConfiguration")
        if is_set(efs):
            efs_path = join(path, "efsVolumeConfiguration")
            if not is_set(efs.get("fileSystemId")):
                raise TaskDefinitionError(f"{efs_path}.fileSystemId", "an EFS volume needs a fileSystemId")
            for key in ("transitEncryption", "transitEncryptionPort"):
                if is_set(efs.get(key)):
                    self._unsupported.append(UnsupportedField(join(efs_path, key), _EFS_STORAGE))
            if is_set((efs.get("authorizationConfig") or {}).get("iam")):
                self._unsupported.append(
                    UnsupportedField(f"{efs_path}.authorizationConfig.iam", _EFS_STORAGE)
                )
            self._unsupported.extend(unmapped_fields(efs, _EFS_KEYS, {}, efs_path, "EFSVolumeConfiguration"))
            authorization = efs.get("authorizationConfig") or {}
            self._unsupported.extend(
                unmapped_fields(
                    authorization,
                    {"accessPointId", "iam"},
                    {},
                    f"{efs_path}.authorizationConfig",
                    "EFSAuthorizationConfig",
                )
            )
            root = str(efs.get("rootDirectory") or "").strip("/")
            return {"persistentVolumeClaim": {"claimName": efs_claim_name(efs)}}, root or None
        docker = volume.get("dockerVolumeConfiguration")
        if is_set(docker):
            docker_path = join(path, "dockerVolumeConfiguration")
            for key in ("autoprovision", "driver", "driverOpts", "labels"):
                if is_set(docker.get(key)):
                    self._unsupported.append(UnsupportedField(join(docker_path, key), _DOCKER_DRIVER))
            self._unsupported.extend(
                unmapped_fields(docker, _DOCKER_KEYS, {}, docker_path, "DockerVolumeConfiguration")
            )
            if docker.get("scope") == "shared":
                return {"persistentVolumeClaim": {"claimName": dns_label(volume["name"], "volume")}}, None
            return {"emptyDir": {}}, None
        host = volume.get("host") or {}
        self._unsupported.extend(
            unmapped_fields(host, {"sourcePath"}, {}, join(path, "host"), "HostVolumeProperties")
        )
        source_path = host.get("sourcePath")
        if is_set(source_path):
            return {"hostPath": {"path": source_path}}, None
        return {"emptyDir": {}}, None

    def _memory_volume(self, name: str, size_mib: Any, path: str) -> str:
        name = unique(dns_label(name, "tmpfs"), self._taken)
        empty_dir: dict[str, Any] = {"medium": "Memory"}
        size = whole_number(size_mib, path) if is_set(size_mib) else 0
        if size > 0:
            empty_dir["sizeLimit"] = f"{size}Mi"
        self.volumes.append({"name": name, "emptyDir": empty_dir})
        return name

    def _own_mounts(self, container: Mapping[str, Any], path: str) -> list[dict[str, Any]]:
        mounts = []
        for index, mount_point in enumerate(container.get("mountPoints") or []):
            mount_path = f"{path}.mountPoints[{index}]"
            source = mount_point.get("sourceVolume")
            if source not in self._by_ecs_name:
                raise TaskDefinitionError(f"{mount_path}.sourceVolume", f"no volume named {source!r}")
            if not is_set(mount_point.get("containerPath")):
                raise TaskDefinitionError(
                    f"{mount_path}.containerPath", "a mount point needs a containerPath"
                )
            name, sub_path = self._by_ecs_name[source]
            mount: dict[str, Any] = {"name": name, "mountPath": mount_point["containerPath"]}
            if sub_path:
                mount["subPath"] = sub_path
            if mount_point.get("readOnly"):
                mount["readOnly"] = True
            mounts.append(mount)
            self._unsupported.extend(unmapped_fields(mount_point, _MOUNT_KEYS, {}, mount_path, "MountPoint"))
        return mounts

    def container_mounts(self, containers: Sequence[Mapping[str, Any]]) -> list[list[dict[str, Any]]]:
        """Each container's named-volume mounts: its own first, then those from `volumesFrom`."""
        own = []
        for index, container in enumerate(containers):
            path = f"containerDefinitions[{index}]"
            mounts = self._own_mounts(container, path)
            if len({mount["mountPath"] for mount in mounts}) < len(mounts):
                raise TaskDefinitionError(f"{path}.mountPoints", "two mount points share one containerPath")
            own.append(mounts)
        return [
            self._with_volumes_from(index, containers, own, frozenset()) for index in range(len(containers))
        ]

    def _with_volumes_from(
        self,
        index: int,
        containers: Sequence[Mapping[str, Any]],
        own: Sequence[list[dict[str, Any]]],
        visiting: frozenset[int],
    ) -> list[dict[str, Any]]:
        mounts = [dict(mount) for mount in own[index]]
        seen = {mount["mountPath"] for mount in mounts}
        ecs_names = [c.get("name") for c in containers]
        for vf_index, volumes_from in enumerate(containers[index].get("volumesFrom") or []):
            vf_path = f"containerDefinitions[{index}].volumesFrom[{vf_index}]"
            source = volumes_from.get("sourceContainer")
            if source not in ecs_names:
                raise TaskDefinitionError(f"{vf_path}.sourceContainer", f"no container named {source!r}")
            source_index = ecs_names.index(source)
            if source_index == index or source_index in visiting:
                raise TaskDefinitionError(f"{vf_path}.sourceContainer", "volumesFrom forms a cycle")
            for mount in self._with_volumes_from(source_index, containers, own, visiting | {index}):
                if mount["mountPath"] in seen:
                    continue
                seen.add(mount["mountPath"])
                mounts.append({**mount, "readOnly": True} if volumes_from.get("readOnly") else mount)
        return mounts

    def memory_mounts(self, container: Mapping[str, Any], k8s_name: str, path: str) -> list[dict[str, Any]]:
        """tmpfs mounts and a sized /dev/shm, each an emptyDir of medium Memory of its own."""
        linux = container.get("linuxParameters") or {}
        mounts = []
        for index, tmpfs in enumerate(linux.get("tmpfs") or []):
            tmpfs_path = f"{path}.linuxParameters.tmpfs[{index}]"
            if not is_set(tmpfs.get("containerPath")):
                raise TaskDefinitionError(
                    f"{tmpfs_path}.containerPath", "a tmpfs mount needs a containerPath"
                )
            name = self._memory_volume(f"{k8s_name}-tmpfs", tmpfs.get("size"), f"{tmpfs_path}.size")
            mounts.append({"name": name, "mountPath": tmpfs["containerPath"]})
            if is_set(tmpfs.get("mountOptions")):
                self._unsupported.append(
                    UnsupportedField(f"{tmpfs_path}.mountOptions", "emptyDir volumes take no mount options")
                )
        if is_set(linux.get("sharedMemorySize")):
            name = self._memory_volume(
                f"{k8s_name}-shm", linux["sharedMemorySize"], f"{path}.linuxParameters.sharedMemorySize"
            )
            mounts.append({"name": name, "mountPath": "/dev/shm"})
        return mounts
