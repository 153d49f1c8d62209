"""Every valid real-world task definition in the sample corpus becomes a valid pod spec, and every field
it holds is either mapped or listed as unsupported (nothing silently dropped)."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from kubernetes.client import ApiClient

from ecs_operator.core.task_definition.pod_spec import TaskDefinitionError, build_pod_spec

SAMPLES = Path(__file__).parents[3] / "fixtures" / "ecs-samples"
# Keys only DescribeTaskDefinition returns
# (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTaskDefinition.html
# ); a user pasting an export drops them.
RESPONSE_ONLY = {
    "taskDefinitionArn",
    "revision",
    "status",
    "requiresAttributes",
    "compatibilities",
    "registeredAt",
    "deregisteredAt",
    "deleteRequestedAt",
    "registeredBy",
}

# The fields the pod template maps (docs/design.md#the-mapping), as paths with list indexes written
# `[]`. Written here
# independently of the builder: a field in a sample that is neither in this set nor listed as unsupported
# by the builder was dropped silently.
MAPPED = {
    "family",
    "taskRoleArn",
    "networkMode",
    "cpu",
    "memory",
    "pidMode",
    "ipcMode",
    "runtimePlatform.cpuArchitecture",
    "runtimePlatform.operatingSystemFamily",
    # task-level memberOf constraints become node affinity where the Service's children are built
    "placementConstraints[].type",
    "placementConstraints[].expression",
    "volumes[].name",
    "volumes[].host",
    "volumes[].host.sourcePath",
    "volumes[].configuredAtLaunch",
    "volumes[].efsVolumeConfiguration.fileSystemId",
    "volumes[].efsVolumeConfiguration.rootDirectory",
    "volumes[].efsVolumeConfiguration.authorizationConfig.accessPointId",
    "volumes[].dockerVolumeConfiguration.scope",
} | {
    f"containerDefinitions[].{field}"
    for field in (
        "name",
        "image",
        "cpu",
        "memory",
        "memoryReservation",
        "essential",
        "entryPoint[]",
        "command[]",
        "workingDirectory",
        "environment[].name",
        "environment[].value",
        "secrets[].name",
        "secrets[].valueFrom",
        "portMappings[].containerPort",
        "portMappings[].hostPort",
        "portMappings[].protocol",
        "portMappings[].name",
        "portMappings[].appProtocol",
        "mountPoints[].sourceVolume",
        "mountPoints[].containerPath",
        "mountPoints[].readOnly",
        "volumesFrom[].sourceContainer",
        "volumesFrom[].readOnly",
        "dependsOn[].containerName",
        "dependsOn[].condition",
        "healthCheck.command[]",
        "healthCheck.interval",
        "healthCheck.timeout",
        "healthCheck.retries",
        "healthCheck.startPeriod",
        "user",
        "privileged",
        "readonlyRootFilesystem",
        "interactive",
        "pseudoTerminal",
        "hostname",
        "dnsServers[]",
        "dnsSearchDomains[]",
        "extraHosts[].hostname",
        "extraHosts[].ipAddress",
        "links[]",
        "systemControls[].namespace",
        "systemControls[].value",
        "stopTimeout",
        "linuxParameters.capabilities.add[]",
        "linuxParameters.capabilities.drop[]",
        "linuxParameters.initProcessEnabled",
        "linuxParameters.sharedMemorySize",
        "linuxParameters.tmpfs[].containerPath",
        "linuxParameters.tmpfs[].size",
        "resourceRequirements[].type",
        "resourceRequirements[].value",
        "dockerSecurityOptions[]",
    )
}


def valid_sample_files() -> list[Path]:
    """The task definition files SOURCES.md marks as valid JSON."""
    rows = re.findall(
        r"^\| `(taskdefs/[^`]+)` \|.*\| (valid JSON|NOT valid JSON);",
        (SAMPLES / "SOURCES.md").read_text(),
        re.MULTILINE,
    )
    assert len(rows) == len(list((SAMPLES / "taskdefs").glob("*.json"))), (
        "SOURCES.md must describe every sample"
    )
    return [SAMPLES / path for path, validity in rows if validity == "valid JSON"]


def as_register_input(path: Path, *, fill_empty_images: bool = True) -> dict[str, Any]:
    data = json.loads(path.read_text())
    if isinstance(data, list):  # a Terraform container_definitions array
        data = {"family": path.stem.split("--")[0], "containerDefinitions": data}
    data = data.get("taskDefinition", data)
    data = {key: value for key, value in data.items() if key not in RESPONSE_ONLY}
    if fill_empty_images:  # as the CI pipelines these exports come from do before registering
        for container in data["containerDefinitions"]:
            container["image"] = container.get("image") or "registry.example/filled-by-ci:1"
    return data


SAMPLE_FILES = valid_sample_files()


def walk(value: Any, path: str = ""):
    """(path, value) for every node; paths like containerDefinitions[0].portMappings[1].name."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, f"{path}[{index}]")


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def covered_by(path: str, listed: set[str]) -> bool:
    return any(path == u or path.startswith((u + ".", u + "[")) for u in listed)


