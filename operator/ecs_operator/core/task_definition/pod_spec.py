"""The Kubernetes pod template of an ECS task definition revision (docs/design.md#the-mapping).

Input: the revision as a plain dict in RegisterTaskDefinition shape (ECS defaults not filled in).
Output: plain dicts in Kubernetes API shape. Pure: no I/O, no Kubernetes client.

The assembly: each rule is in the module named after it (network_mode, process_namespaces,
system_controls, runtime_platform, stop_timeout, task_role, task_size, volumes, container_order,
containers, health_check). Decided here:
- Container names become DNS labels (name rule, then invalid characters -> `-`, kept unique);
  `dependsOn`, `volumesFrom` and `links` follow the renaming; `container_names` in the result maps them.
- `essential`: Kubernetes restarts an exited container in place, so essential-ness is recorded in the
  pod annotation `ecs-operator.dev/essential-containers` ("a,b") for the circuit breaker.
- `placementConstraints` (memberOf) become node affinity where the Service's children are built;
  this module leaves them alone and does not list them.
- Fields present that no module maps are listed with a reason (`unsupported`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ecs_operator.api import labels
from ecs_operator.core.k8s.identifiers import unique_labels
from ecs_operator.core.task_definition import (
    network_mode,
    process_namespaces,
    runtime_platform,
    stop_timeout,
    system_controls,
    task_role,
    task_size,
)
from ecs_operator.core.task_definition.container_order import Role, is_essential, start_order
from ecs_operator.core.task_definition.containers import (
    MAPPED_HERE,
    ContainerPlan,
    PodWide,
    build_container,
    service_ports,
)
from ecs_operator.core.task_definition.unsupported import (
    CONTAINER_FIELD_REASONS,
    TASK_FIELD_REASONS,
    TaskDefinitionError,
    UnsupportedField,
    unmapped_fields,
)
from ecs_operator.core.task_definition.volumes import VolumePlanner

__all__ = ["PodSpecResult", "TaskDefinitionError", "UnsupportedField", "build_pod_spec"]

TASK_FIELDS_MAPPED = frozenset(
    {
        "family",
        "taskRoleArn",
        "networkMode",
        "containerDefinitions",
        "volumes",
        "cpu",
        "memory",
        "pidMode",
        "ipcMode",
        "runtimePlatform",
        "placementConstraints",
    }
)
# Container fields mapped on the container (containers.MAPPED_HERE) or pod-wide by task_size,
# container_order, volumes, network_mode, system_controls and stop_timeout.
CONTAINER_FIELDS_MAPPED = MAPPED_HERE | {
    "cpu",
    "memory",
    "memoryReservation",
    "essential",
    "dependsOn",
    "mountPoints",
    "volumesFrom",
    "hostname",
    "dnsServers",
    "dnsSearchDomains",
    "extraHosts",
    "links",
    "systemControls",
    "stopTimeout",
}


@dataclass(frozen=True)
class PodSpecResult:
    pod_spec: dict[str, Any]  # a Deployment's spec.template.spec
    ports: list[dict[str, Any]]  # ServicePorts of a core Service over the task; [] when nothing is mapped
    service_account: dict[str, Any] | None  # ServiceAccount body (no namespace/owner) when taskRoleArn is set
    unsupported: list[UnsupportedField]  # fields present that have no (or partial) Kubernetes effect
    annotations: dict[str, str]  # pod template annotations
    container_names: dict[str, str]  # ECS container name -> Kubernetes container name


def build_pod_spec(task_definition: Mapping[str, Any]) -> PodSpecResult:
    definitions = _container_definitions(task_definition)
    unsupported = unmapped_fields(
        task_definition, TASK_FIELDS_MAPPED, TASK_FIELD_REASONS, "", "task definition"
    )
    for index, definition in enumerate(definitions):
        path = f"containerDefinitions[{index}]"
        unmapped = unmapped_fields(
            definition, CONTAINER_FIELDS_MAPPED, CONTAINER_FIELD_REASONS, path, "ContainerDefinition"
        )
        # "disabled" is what Kubernetes does anyway: nothing is lost.
        unsupported.extend(
            f
            for f in unmapped
            if f.path != f"{path}.versionConsistency" or definition["versionConsistency"] != "disabled"
        )

    ecs_names = [str(d.get("name") or "") for d in definitions]
    _check_names(ecs_names)
    names = unique_labels(ecs_names, "container")
    pod_spec: dict[str, Any] = {}
    network = network_mode.pod_network(task_definition, pod_spec, unsupported)
    windows = runtime_platform.node_selector(task_definition, pod_spec, unsupported)

    order = start_order(definitions)
    unsupported.extend(order.unsupported)
    planner = VolumePlanner(task_definition.get("volumes") or [], unsupported)
    named_mounts = planner.container_mounts(definitions)
    resources = task_size.container_resources(
        task_definition, definitions, windows=windows, roles=order.roles
    )
    pod = PodWide(network, windows, unsupported)
    built = []
    for index, definition in enumerate(definitions):
        path = f"containerDefinitions[{index}]"
        mounts = named_mounts[index] + planner.memory_mounts(definition, names[index], path)
        if len({m["mountPath"] for m in mounts}) < len(mounts):
            raise TaskDefinitionError(
                f"{path}.linuxParameters", "a tmpfs or /dev/shm path is already mounted"
            )
        plan = ContainerPlan(
            index=index,
            name=names[index],
            role=order.roles[index],
            essential=is_essential(definition),
            needs_startup_probe=index in order.needs_startup_probe,
            resources=resources[index],
            volume_mounts=mounts,
        )
        built.append(build_container(definition, plan, pod))

    # dependsOn is acyclic, so some container is waited on by none: there is always a regular one.
    pod_spec["containers"] = [c for c, role in zip(built, order.roles, strict=True) if role is Role.MAIN]
    if order.init_order:
        pod_spec["initContainers"] = [built[i] for i in order.init_order]
    if planner.volumes:
        pod_spec["volumes"] = planner.volumes
    process_namespaces.process_namespaces(task_definition, definitions, pod_spec, unsupported)
    network_mode.hosts_and_dns(definitions, names, pod_spec, network, unsupported)
    system_controls.sysctls(definitions, pod_spec, network, unsupported)
    pod_spec["terminationGracePeriodSeconds"] = stop_timeout.grace_seconds(definitions)

    service_account = task_role.service_account(task_definition, unsupported)
    if service_account is not None:
        pod_spec["serviceAccountName"] = service_account["metadata"]["name"]

    essential = [names[i] for i, d in enumerate(definitions) if is_essential(d)]
    return PodSpecResult(
        pod_spec=pod_spec,
        ports=service_ports(pod),
        service_account=service_account,
        unsupported=unsupported,
        annotations={labels.ESSENTIAL_CONTAINERS_ANNOTATION: ",".join(essential)},
        container_names=dict(zip(ecs_names, names, strict=True)),
    )


def _container_definitions(task_definition: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    definitions = task_definition.get("containerDefinitions") or []
    if not isinstance(definitions, list) or not definitions:
        raise TaskDefinitionError("containerDefinitions", "a task definition needs a list of containers")
    for index, definition in enumerate(definitions):
        if not isinstance(definition, Mapping):
            raise TaskDefinitionError(f"containerDefinitions[{index}]", "a container definition is an object")
    return definitions


def _check_names(ecs_names: Sequence[str]) -> None:
    seen: set[str] = set()
    for index, name in enumerate(ecs_names):
        if not name:
            raise TaskDefinitionError(f"containerDefinitions[{index}].name", "a container needs a name")
        if name in seen:
            raise TaskDefinitionError(
                f"containerDefinitions[{index}].name", f"container {name!r} is defined twice"
            )
        seen.add(name)
