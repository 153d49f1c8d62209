"""`dependsOn` as Kubernetes start order: init containers, native sidecars and regular containers.

docs/design.md#the-mapping: a container that another waits on to COMPLETE or SUCCEED becomes an init container
(run to completion, in dependency order); one waited on to START or become HEALTHY becomes a native
sidecar (an init container with `restartPolicy: Always`; for HEALTHY with a startup probe, since
Kubernetes starts the next container once a sidecar's startup probe passes). Containers nothing
depends on stay regular containers, started after all of those. Kubernetes stops sidecars after the
regular containers, in reverse order: ECS's "shutdown is the reverse of startup".
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ecs_operator.core.task_definition.unsupported import (
    TaskDefinitionError,
    UnsupportedField,
    is_set,
    unmapped_fields,
)

CONDITIONS = ("START", "COMPLETE", "SUCCESS", "HEALTHY")
_RUN_TO_COMPLETION = {"COMPLETE", "SUCCESS"}


class Role(Enum):
    INIT = "init"  # runs to completion before anything after it starts
    SIDECAR = "sidecar"  # init container with restartPolicy Always
    MAIN = "main"  # regular container


@dataclass(frozen=True)
class StartOrder:
    roles: list[Role]  # per container definition, in input order
    init_order: list[int]  # indexes of INIT and SIDECAR containers, dependencies first
    needs_startup_probe: frozenset[int]  # sidecars some container waits on to be HEALTHY
    unsupported: list[UnsupportedField] = field(default_factory=list)


def is_essential(container: Mapping[str, Any]) -> bool:
    return container.get("essential") is not False  # ECS default: true


def start_order(containers: Sequence[Mapping[str, Any]]) -> StartOrder:
    names = [c.get("name") for c in containers]
    depends: list[list[int]] = [[] for _ in containers]
    waited_for: dict[int, set[str]] = {}
    unsupported: list[UnsupportedField] = []
    for index, container in enumerate(containers):
        for dep_index, dependency in enumerate(container.get("dependsOn") or []):
            path = f"containerDefinitions[{index}].dependsOn[{dep_index}]"
            target_name, condition = dependency.get("containerName"), dependency.get("condition")
            if target_name not in names:
                raise TaskDefinitionError(f"{path}.containerName", f"no container named {target_name!r}")
            if condition not in CONDITIONS:
                raise TaskDefinitionError(
                    f"{path}.condition", f"{condition!r} is not one of {', '.join(CONDITIONS)}"
                )
            target = names.index(target_name)
            if condition in _RUN_TO_COMPLETION and is_essential(containers[target]):
                raise TaskDefinitionError(
                    f"{path}.condition",
                    f"{condition} needs a non-essential container; {target_name!r} is essential",
                )
            if condition == "HEALTHY" and not is_set(containers[target].get("healthCheck")):
                raise TaskDefinitionError(
                    f"{path}.condition", f"HEALTHY needs a healthCheck on {target_name!r}"
                )
            if condition == "COMPLETE":
                unsupported.append(
                    UnsupportedField(
                        f"{path}.condition",
                        "COMPLETE acts as SUCCESS: Kubernetes retries an init container until it exits 0",
                    )
                )
            depends[index].append(target)
            waited_for.setdefault(target, set()).add(condition)
            unsupported.extend(
                unmapped_fields(dependency, {"containerName", "condition"}, {}, path, "ContainerDependency")
            )

    roles = []
    for index in range(len(containers)):
        conditions = waited_for.get(index, set())
        if conditions & _RUN_TO_COMPLETION:
            roles.append(
                Role.INIT
            )  # completing also satisfies START; a HEALTHY wait becomes a wait to complete
        elif conditions:
            roles.append(Role.SIDECAR)
        else:
            roles.append(Role.MAIN)

    _check_acyclic(depends, names)
    init_order = _topological([i for i, role in enumerate(roles) if role is not Role.MAIN], depends)
    healthy = frozenset(i for i, c in waited_for.items() if "HEALTHY" in c and roles[i] is Role.SIDECAR)
    return StartOrder(roles, init_order, healthy, unsupported)


def _topological(members: list[int], depends: Sequence[Sequence[int]]) -> list[int]:
    """Kahn's algorithm over `members`, ties in definition order. Assumes no cycle among them."""
    member_set = set(members)
    waiting = {i: {d for d in depends[i] if d in member_set} for i in members}
    ready = [i for i in members if not waiting[i]]
    heapq.heapify(ready)
    order = []
    while ready:
        current = heapq.heappop(ready)
        order.append(current)
        for other in members:
            if current in waiting[other]:
                waiting[other].discard(current)
                if not waiting[other]:
                    heapq.heappush(ready, other)
    return order


def _check_acyclic(depends: Sequence[Sequence[int]], names: Sequence[Any]) -> None:
    done: set[int] = set()

    def visit(node: int, trail: list[int]) -> None:
        for target in depends[node]:
            if target in trail or target == node:
                cycle = [*trail[trail.index(target) :], node, target] if target in trail else [node, node]
                raise TaskDefinitionError(
                    f"containerDefinitions[{node}].dependsOn",
                    "dependsOn forms a cycle: " + " -> ".join(str(names[i]) for i in cycle),
                )
            if target not in done:
                visit(target, [*trail, node])
        done.add(node)

    for node in range(len(depends)):
        if node not in done:
            visit(node, [])
