"""ECS's Fargate task definition restrictions
(https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html), each said
once and read twice: as CEL by the CRD (api.crd_kinds) and by the TaskDefinition model. The task
size pairs are in api.task_size, networkMode and cpu/memory in the model.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

FARGATE_DOC = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html"
FARGATE_CAPABILITIES = ("SYS_PTRACE", "CAP_SYS_PTRACE")  # the only capability Fargate adds
FARGATE_LOG_DRIVERS = ("awslogs", "splunk", "awsfirelens")


@dataclass(frozen=True)
class FargateRule:
    """One of ECS's Fargate task definition restrictions (FARGATE_DOC), said twice: as CEL over the
    spec (the CRD) and as the JSON paths of a spec's ECS JSON that break it (the model)."""

    field: str  # JSON path; `[]` is every container or volume
    message: str
    cel: str  # true when the spec keeps the rule
    broken: Callable[[Mapping[str, Any]], list[str]]

    def refusal(self, path: str) -> str:
        return f"{path}: {self.message}"


def _set(value: Any) -> bool:
    """A field that asks for something: false, empty and unset ask for nothing."""
    return value is not None and value is not False and value != [] and value != {}


def _cel_unset(ref: str, name: str, kind: str) -> str:
    off = {"bool": f"!{ref}.{name}", "list": f"size({ref}.{name}) == 0", "value": "false"}[kind]
    return f"(!has({ref}.{name}) || {off})"


def _container_rule(name: str, kind: str, message: str, linux: bool = False) -> FargateRule:
    sub = "linuxParameters." if linux else ""

    def broken(spec: Mapping[str, Any]) -> list[str]:
        return [
            f"containerDefinitions[{i}].{sub}{name}"
            for i, c in enumerate(spec.get("containerDefinitions") or [])
            if _set((c.get("linuxParameters") or {}).get(name) if linux else c.get(name))
        ]

    check = _cel_unset("c.linuxParameters", name, kind) if linux else _cel_unset("c", name, kind)
    cel = f"self.containerDefinitions.all(c, {'!has(c.linuxParameters) || ' if linux else ''}{check})"
    return FargateRule(f"containerDefinitions[].{sub}{name}", message, cel, broken)


def _each(key: str, test: Callable[[Mapping[str, Any]], bool], suffix: str) -> Callable[..., list[str]]:
    def broken(spec: Mapping[str, Any]) -> list[str]:
        return [f"{key}[{i}]{suffix}" for i, item in enumerate(spec.get(key) or []) if test(item)]

    return broken


def _task_field(name: str, test: Callable[[Any], bool]) -> Callable[..., list[str]]:
    return lambda spec: [name] if name in spec and test(spec[name]) else []


