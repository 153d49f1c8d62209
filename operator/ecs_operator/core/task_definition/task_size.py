"""CPU and memory: ECS container units and MiB, bounded by the task size, as Kubernetes resources.

The rule (docs/design.md#the-mapping; https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html):
- container `cpu` units -> `requests.cpu` = units/1024 cores, in millicores rounded down (256 -> 250m).
- container `memory` -> `limits.memory`; `memoryReservation` -> `requests.memory`; with only `memory`
  the request equals the limit.
- task-level `cpu`/`memory` (read by `api.task_size`, the one parser of ECS's forms) bound the pod.
  Kubernetes has no task-wide cgroup for a Deployment's pods, so the task size is divided among the
  containers: a container keeps what it states, and the containers that state nothing share what is
  left equally (never less than ECS's floor: 2 units, 6 MiB). With task `cpu`, every container then
  has a cpu limit, and with task `memory` a memory limit, and the limits add up to the task size. A
  container that leaves its request unset requests its share, as Fargate reserves the whole task size.
- init containers that run to completion run before the others (Kubernetes counts a pod as the larger
  of any one init container and the sum of the rest), so they do not take part in the sharing: one
  that states nothing gets what the sidecars leave of the task size.
- without task-level sizes nothing is invented: containers without cpu/memory get no request/limit.
- Windows: ECS ignores task-level cpu/memory there, and so do we.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ecs_operator.api.task_size import parse_cpu, parse_memory
from ecs_operator.core.task_definition.container_order import Role
from ecs_operator.core.task_definition.unsupported import TaskDefinitionError, is_set, whole_number

MIN_CPU_UNITS = 2  # ECS gives a container with no or 0 cpu 2 shares
MIN_MEMORY_MIB = 6  # Docker refuses less


def cpu_units(value: Any, path: str) -> int:
    """The task's CPU units; an error naming `path` when `value` is not a size."""
    units = parse_cpu(value)
    if units is None:
        raise TaskDefinitionError(path, f"cpu {value!r} is neither CPU units (256) nor vCPUs ('0.25 vCPU')")
    return units


def memory_mib(value: Any, path: str) -> int:
    """The task's memory in MiB; an error naming `path` when `value` is not a size."""
    mib = parse_memory(value)
    if mib is None:
        raise TaskDefinitionError(path, f"memory {value!r} is neither MiB (512) nor GB ('1 GB')")
    return mib


def millicores(units: int) -> str:
    return f"{max(1, units * 1000 // 1024)}m"  # rounded down, so shares never exceed the task


def mebibytes(mib: int) -> str:
    return f"{mib}Mi"


def _shares(
    stated: Sequence[int | None], total: int | None, floor: int, roles: Sequence[Role]
) -> list[int | None]:
    """Each container's part of `total`: what it states, or an equal share of what is left."""
    if total is None:
        return list(stated)
    running = [i for i, role in enumerate(roles) if role is not Role.INIT]
    unstated = [i for i in running if stated[i] is None]
    rest = total - sum(stated[i] or 0 for i in running)
    share = max(floor, rest // len(unstated)) if unstated else 0
    parts = [share if i in unstated else value for i, value in enumerate(stated)]
    sidecars = sum(parts[i] or 0 for i, role in enumerate(roles) if role is Role.SIDECAR)
    return [  # an init container runs beside the sidecars only
        max(floor, total - sidecars) if role is Role.INIT and value is None else value
        for role, value in zip(roles, parts, strict=True)
    ]


def _positive_int(container: Mapping[str, Any], key: str, path: str) -> int | None:
    value = container.get(key)
    if not is_set(value):
        return None
    number = whole_number(value, f"{path}.{key}")
    return number if number > 0 else None


def container_resources(
    task_definition: Mapping[str, Any],
    containers: Sequence[Mapping[str, Any]],
    *,
    windows: bool = False,
    roles: Sequence[Role] | None = None,
) -> list[dict[str, dict[str, str]]]:
    """Kubernetes `resources` ({requests, limits}) for each container definition, in order."""
    roles = list(roles or [Role.MAIN] * len(containers))
    task_cpu = task_memory = None
    if not windows:
        if is_set(task_definition.get("cpu")):
            task_cpu = cpu_units(task_definition["cpu"], "cpu")
        if is_set(task_definition.get("memory")):
            task_memory = memory_mib(task_definition["memory"], "memory")

    paths = [f"containerDefinitions[{i}]" for i in range(len(containers))]
    cpu = [_positive_int(c, "cpu", p) for c, p in zip(containers, paths, strict=True)]
    hard = [_positive_int(c, "memory", p) for c, p in zip(containers, paths, strict=True)]
    soft = [_positive_int(c, "memoryReservation", p) for c, p in zip(containers, paths, strict=True)]

    cpu_parts = _shares(cpu, task_cpu, MIN_CPU_UNITS, roles)
    memory_parts = _shares(hard, task_memory, MIN_MEMORY_MIB, roles)

    resources = []
    for index in range(len(containers)):
        requests: dict[str, str] = {}
        limits: dict[str, str] = {}
        cpu_part, limit_mib, reservation = cpu_parts[index], memory_parts[index], soft[index]
        if cpu_part is not None:
            requests["cpu"] = millicores(cpu_part)
            if task_cpu is not None:
                limits["cpu"] = requests["cpu"]
        if limit_mib is not None and reservation is not None:
            limit_mib = max(limit_mib, reservation)  # a reservation above the share wins
        request_mib = reservation or hard[index] or (limit_mib if task_memory is not None else None)
        if request_mib is not None:
            requests["memory"] = mebibytes(request_mib)
        if limit_mib is not None:
            limits["memory"] = mebibytes(limit_mib)
        resources.append({key: value for key, value in (("requests", requests), ("limits", limits)) if value})
    return resources
