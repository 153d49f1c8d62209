"""The Kubernetes pod template of an ECS task definition revision (docs/design.md#the-mapping).

Input: the revision as a plain dict in RegisterTaskDefinition shape (ECS defaults not filled in).
Output: plain dicts in Kubernetes API shape. Pure: no I/O, no Kubernetes client.

Decisions beyond the field-by-field mapping (the container-level ones are in the modules named below):
- Container names become DNS labels (name rule, then invalid characters -> `-`, kept unique);
  `dependsOn`, `volumesFrom` and `links` follow the renaming; `container_names` in the result maps them.
- `essential`: Kubernetes restarts an exited container in place, so essential-ness is recorded in the
  pod annotation `ecs-operator.dev/essential-containers` ("a,b") for the circuit breaker.
- `networkMode` awsvpc/bridge/default -> pod networking; host -> hostNetwork; none -> listed.
  `pidMode` host -> hostPID, task -> shareProcessNamespace; `ipcMode` host -> hostIPC, task -> nothing
  to do (a pod's containers share IPC), none -> listed.
- `linuxParameters.initProcessEnabled` -> shareProcessNamespace: the pod's pause process becomes PID 1
  and reaps zombies, as ECS's init does; containers then also see each other's processes.
- `hostname` -> pod hostname (the first one; others listed); `extraHosts` -> hostAliases; `links`
  (`name:alias`) -> hostAliases on 127.0.0.1, since a pod's containers share localhost.
- `dnsServers` replace the resolvers as on ECS (dnsPolicy None); `dnsSearchDomains` alone are added to
  the cluster's search list.
- `systemControls` -> pod sysctls, only the ones Kubernetes treats as safe (others need kubelet flags
  and would keep the pod from starting): listed.
- `stopTimeout` -> terminationGracePeriodSeconds = the largest container stop timeout (30 each when
  unset), capped at `max_grace_seconds` when given (spot providers pass 120).
- `runtimePlatform` -> nodeSelector kubernetes.io/arch and kubernetes.io/os.
- `taskRoleArn` -> a ServiceAccount annotated `eks.amazonaws.com/role-arn` (IRSA), named after the
  family by the name rule unless `service_account_name` is given; `core.children` renames it after
  the Service that runs the task, so two Services never own one account.
- `placementConstraints` (memberOf) become node affinity where the Service's children are built;
  this module leaves them alone and does not list them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ecs_operator.api import labels
from ecs_operator.api.names import is_dns_label, is_dns_subdomain
from ecs_operator.core.k8s.identifiers import dns_label, unique_labels
from ecs_operator.core.task_definition import task_size
from ecs_operator.core.task_definition.container_order import Role, is_essential, start_order
from ecs_operator.core.task_definition.containers import (
    MAPPED_HERE,
    ContainerPlan,
    PodWide,
    SecretNameFor,
    build_container,
    service_ports,
)
from ecs_operator.core.task_definition.unsupported import (
    CONTAINER_FIELD_REASONS,
    TASK_FIELD_REASONS,
    TaskDefinitionError,
    UnsupportedField,
    is_set,
    unmapped_fields,
    whole_number,
)
from ecs_operator.core.task_definition.volumes import VolumePlanner

__all__ = ["PodSpecResult", "TaskDefinitionError", "UnsupportedField", "build_pod_spec"]

IRSA_ROLE_ANNOTATION = "eks.amazonaws.com/role-arn"
DEFAULT_STOP_TIMEOUT = 30
MAX_NAMESERVERS = 3  # Kubernetes' limit for dnsConfig.nameservers

# Sysctls Kubernetes allows without kubelet flags (the "safe" set, Kubernetes 1.32).
SAFE_SYSCTLS = frozenset(
    {
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
        "net.ipv4.tcp_rmem",
        "net.ipv4.tcp_wmem",
    }
)
ARCHITECTURES = {"X86_64": "amd64", "ARM64": "arm64"}

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
# Container fields mapped here (pod-wide) or by task_size, volumes and container_order.
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


def build_pod_spec(
    task_definition: Mapping[str, Any],
    *,
    service_account_name: str | None = None,
    secret_name_for: SecretNameFor | None = None,
    max_grace_seconds: int | None = None,
) -> PodSpecResult:
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
    network_mode = _network(task_definition, pod_spec, unsupported)
    windows = _runtime_platform(task_definition, pod_spec, unsupported)

    order = start_order(definitions)
    unsupported.extend(order.unsupported)
    planner = VolumePlanner(task_definition.get("volumes") or [], unsupported)
    named_mounts = planner.container_mounts(definitions)
    resources = task_size.container_resources(
        task_definition, definitions, windows=windows, roles=order.roles
    )
    pod = PodWide(network_mode, windows, secret_name_for, unsupported)
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
    _process_namespaces(task_definition, definitions, pod_spec, unsupported)
    _hosts_and_dns(definitions, names, pod_spec, network_mode, unsupported)
    _sysctls(definitions, pod_spec, network_mode, unsupported)
    pod_spec["terminationGracePeriodSeconds"] = _grace_seconds(definitions, max_grace_seconds, unsupported)

    service_account = _service_account(task_definition, service_account_name, unsupported)
    if service_account is not None:
        pod_spec["serviceAccountName"] = service_account["metadata"]["name"]
    elif service_account_name:
        pod_spec["serviceAccountName"] = service_account_name

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


def _network(
    task_definition: Mapping[str, Any], pod_spec: dict[str, Any], unsupported: list[UnsupportedField]
) -> str:
    mode = task_definition.get("networkMode") or "bridge"
    if mode == "host":
        pod_spec["hostNetwork"] = True
    elif mode == "none":
        unsupported.append(
            UnsupportedField("networkMode", "a pod always has a network; `none` is not mapped")
        )
    elif mode not in ("awsvpc", "bridge", "default"):
        unsupported.append(
            UnsupportedField("networkMode", f"unknown network mode {mode!r}; pod networking used")
        )
    return str(mode)


def _runtime_platform(
    task_definition: Mapping[str, Any], pod_spec: dict[str, Any], unsupported: list[UnsupportedField]
) -> bool:
    """nodeSelector from runtimePlatform; True when the task runs Windows containers."""
    platform = task_definition.get("runtimePlatform") or {}
    selector = {}
    architecture = platform.get("cpuArchitecture")
    if is_set(architecture):
        if architecture in ARCHITECTURES:
            selector["kubernetes.io/arch"] = ARCHITECTURES[architecture]
        else:
            unsupported.append(
                UnsupportedField("runtimePlatform.cpuArchitecture", f"unknown architecture {architecture!r}")
            )
    family = str(platform.get("operatingSystemFamily") or "")
    if family == "LINUX":
        selector["kubernetes.io/os"] = "linux"
    elif family.startswith("WINDOWS"):
        selector["kubernetes.io/os"] = "windows"
    elif family:
        unsupported.append(
            UnsupportedField("runtimePlatform.operatingSystemFamily", f"unknown family {family!r}")
        )
    unsupported.extend(
        unmapped_fields(
            platform, {"cpuArchitecture", "operatingSystemFamily"}, {}, "runtimePlatform", "RuntimePlatform"
        )
    )
    if selector:
        pod_spec["nodeSelector"] = selector
    return selector.get("kubernetes.io/os") == "windows"


def _process_namespaces(
    task_definition: Mapping[str, Any],
    definitions: Sequence[Mapping[str, Any]],
    pod_spec: dict[str, Any],
    unsupported: list[UnsupportedField],
) -> None:
    pid_mode, ipc_mode = task_definition.get("pidMode"), task_definition.get("ipcMode")
    with_init = [
        i for i, d in enumerate(definitions) if (d.get("linuxParameters") or {}).get("initProcessEnabled")
    ]
    if pid_mode == "host":
        pod_spec["hostPID"] = True
        for index in with_init:
            unsupported.append(
                UnsupportedField(
                    f"containerDefinitions[{index}].linuxParameters.initProcessEnabled",
                    "with the host's process namespace no pod init process is possible",
                )
            )
    elif pid_mode == "task" or with_init:
        pod_spec["shareProcessNamespace"] = True
    elif is_set(pid_mode):
        unsupported.append(UnsupportedField("pidMode", f"unknown pid mode {pid_mode!r}"))
    if ipc_mode == "host":
        pod_spec["hostIPC"] = True
    elif ipc_mode == "none":
        unsupported.append(
            UnsupportedField("ipcMode", "the containers of a pod always share an IPC namespace")
        )
    elif is_set(ipc_mode) and ipc_mode != "task":
        unsupported.append(UnsupportedField("ipcMode", f"unknown ipc mode {ipc_mode!r}"))


def _hosts_and_dns(
    definitions: Sequence[Mapping[str, Any]],
    names: Sequence[str],
    pod_spec: dict[str, Any],
    network_mode: str,
    unsupported: list[UnsupportedField],
) -> None:
    aliases: dict[str, list[str]] = {}
    nameservers: list[str] = []
    searches: list[str] = []
    ecs_names = [d.get("name") for d in definitions]

    def alias(ip: str, hostname: str, path: str) -> None:
        if not is_dns_subdomain(hostname.lower()):
            unsupported.append(UnsupportedField(path, f"{hostname!r} is not a valid host name"))
        elif hostname.lower() not in aliases.setdefault(ip, []):
            aliases[ip].append(hostname.lower())

    for index, definition in enumerate(definitions):
        path = f"containerDefinitions[{index}]"
        hostname = definition.get("hostname")
        if is_set(hostname):
            if network_mode == "host":
                unsupported.append(
                    UnsupportedField(f"{path}.hostname", "with host networking the pod has the node's name")
                )
            elif "hostname" in pod_spec and pod_spec["hostname"] != hostname:
                unsupported.append(
                    UnsupportedField(f"{path}.hostname", "a pod has one hostname; the first one is used")
                )
            elif not is_dns_label(hostname):
                unsupported.append(UnsupportedField(f"{path}.hostname", f"{hostname!r} is not a DNS label"))
            else:
                pod_spec["hostname"] = hostname
        for host_index, entry in enumerate(definition.get("extraHosts") or []):
            alias(str(entry.get("ipAddress")), str(entry.get("hostname")), f"{path}.extraHosts[{host_index}]")
        for link_index, link in enumerate(definition.get("links") or []):
            linked, _, link_alias = str(link).partition(":")
            if linked not in ecs_names:
                raise TaskDefinitionError(f"{path}.links[{link_index}]", f"no container named {linked!r}")
            for hostname in dict.fromkeys([names[ecs_names.index(linked)], link_alias or linked]):
                alias("127.0.0.1", hostname, f"{path}.links[{link_index}]")
        nameservers.extend(s for s in definition.get("dnsServers") or [] if s not in nameservers)
        searches.extend(s for s in definition.get("dnsSearchDomains") or [] if s not in searches)
        if len(nameservers) > MAX_NAMESERVERS and is_set(definition.get("dnsServers")):
            unsupported.append(
                UnsupportedField(f"{path}.dnsServers", "Kubernetes takes at most 3 nameservers")
            )

    if aliases:
        pod_spec["hostAliases"] = [{"ip": ip, "hostnames": hostnames} for ip, hostnames in aliases.items()]
    dns_config: dict[str, Any] = {}
    if nameservers:
        pod_spec["dnsPolicy"] = "None"  # ECS dnsServers replace the resolvers
        dns_config["nameservers"] = nameservers[:MAX_NAMESERVERS]
    if searches:
        dns_config["searches"] = searches
    if dns_config:
        pod_spec["dnsConfig"] = dns_config


def _sysctls(
    definitions: Sequence[Mapping[str, Any]],
    pod_spec: dict[str, Any],
    network_mode: str,
    unsupported: list[UnsupportedField],
) -> None:
    chosen: dict[str, str] = {}
    for index, definition in enumerate(definitions):
        for control_index, control in enumerate(definition.get("systemControls") or []):
            path = f"containerDefinitions[{index}].systemControls[{control_index}]"
            name, value = str(control.get("namespace")), str(control.get("value"))
            if name not in SAFE_SYSCTLS:
                unsupported.append(
                    UnsupportedField(
                        path,
                        f"{name} is not a safe sysctl in Kubernetes; it needs "
                        "the kubelet's --allowed-unsafe-sysctls",
                    )
                )
            elif network_mode == "host" and name.startswith("net."):
                unsupported.append(
                    UnsupportedField(path, "network sysctls cannot be set with host networking")
                )
            elif chosen.setdefault(name, value) != value:
                unsupported.append(
                    UnsupportedField(path, f"sysctls are pod-wide; {name} is already {chosen[name]}")
                )
    if chosen:
        pod_spec["securityContext"] = {"sysctls": [{"name": n, "value": v} for n, v in chosen.items()]}


def _grace_seconds(
    definitions: Sequence[Mapping[str, Any]], cap: int | None, unsupported: list[UnsupportedField]
) -> int:
    timeouts = [
        whole_number(d["stopTimeout"], f"containerDefinitions[{i}].stopTimeout")
        if is_set(d.get("stopTimeout"))
        else DEFAULT_STOP_TIMEOUT
        for i, d in enumerate(definitions)
    ]
    longest = max(timeouts)
    if cap is None or longest <= cap:
        return longest
    for index, timeout in enumerate(timeouts):
        if timeout > cap:
            unsupported.append(
                UnsupportedField(
                    f"containerDefinitions[{index}].stopTimeout",
                    f"capped at {cap}s on this capacity provider",
                )
            )
    return cap


def _service_account(
    task_definition: Mapping[str, Any], name: str | None, unsupported: list[UnsupportedField]
) -> dict[str, Any] | None:
    role = task_definition.get("taskRoleArn")
    if not is_set(role):
        return None
    if name is None:
        if not is_set(task_definition.get("family")):
            raise TaskDefinitionError("family", "a task role needs a family to name its ServiceAccount")
        name = dns_label(task_definition["family"], "task")
    if not str(role).startswith("arn:"):
        unsupported.append(
            UnsupportedField(
                "taskRoleArn", "a role name, not an ARN; IAM Roles for Service Accounts needs the role's ARN"
            )
        )
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": name, "annotations": {IRSA_ROLE_ANNOTATION: str(role)}},
    }