NOT_ON_FARGATE = "is not valid on Fargate"
FARGATE_RULES = [
    *(
        _container_rule(name, kind, f"{name} {NOT_ON_FARGATE}")
        for name, kind in (
            ("disableNetworking", "bool"),
            ("dnsSearchDomains", "list"),
            ("dnsServers", "list"),
            ("dockerSecurityOptions", "list"),
            ("extraHosts", "list"),
            ("hostname", "value"),
            ("links", "list"),
            ("privileged", "bool"),
        )
    ),
    *(
        _container_rule(name, kind, f"linuxParameters.{name} {NOT_ON_FARGATE}", linux=True)
        for name, kind in (
            ("devices", "list"),
            ("sharedMemorySize", "value"),
            ("tmpfs", "list"),
            ("maxSwap", "value"),
            ("swappiness", "value"),
        )
    ),
    FargateRule(
        "containerDefinitions[].linuxParameters.capabilities.add",
        "Fargate adds only the SYS_PTRACE capability",
        "self.containerDefinitions.all(c, !has(c.linuxParameters) || !has(c.linuxParameters.capabilities) "
        "|| !has(c.linuxParameters.capabilities.add) || c.linuxParameters.capabilities.add.all(a, "
        f"a in {list(FARGATE_CAPABILITIES)}))",
        _each(
            "containerDefinitions",
            lambda c: any(
                a not in FARGATE_CAPABILITIES
                for a in ((c.get("linuxParameters") or {}).get("capabilities") or {}).get("add") or []
            ),
            ".linuxParameters.capabilities.add",
        ),
    ),
    FargateRule(
        "containerDefinitions[].resourceRequirements",
        f"GPU {NOT_ON_FARGATE}",
        "self.containerDefinitions.all(c, !has(c.resourceRequirements) "
        "|| c.resourceRequirements.all(r, r.type != 'GPU'))",
        _each(
            "containerDefinitions",
            lambda c: any(r.get("type") == "GPU" for r in c.get("resourceRequirements") or []),
            ".resourceRequirements",
        ),
    ),
    FargateRule(
        "containerDefinitions[].logConfiguration.logDriver",
        f"Fargate's log drivers are {', '.join(FARGATE_LOG_DRIVERS)}",
        "self.containerDefinitions.all(c, !has(c.logConfiguration) "
        f"|| c.logConfiguration.logDriver in {list(FARGATE_LOG_DRIVERS)})",
        _each(
            "containerDefinitions",
            lambda c: (
                "logConfiguration" in c and c["logConfiguration"]["logDriver"] not in FARGATE_LOG_DRIVERS
            ),
            ".logConfiguration.logDriver",
        ),
    ),
    FargateRule(
        "containerDefinitions[].stopTimeout",
        "stopTimeout on FARGATE is at most 120 seconds",
        "self.containerDefinitions.all(c, !has(c.stopTimeout) || c.stopTimeout <= 120)",
        _each("containerDefinitions", lambda c: (c.get("stopTimeout") or 0) > 120, ".stopTimeout"),
    ),
    FargateRule(
        "containerDefinitions[].portMappings[].hostPort",
        "on Fargate hostPort is unset or equal to containerPort",
        "self.containerDefinitions.all(c, !has(c.portMappings) || c.portMappings.all(p, !has(p.hostPort) "
        "|| (has(p.containerPort) && p.hostPort == p.containerPort)))",
        _each(
            "containerDefinitions",
            lambda c: any(
                "hostPort" in p and p["hostPort"] != p.get("containerPort")
                for p in c.get("portMappings") or []
            ),
            ".portMappings",
        ),
    ),
    FargateRule(
        "ipcMode",
        f"ipcMode {NOT_ON_FARGATE}",
        "!has(self.ipcMode)",
        _task_field("ipcMode", lambda v: v is not None),
    ),
    FargateRule(
        "pidMode",
        "pidMode on Fargate is task only",
        "!has(self.pidMode) || self.pidMode == 'task'",
        _task_field("pidMode", lambda v: v != "task"),
    ),
    FargateRule(
        "placementConstraints",
        f"placementConstraints {NOT_ON_FARGATE}",
        "!has(self.placementConstraints) || size(self.placementConstraints) == 0",
        _task_field("placementConstraints", _set),
    ),
    FargateRule(
        "volumes[].dockerVolumeConfiguration",
        f"dockerVolumeConfiguration {NOT_ON_FARGATE}",
        "!has(self.volumes) || self.volumes.all(v, !has(v.dockerVolumeConfiguration))",
        _each("volumes", lambda v: "dockerVolumeConfiguration" in v, ".dockerVolumeConfiguration"),
    ),
    FargateRule(
        "volumes[].host.sourcePath",
        "host volumes on Fargate take no sourcePath, bind mounts only",
        "!has(self.volumes) || self.volumes.all(v, !has(v.host) || !has(v.host.sourcePath))",
        _each("volumes", lambda v: "sourcePath" in (v.get("host") or {}), ".host.sourcePath"),
    ),
]
"""ECS's Fargate task definition restrictions (FARGATE_DOC); the task size pairs are in api.task_size."""


def fargate_refusals(spec: Mapping[str, Any]) -> list[str]:
    """Each path of `spec` (ECS JSON) that breaks a Fargate rule, with the rule."""
    return [rule.refusal(path) for rule in FARGATE_RULES for path in rule.broken(spec)]
