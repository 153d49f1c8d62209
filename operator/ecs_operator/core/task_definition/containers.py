"""One ECS container definition as one Kubernetes container (the parts that live on the container).

Pod-wide effects of container fields are in their own modules: hostname, DNS and /etc/hosts in
`network_mode`, sysctls in `system_controls`, the stop timeout in `stop_timeout`, the init process in
`process_namespaces`; volumes in `volumes`; cpu/memory in `task_size`; start order in
`container_order`; probes in `health_check`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ecs_operator.core.k8s.identifiers import port_name, unique
from ecs_operator.core.task_definition import health_check
from ecs_operator.core.task_definition.container_order import Role
from ecs_operator.core.task_definition.secret_refs import secret_key_for
from ecs_operator.core.task_definition.unsupported import (
    TaskDefinitionError,
    UnsupportedField,
    is_set,
    join,
    unmapped_fields,
    whole_number,
)

# Container fields this module maps; pod_spec lists the modules that map the rest.
MAPPED_HERE = frozenset(
    {
        "name",
        "image",
        "entryPoint",
        "command",
        "workingDirectory",
        "environment",
        "secrets",
        "portMappings",
        "user",
        "privileged",
        "readonlyRootFilesystem",
        "linuxParameters",
        "interactive",
        "pseudoTerminal",
        "healthCheck",
        "resourceRequirements",
        "dockerSecurityOptions",
    }
)
_LINUX_PARAMETERS_MAPPED = frozenset({"capabilities", "tmpfs", "sharedMemorySize", "initProcessEnabled"})
_LINUX_PARAMETER_REASONS = {
    "devices": "host devices are exposed through device plugins in Kubernetes, not per pod",
    "maxSwap": "swap is a node setting in Kubernetes",
    "swappiness": "swap is a node setting in Kubernetes",
}
# Keys of the list items of a container definition that the builders read; others are not ECS fields.
_ITEM_KEYS = {
    "environment": ({"name", "value"}, "KeyValuePair"),
    "secrets": ({"name", "valueFrom"}, "Secret"),
    "extraHosts": ({"hostname", "ipAddress"}, "HostEntry"),
    "systemControls": ({"namespace", "value"}, "SystemControl"),
    "volumesFrom": ({"sourceContainer", "readOnly"}, "VolumeFrom"),
    "resourceRequirements": ({"type", "value", "sharingStrategy"}, "ResourceRequirement"),
}
_TMPFS_KEYS = frozenset({"containerPath", "size", "mountOptions"})
_NO_NEW_PRIVILEGES = re.compile(r"^no-new-privileges(:true)?$")
GPU_RESOURCE = "nvidia.com/gpu"
_USER = re.compile(r"^(?P<user>[^:]+)(?::(?P<group>.+))?$")


@dataclass
class PodWide:
    """State shared by the containers of one pod: port names must be unique across it."""

    network_mode: str
    windows: bool
    unsupported: list[UnsupportedField]
    port_names: set[str] = field(default_factory=set)
    ports_in_use: dict[tuple[int, str], str] = field(default_factory=dict)
    service_ports: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class ContainerPlan:
    """What the pod-level builder decided about one container definition."""

    index: int
    name: str  # Kubernetes name
    role: Role
    essential: bool
    needs_startup_probe: bool
    resources: dict[str, dict[str, str]]
    volume_mounts: list[dict[str, Any]]


def build_container(definition: Mapping[str, Any], plan: ContainerPlan, pod: PodWide) -> dict[str, Any]:
    path = f"containerDefinitions[{plan.index}]"
    if not is_set(definition.get("image")):  # ECS's model leaves it optional; no pod runs without one
        raise TaskDefinitionError(f"{path}.image", "a container needs an image")
    container: dict[str, Any] = {"name": plan.name, "image": str(definition["image"])}
    if is_set(definition.get("entryPoint")):
        container["command"] = [str(part) for part in definition["entryPoint"]]
    if is_set(definition.get("command")):
        container["args"] = [str(part) for part in definition["command"]]
    if is_set(definition.get("workingDirectory")):
        container["workingDir"] = definition["workingDirectory"]
    env = _environment(definition, path)
    if env:
        container["env"] = env
    ports = _ports(definition, path, plan.name, pod)
    if ports:
        container["ports"] = ports
    resources = _with_accelerators(plan.resources, definition, path, pod.unsupported)
    if resources:
        container["resources"] = resources
    if plan.volume_mounts:
        container["volumeMounts"] = plan.volume_mounts
    security = _security_context(definition, path, pod.unsupported)
    if security:
        container["securityContext"] = security
    if definition.get("interactive"):
        container["stdin"] = True
    if definition.get("pseudoTerminal"):
        container["tty"] = True
    container.update(_probes(definition, plan, path, pod))
    if plan.role is Role.SIDECAR:
        container["restartPolicy"] = "Always"
    pod.unsupported.extend(_unknown_item_keys(definition, path))
    return container


def _unknown_item_keys(definition: Mapping[str, Any], path: str) -> list[UnsupportedField]:
    found = []
    for field_name, (keys, kind) in _ITEM_KEYS.items():
        for index, item in enumerate(definition.get(field_name) or []):
            if isinstance(item, Mapping):
                found.extend(unmapped_fields(item, keys, {}, f"{path}.{field_name}[{index}]", kind))
    for index, tmpfs in enumerate((definition.get("linuxParameters") or {}).get("tmpfs") or []):
        found.extend(
            unmapped_fields(tmpfs, _TMPFS_KEYS, {}, f"{path}.linuxParameters.tmpfs[{index}]", "Tmpfs")
        )
    return found


def _environment(definition: Mapping[str, Any], path: str) -> list[dict[str, Any]]:
    env: list[dict[str, Any]] = []
    for index, variable in enumerate(definition.get("environment") or []):
        if not is_set(variable.get("name")):
            raise TaskDefinitionError(
                f"{path}.environment[{index}].name", "an environment variable needs a name"
            )
        value = variable.get("value")
        env.append({"name": variable["name"], "value": "" if value is None else str(value)})
    for index, secret in enumerate(definition.get("secrets") or []):
        secret_path = f"{path}.secrets[{index}]"
        if not is_set(secret.get("name")) or not is_set(secret.get("valueFrom")):
            raise TaskDefinitionError(secret_path, "a secret needs a name and a valueFrom")
        secret_name, key = secret_key_for(secret["valueFrom"], f"{secret_path}.valueFrom")
        env.append({"name": secret["name"], "valueFrom": {"secretKeyRef": {"name": secret_name, "key": key}}})
    return env


def _protocol(mapping: Mapping[str, Any], path: str, unsupported: list[UnsupportedField]) -> str:
    protocol = str(mapping.get("protocol") or "tcp").lower()
    if protocol not in ("tcp", "udp"):
        unsupported.append(
            UnsupportedField(
                f"{path}.protocol", f"{protocol!r} is not tcp or udp; treated as tcp, as ECS does"
            )
        )
        return "TCP"
    return protocol.upper()


def _ports(
    definition: Mapping[str, Any], path: str, container_name: str, pod: PodWide
) -> list[dict[str, Any]]:
    ports = []
    for index, mapping in enumerate(definition.get("portMappings") or []):
        mapping_path = f"{path}.portMappings[{index}]"
        if not is_set(mapping.get("containerPort")):
            if is_set(mapping.get("containerPortRange")):
                pod.unsupported.append(
                    UnsupportedField(
                        mapping_path, "port ranges are not mapped; Kubernetes declares ports one by one"
                    )
                )
                continue
            raise TaskDefinitionError(f"{mapping_path}.containerPort", "a port mapping needs a containerPort")
        number = whole_number(mapping["containerPort"], f"{mapping_path}.containerPort")
        if not 0 < number < 65536:
            raise TaskDefinitionError(f"{mapping_path}.containerPort", f"{number} is not a port number")
        protocol = _protocol(mapping, mapping_path, pod.unsupported)
        user = pod.ports_in_use.get((number, protocol))
        if user == container_name:
            pod.unsupported.append(
                UnsupportedField(
                    mapping_path, f"{number}/{protocol} is already mapped by this container; kept once"
                )
            )
            continue
        if user is not None:
            raise TaskDefinitionError(
                f"{mapping_path}.containerPort",
                f"{number}/{protocol} is already used by container {user!r}; "
                "the containers of a pod share one network namespace",
            )
        pod.ports_in_use[(number, protocol)] = container_name
        port: dict[str, Any] = {"containerPort": number, "protocol": protocol}
        if is_set(mapping.get("name")):
            port = {"name": unique(port_name(mapping["name"]), pod.port_names, 15), **port}
        _host_port(mapping, mapping_path, number, port, pod)
        if is_set(mapping.get("containerPortRange")):
            pod.unsupported.append(
                UnsupportedField(join(mapping_path, "containerPortRange"), "port ranges are not mapped")
            )
        pod.unsupported.extend(
            unmapped_fields(
                mapping,
                {"containerPort", "hostPort", "protocol", "name", "appProtocol", "containerPortRange"},
                {},
                mapping_path,
                "PortMapping",
            )
        )
        ports.append(port)
        pod.service_ports.append(_service_port(port, mapping.get("appProtocol"), pod))
    return ports


def _host_port(
    mapping: Mapping[str, Any], path: str, number: int, port: dict[str, Any], pod: PodWide
) -> None:
    host_port = mapping.get("hostPort")
    if pod.network_mode == "host":
        port["hostPort"] = number  # host networking: ECS requires hostPort == containerPort
    elif (
        is_set(host_port)
        and whole_number(host_port, f"{path}.hostPort") != 0
        and not (pod.network_mode == "awsvpc" and host_port == number)
    ):
        pod.unsupported.append(
            UnsupportedField(
                f"{path}.hostPort",
                "host port bindings are not mapped; the task is reached through its Service",
            )
        )


_APP_PROTOCOLS = {"http": "http", "http2": "kubernetes.io/h2c", "grpc": "grpc"}


def _service_port(port: Mapping[str, Any], app_protocol: Any, pod: PodWide) -> dict[str, Any]:
    name = port.get("name") or f"{port['protocol'].lower()}-{port['containerPort']}"
    service_port: dict[str, Any] = {
        "name": name,
        "port": port["containerPort"],
        "targetPort": port.get("name") or port["containerPort"],
        "protocol": port["protocol"],
    }
    if is_set(app_protocol) and app_protocol in _APP_PROTOCOLS:
        service_port["appProtocol"] = _APP_PROTOCOLS[app_protocol]
    return service_port


def _with_accelerators(
    resources: Mapping[str, dict[str, str]],
    definition: Mapping[str, Any],
    path: str,
    unsupported: list[UnsupportedField],
) -> dict[str, dict[str, str]]:
    result = {kind: dict(values) for kind, values in resources.items()}
    for index, requirement in enumerate(definition.get("resourceRequirements") or []):
        requirement_path = f"{path}.resourceRequirements[{index}]"
        if requirement.get("type") == "GPU":
            result.setdefault("limits", {})[GPU_RESOURCE] = str(
                whole_number(requirement.get("value") or 1, f"{requirement_path}.value")
            )
            if is_set(requirement.get("sharingStrategy")):
                unsupported.append(
                    UnsupportedField(
                        f"{requirement_path}.sharingStrategy",
                        "GPU sharing is configured in the device plugin",
                    )
                )
        else:
            unsupported.append(
                UnsupportedField(
                    requirement_path, f"{requirement.get('type')} has no standard Kubernetes resource name"
                )
            )
    return result


def _user(user: str, path: str, unsupported: list[UnsupportedField]) -> dict[str, int]:
    match = _USER.match(user)
    ids: dict[str, int] = {}
    if match is None:
        return ids
    for part, key in (("user", "runAsUser"), ("group", "runAsGroup")):
        value = match.group(part)
        if value is None:
            continue
        if value.isdigit():
            ids[key] = int(value)
        elif value == "root":
            ids[key] = 0
        else:
            unsupported.append(
                UnsupportedField(
                    path, f"{part} {value!r} is a name; Kubernetes needs numeric ids (runAsUser/runAsGroup)"
                )
            )
    return ids


def _security_context(
    definition: Mapping[str, Any], path: str, unsupported: list[UnsupportedField]
) -> dict[str, Any]:
    context: dict[str, Any] = {}
    if definition.get("privileged"):
        context["privileged"] = True
    if definition.get("readonlyRootFilesystem"):
        context["readOnlyRootFilesystem"] = True
    if is_set(definition.get("user")):
        context.update(_user(str(definition["user"]), f"{path}.user", unsupported))
    for index, option in enumerate(definition.get("dockerSecurityOptions") or []):
        if _NO_NEW_PRIVILEGES.match(str(option)):
            context["allowPrivilegeEscalation"] = False
        else:
            unsupported.append(
                UnsupportedField(
                    f"{path}.dockerSecurityOptions[{index}]",
                    "Docker security options other than no-new-privileges have no Kubernetes equivalent",
                )
            )
    linux = definition.get("linuxParameters") or {}
    linux_path = f"{path}.linuxParameters"
    capabilities = linux.get("capabilities") or {}
    for ecs_key in ("add", "drop"):
        if is_set(capabilities.get(ecs_key)):
            names = [str(name).upper().removeprefix("CAP_") for name in capabilities[ecs_key]]
            context.setdefault("capabilities", {})[ecs_key] = names
    unsupported.extend(
        unmapped_fields(capabilities, {"add", "drop"}, {}, f"{linux_path}.capabilities", "KernelCapabilities")
    )
    unsupported.extend(
        unmapped_fields(
            linux, _LINUX_PARAMETERS_MAPPED, _LINUX_PARAMETER_REASONS, linux_path, "LinuxParameters"
        )
    )
    return context


def _probes(definition: Mapping[str, Any], plan: ContainerPlan, path: str, pod: PodWide) -> dict[str, Any]:
    check = definition.get("healthCheck")
    if not is_set(check):
        return {}
    check_path = f"{path}.healthCheck"
    pod.unsupported.extend(
        unmapped_fields(
            check, {"command", "interval", "timeout", "retries", "startPeriod"}, {}, check_path, "HealthCheck"
        )
    )
    if plan.role is Role.INIT:
        pod.unsupported.append(
            UnsupportedField(
                check_path,
                "this container runs to completion as an init container; Kubernetes does not probe those",
            )
        )
        return {}
    probes: dict[str, Any] = {}
    if plan.essential:
        probe = health_check.probe(check, check_path, pod.windows)
        probes = {"readinessProbe": probe, "livenessProbe": dict(probe)}
    if plan.needs_startup_probe or (plan.essential and health_check.has_start_period(check, check_path)):
        probes["startupProbe"] = health_check.startup_probe(check, check_path, pod.windows)
    if not probes:
        pod.unsupported.append(
            UnsupportedField(check_path, "the health of a non-essential container does not affect the task")
        )
    return probes


def service_ports(pod: PodWide) -> list[dict[str, Any]]:
    """Ports of a core Service over the task: one per mapped container port, names unique."""
    taken: set[str] = set()
    result = []
    for port in pod.service_ports:
        result.append({**port, "name": unique(port["name"], taken)})
    return result