@pytest.fixture(scope="module")
def api() -> ApiClient:
    return ApiClient()


def test_the_corpus_has_valid_samples_to_check():
    assert len(SAMPLE_FILES) >= 25


def test_a_sample_exported_without_image_is_an_error_naming_the_container():
    sample = SAMPLES / "taskdefs" / "sbcntr-backend--aws-task-definition.json"
    with pytest.raises(TaskDefinitionError, match=r"^containerDefinitions\[0\]\.image:"):
        build_pod_spec(as_register_input(sample, fill_empty_images=False))


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.stem)
def test_every_field_of_a_sample_is_mapped_or_listed_as_unsupported(path):
    task_definition = as_register_input(path)
    result = build_pod_spec(task_definition)
    listed = {field.path for field in result.unsupported}
    dropped = []
    for field_path, value in walk(task_definition):
        if is_empty(value) or isinstance(value, dict | list):
            continue
        if covered_by(field_path, listed):
            continue
        if re.sub(r"\[\d+\]", "[]", field_path) not in MAPPED:
            dropped.append(field_path)
    assert dropped == []


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.stem)
def test_listed_paths_exist_in_the_sample_and_have_reasons(path):
    task_definition = as_register_input(path)
    present = {field_path for field_path, _ in walk(task_definition)}
    for field in build_pod_spec(task_definition).unsupported:
        assert field.path in present
        assert field.reason


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.stem)
def test_sample_becomes_a_structurally_valid_pod_spec(path, api):
    result = build_pod_spec(as_register_input(path))
    check_pod_spec(result.pod_spec)
    model = api._ApiClient__deserialize(result.pod_spec, "V1PodSpec")
    assert len(model.containers) == len(result.pod_spec["containers"])
    assert api.sanitize_for_serialization(model) == result.pod_spec  # no key the client does not know
    for port in result.ports:
        assert api.sanitize_for_serialization(api._ApiClient__deserialize(port, "V1ServicePort")) == port
    check_service_ports(result.ports)
    if result.service_account is not None:
        account = api._ApiClient__deserialize(result.service_account, "V1ServiceAccount")
        assert DNS_LABEL.match(account.metadata.name)


# --- a small structural validator: the rules the API server would enforce on these fields ----------

DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
PORT_NAME = re.compile(r"^(?=.*[a-z])[a-z0-9]([a-z0-9]|-(?!-)){0,13}[a-z0-9]?$")
QUANTITY = re.compile(r"^\d+(m|Mi)?$")
PROBES = ("readinessProbe", "livenessProbe", "startupProbe")


def check_pod_spec(spec: dict[str, Any]) -> None:
    assert spec["containers"], "a pod needs a container"
    every = spec.get("initContainers", []) + spec["containers"]
    names = [c["name"] for c in every]
    assert len(set(names)) == len(names)
    volumes = {v["name"] for v in spec.get("volumes", [])}
    assert len(volumes) == len(spec.get("volumes", []))
    port_names = []
    for container in every:
        assert DNS_LABEL.match(container["name"]), container["name"]
        mount_paths = [m["mountPath"] for m in container.get("volumeMounts", [])]
        assert len(set(mount_paths)) == len(mount_paths)
        assert {m["name"] for m in container.get("volumeMounts", [])} <= volumes
        for port in container.get("ports", []):
            assert 0 < port["containerPort"] < 65536 and port["protocol"] in ("TCP", "UDP")
            if "name" in port:
                assert PORT_NAME.match(port["name"]), port["name"]
                port_names.append(port["name"])
        for variable in container.get("env", []):
            assert variable["name"] and (("value" in variable) != ("valueFrom" in variable))
        for kind in container.get("resources", {}).values():
            assert all(QUANTITY.match(quantity) for quantity in kind.values())
    assert len(set(port_names)) == len(port_names)
    for volume in spec.get("volumes", []):
        assert DNS_LABEL.match(volume["name"])
        assert len(set(volume) - {"name"}) == 1, "exactly one volume source"
    for init in spec.get("initContainers", []):
        if init.get("restartPolicy") != "Always":
            assert not set(PROBES) & init.keys(), "init containers that run to completion take no probes"
    assert spec["terminationGracePeriodSeconds"] >= 0


def check_service_ports(ports: list[dict[str, Any]]) -> None:
    assert len({p["name"] for p in ports}) == len(ports)
    assert len({(p["port"], p["protocol"]) for p in ports}) == len(ports)
    assert all(DNS_LABEL.match(p["name"]) for p in ports)
