"""ECS task definition volumes, field for field (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Volume.html).

Part of the TaskDefinition model (`api.taskdefinition`); each field's docstring says what it becomes
on Kubernetes (docs/design.md#the-mapping).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ecs_operator.api.common import EcsModel, LongString, ShortString
from ecs_operator.api.container_definition import StringMap


class HostVolumeProperties(EcsModel):
    sourcePath: LongString | None = None
    """Host path to mount, as a hostPath volume; unset means a scratch directory (emptyDir)."""


class DockerVolumeConfiguration(EcsModel):
    scope: Literal["task", "shared"] | None = None
    """task (default; lives with the task, becomes an emptyDir) or shared (outlives it, becomes a
    PersistentVolumeClaim named after the volume)."""
    autoprovision: bool | None = None
    """Create a shared volume when missing (default false); not mapped (listed in status.unsupportedFields).
    """
    driver: ShortString | None = None
    """Docker volume driver; not mapped, the claim's StorageClass decides (listed in
    status.unsupportedFields)."""
    driverOpts: StringMap | None = None
    """Volume driver options; not mapped (listed in status.unsupportedFields)."""
    labels: StringMap | None = None
    """Docker volume labels; not mapped (listed in status.unsupportedFields)."""


class EFSAuthorizationConfig(EcsModel):
    accessPointId: ShortString | None = None
    """EFS access point; part of the PersistentVolumeClaim name."""
    iam: Literal["ENABLED", "DISABLED"] | None = None
    """Mount with the task's IAM role (default DISABLED); set on the EFS CSI PersistentVolume (listed in
    status.unsupportedFields)."""


class EFSVolumeConfiguration(EcsModel):
    fileSystemId: ShortString
    """EFS file system ID, e.g. fs-1234; names the PersistentVolumeClaim efs-<fileSystemId>."""
    rootDirectory: LongString | None = None
    """Directory of the file system to mount (default /); becomes the mounts' subPath."""
    transitEncryption: Literal["ENABLED", "DISABLED"] | None = None
    """Encrypt traffic to EFS (default DISABLED); set on the EFS CSI PersistentVolume (listed in
    status.unsupportedFields)."""
    transitEncryptionPort: Annotated[int, Field(ge=0, le=65535)] | None = None
    """Port for encrypted EFS traffic, 0-65535; not mapped (listed in status.unsupportedFields)."""
    authorizationConfig: EFSAuthorizationConfig | None = None
    """Access point and IAM authorization."""


class FSxWindowsFileServerAuthorizationConfig(EcsModel):
    credentialsParameter: LongString
    """Secrets Manager secret or SSM parameter with the domain credentials."""
    domain: ShortString
    """Fully qualified Active Directory domain."""


class FSxWindowsFileServerVolumeConfiguration(EcsModel):
    fileSystemId: ShortString
    """FSx for Windows File Server file system ID."""
    rootDirectory: LongString
    """Directory of the file system to mount."""
    authorizationConfig: FSxWindowsFileServerAuthorizationConfig
    """Domain and credentials to mount with."""


class S3FilesVolumeConfiguration(EcsModel):
    bucketArn: LongString | None = None
    """ARN of the S3 bucket."""
    prefix: LongString | None = None
    """Key prefix to mount."""
    readOnly: bool | None = None
    """Mount read-only."""


class Volume(EcsModel):
    name: ShortString
    """Volume name, unique in the task definition, referenced by mountPoints[].sourceVolume."""
    host: HostVolumeProperties | None = None
    """Bind mount from the host; becomes a hostPath volume (an emptyDir without sourcePath)."""
    dockerVolumeConfiguration: DockerVolumeConfiguration | None = None
    """Docker volume (not on Fargate); scope task becomes an emptyDir, scope shared a PersistentVolumeClaim
    named after the volume."""
    efsVolumeConfiguration: EFSVolumeConfiguration | None = None
    """Amazon EFS file system; becomes the PersistentVolumeClaim efs-<fileSystemId>[-<accessPointId>], which
    the cluster's EFS CSI setup provides."""
    fsxWindowsFileServerVolumeConfiguration: FSxWindowsFileServerVolumeConfiguration | None = None
    """FSx for Windows File Server volume; mounted as an emptyDir (listed in status.unsupportedFields)."""
    s3filesVolumeConfiguration: S3FilesVolumeConfiguration | None = None
    """S3 Files volume; mounted as an emptyDir (listed in status.unsupportedFields)."""
    configuredAtLaunch: bool | None = None
    """EBS volume the Service supplies at launch (at most one per task definition); mounted as an emptyDir
    (listed in status.unsupportedFields)."""
