"""The Pod Security Standards level a pod spec needs: privileged, baseline or restricted, by the
upstream checks (https://kubernetes.io/docs/concepts/security/pod-security-standards/), and the
fields that need it, as pod-spec paths and, where one maps to it, the task definition's field.

A namespace enforcing a lower level than a task definition needs refuses its pods at creation
(the Deployment's ReplicaFailure): the Service is held before anything is written instead.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ecs_operator.core.k8s.identifiers import unique_labels
from ecs_operator.core.task_definition.system_controls import SAFE_SYSCTLS  # baseline's allowed sysctls

LEVELS = ("restricted", "baseline", "privileged")  # from the most to the least restrictive
ENFORCE_LABEL = "pod-security.kubernetes.io/enforce"

BASELINE_CAPABILITIES = frozenset(
    {
        "AUDIT_WRITE",
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "FSETID",
        "KILL",
        "MKNOD",
        "NET_BIND_SERVICE",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYS_CHROOT",
    }
)
SELINUX_TYPES = frozenset({"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"})
RESTRICTED_VOLUMES = frozenset(
    {
        "configMap",
        "csi",
        "downwardAPI",
        "emptyDir",
        "ephemeral",
        "persistentVolumeClaim",
        "projected",
        "secret",
    }
)
CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")


@dataclass(frozen=True)
class Violation:
    level: str  # the least restrictive level that allows it: baseline or privileged
    path: str  # in the pod spec, e.g. containers[0].securityContext.privileged
    rule: str
    field: str | None = None  # the task definition's field that made it, where one did

    def describe(self) -> str:
        where = f"{self.field} ({self.path})" if self.field else self.path
        return f"{where}: {self.rule}"


def rank(level: str) -> int:
    """0 for restricted ... 2 for privileged; an unknown level counts as restricted, as admission does."""
    return LEVELS.index(level) if level in LEVELS else 0


def needed_level(violations: Sequence[Violation]) -> str:
    return LEVELS[max((rank(v.level) for v in violations), default=0)]


def violations(
    pod_spec: Mapping[str, Any], task_definition: Mapping[str, Any] | None = None
) -> list[Violation]:
    """Every check of the baseline and restricted levels that `pod_spec` fails."""
    found = [*_baseline(pod_spec), *_restricted(pod_spec)]
    if task_definition is None:
        return found
    fields = _ecs_fields(pod_spec, task_definition)
    return [Violation(v.level, v.path, v.rule, _field_of(v.path, fields)) for v in found]


def allowed_under(level: str, found: Sequence[Violation]) -> list[Violation]:
    """The violations a namespace enforcing `level` refuses."""
    return [v for v in found if rank(v.level) > rank(level)]


def _containers(pod_spec: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for key in CONTAINER_LISTS:
        for index, container in enumerate(pod_spec.get(key) or []):
            yield f"{key}[{index}]", container


def _baseline(pod: Mapping[str, Any]) -> Iterator[Violation]:
    def bad(path: str, rule: str) -> Violation:
        return Violation("privileged", path, rule)

    for name in ("hostNetwork", "hostPID", "hostIPC"):
        if pod.get(name):
            yield bad(name, f"{name} shares the node's namespaces")
    pod_context = pod.get("securityContext") or {}
    for index, sysctl in enumerate(pod_context.get("sysctls") or []):
        if sysctl.get("name") not in SAFE_SYSCTLS:
            yield bad(
                f"securityContext.sysctls[{index}]", f"sysctl {sysctl.get('name')} is not in the safe set"
            )
    for index, volume in enumerate(pod.get("volumes") or []):
        if "hostPath" in volume:
            yield bad(f"volumes[{index}].hostPath", "hostPath volumes mount the node's filesystem")
    contexts = [("securityContext", pod_context)] + [
        (f"{path}.securityContext", c.get("securityContext") or {}) for path, c in _containers(pod)
    ]
    for path, context in contexts:
        yield from (bad(f"{path}.{sub}", rule) for sub, rule in _baseline_context(context))
    for path, container in _containers(pod):
        context = container.get("securityContext") or {}
        if context.get("privileged"):
            yield bad(f"{path}.securityContext.privileged", "privileged containers")
        extra = sorted(set((context.get("capabilities") or {}).get("add") or []) - BASELINE_CAPABILITIES)
        if extra:
            yield bad(
                f"{path}.securityContext.capabilities.add", f"capabilities beyond the baseline set: {extra}"
            )
        if context.get("procMount") not in (None, "Default"):
            yield bad(f"{path}.securityContext.procMount", "procMount other than Default")
        for index, port in enumerate(container.get("ports") or []):
            if port.get("hostPort"):
                yield bad(f"{path}.ports[{index}].hostPort", "hostPort binds a port of the node")


def _baseline_context(context: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if (context.get("seccompProfile") or {}).get("type") == "Unconfined":
        yield "seccompProfile.type", "seccomp Unconfined"
    if (context.get("appArmorProfile") or {}).get("type") == "Unconfined":
        yield "appArmorProfile.type", "AppArmor Unconfined"
    selinux = context.get("seLinuxOptions") or {}
    if selinux.get("type", "") not in SELINUX_TYPES or selinux.get("user") or selinux.get("role"):
        yield "seLinuxOptions", "custom SELinux user, role or type"
    if (context.get("windowsOptions") or {}).get("hostProcess"):
        yield "windowsOptions.hostProcess", "Windows HostProcess containers"


def _restricted(pod: Mapping[str, Any]) -> Iterator[Violation]:
    def bad(path: str, rule: str) -> Violation:
        return Violation("baseline", path, rule)

    for index, volume in enumerate(pod.get("volumes") or []):
        kinds = set(volume) - {"name"}
        if kinds - RESTRICTED_VOLUMES - {"hostPath"}:  # hostPath is a baseline violation already
            yield bad(f"volumes[{index}]", f"volume type {sorted(kinds)[0]} is not allowed by restricted")
    pod_context = pod.get("securityContext") or {}
    if pod_context.get("runAsUser") == 0:
        yield bad("securityContext.runAsUser", "runAsUser 0 (root)")
    pod_seccomp = (pod_context.get("seccompProfile") or {}).get("type")
    for path, container in _containers(pod):
        context = container.get("securityContext") or {}
        if context.get("allowPrivilegeEscalation") is not False:
            yield bad(
                f"{path}.securityContext.allowPrivilegeEscalation", "allowPrivilegeEscalation must be false"
            )
        non_root = context.get("runAsNonRoot", pod_context.get("runAsNonRoot"))
        if non_root is not True:
            yield bad(f"{path}.securityContext.runAsNonRoot", "runAsNonRoot must be true")
        if context.get("runAsUser") == 0:
            yield bad(f"{path}.securityContext.runAsUser", "runAsUser 0 (root)")
        seccomp = (context.get("seccompProfile") or {}).get("type", pod_seccomp)
        if seccomp not in ("RuntimeDefault", "Localhost"):
            yield bad(
                f"{path}.securityContext.seccompProfile", "seccompProfile must be RuntimeDefault or Localhost"
            )
        capabilities = context.get("capabilities") or {}
        if "ALL" not in (capabilities.get("drop") or []):
            yield bad(f"{path}.securityContext.capabilities.drop", "capabilities must drop ALL")
        if set(capabilities.get("add") or []) - {"NET_BIND_SERVICE"}:
            yield bad(f"{path}.securityContext.capabilities.add", "restricted adds only NET_BIND_SERVICE")


# ---- back to the task definition ----

_POD_FIELDS = {"hostNetwork": "networkMode", "hostPID": "pidMode", "hostIPC": "ipcMode"}
_CONTAINER_FIELDS = {
    "securityContext.privileged": "privileged",
    "securityContext.capabilities": "linuxParameters.capabilities",
    "securityContext.runAsUser": "user",
    "securityContext.runAsNonRoot": "user",
    "securityContext.allowPrivilegeEscalation": "dockerSecurityOptions",
    "ports": "portMappings",
}


def _ecs_fields(pod: Mapping[str, Any], task_definition: Mapping[str, Any]) -> dict[str, str]:
    """Pod-spec path prefixes -> the task definition field they come from."""
    definitions = task_definition.get("containerDefinitions") or []
    k8s_names = unique_labels([str(d.get("name") or "") for d in definitions], "container")
    index_of = {name: i for i, name in enumerate(k8s_names)}
    fields = dict(_POD_FIELDS)
    fields["securityContext.sysctls"] = "containerDefinitions[].systemControls"
    for path, container in _containers(pod):
        i = index_of.get(container.get("name", ""))
        if i is not None:
            for sub, ecs in _CONTAINER_FIELDS.items():
                fields[f"{path}.{sub}"] = f"containerDefinitions[{i}].{ecs}"
    volume_index = {v.get("name"): i for i, v in enumerate(task_definition.get("volumes") or [])}
    for index, volume in enumerate(pod.get("volumes") or []):
        if volume.get("name") in volume_index:
            fields[f"volumes[{index}]"] = f"volumes[{volume_index[volume['name']]}]"
    return fields


def _field_of(path: str, fields: Mapping[str, str]) -> str | None:
    matches = [prefix for prefix in fields if path == prefix or path.startswith((f"{prefix}.", f"{prefix}["))]
    return fields[max(matches, key=len)] if matches else None
