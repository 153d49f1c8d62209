"""What each kind's CRD says beyond its schema: its names, its printer columns, and the ECS rules CEL
can say (`x-kubernetes-validations`). Every list and string the rules walk has a maxItems/maxLength,
so the apiserver's CEL cost estimate stays in budget.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from ecs_operator import API_GROUP
from ecs_operator.api.capacityprovider import CapacityProviderSpec, CapacityProviderStatus
from ecs_operator.api.cluster import ClusterSpec, ClusterStatus
from ecs_operator.api.container_definition import ENV_NAME_CEL, ENV_NAME_RULE
from ecs_operator.api.fargate_rules import FARGATE_RULES
from ecs_operator.api.names import k8s_name_cel
from ecs_operator.api.service import ServiceSpec, ServiceStatus
from ecs_operator.api.strategy_rules import CEL_RULES
from ecs_operator.api.taskdefinition import TaskDefinitionSpec, TaskDefinitionStatus


def _rule(rule: str, message: str) -> dict[str, str]:
    return {"rule": rule, "message": message}


FARGATE = "(has(self.requiresCompatibilities) && self.requiresCompatibilities.exists(c, c == 'FARGATE'))"


def _name_rule(spec_field: str, kind: str) -> dict[str, str]:
    return _rule(
        f"!has(self.spec.{spec_field}) || {k8s_name_cel(f'self.spec.{spec_field}')} == self.metadata.name",
        f"{kind} name rule: spec.{spec_field} must map to metadata.name (lowercase, '_' -> '-')",
    )


@dataclass(frozen=True)
class Column:
    name: str
    json_path: str
    type: str = "string"
    priority: int = 0

    def to_dict(self) -> dict[str, Any]:
        column: dict[str, Any] = {"name": self.name, "type": self.type, "jsonPath": self.json_path}
        if self.priority:
            column["priority"] = self.priority
        return column


AGE = Column("Age", ".metadata.creationTimestamp", "date")


@dataclass(frozen=True)
class Kind:
    kind: str
    plural: str
    singular: str
    short_names: list[str]
    namespaced: bool
    spec: type[BaseModel]
    status: type[BaseModel]
    columns: list[Column]
    root_rules: list[dict[str, str]] = field(default_factory=list)
    rules: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # dotted path under the root
    scale: dict[str, str] | None = None
    description: str = ""  # what `kubectl explain <kind>` says first

    @property
    def crd_name(self) -> str:
        return f"{self.plural}.{API_GROUP}"


KINDS = [
    Kind(
        kind="TaskDefinition",
        plural="taskdefinitions",
        singular="taskdefinition",
        short_names=["taskdef", "td"],
        namespaced=True,
        description="An ECS task definition family: every spec change registers the next immutable revision "
        "family:N, which Services run as pods.",
        spec=TaskDefinitionSpec,
        status=TaskDefinitionStatus,
        columns=[
            Column("Family", ".status.family"),
            Column("Revision", ".status.revision", "integer"),
            Column("Status", ".status.status"),
            AGE,
        ],
        root_rules=[_name_rule("family", "TaskDefinition")],
        rules={
            "spec": [
                # mountPoints -> volumes is left to the models: 10 x 100 x 100 names is over the CEL budget.
                _rule(
                    f"!{FARGATE} || (has(self.cpu) && has(self.memory))",
                    "FARGATE requires task-level cpu and memory",
                ),
                _rule(
                    f"!{FARGATE} || !has(self.networkMode) || self.networkMode == 'awsvpc'",
                    "FARGATE requires networkMode awsvpc",
                ),
                *(
                    _rule(f"!{FARGATE} || ({rule.cel})", f"FARGATE: {rule.refusal(rule.field)}")
                    for rule in FARGATE_RULES
                ),
            ],
            "spec.containerDefinitions.environment.name": [_rule(ENV_NAME_CEL, ENV_NAME_RULE)],
            "spec.containerDefinitions.secrets.name": [_rule(ENV_NAME_CEL, ENV_NAME_RULE)],
            "spec.containerDefinitions": [
                _rule(
                    "self.exists(c, !has(c.essential) || c.essential)",
                    "containerDefinitions: at least one container must be essential",
                ),
                _rule(
                    "self.all(c, self.exists_one(d, d.name == c.name))",
                    "containerDefinitions: container names must be unique",
                ),
                _rule(
                    "self.all(c, !has(c.dependsOn) "
                    "|| c.dependsOn.all(d, self.exists(x, x.name == d.containerName)))",
                    "containerDefinitions: dependsOn must name a container of this task definition",
                ),
                _rule(
                    "self.all(c, !has(c.volumesFrom) || c.volumesFrom.all(v, !has(v.sourceContainer) "
                    "|| self.exists(x, x.name == v.sourceContainer)))",
                    "containerDefinitions: volumesFrom must name a container of this task definition",
                ),
            ],
        },
    ),
    Kind(
        kind="Service",
        plural="ecsservices",
        singular="ecsservice",
        short_names=["ecssvc"],
        namespaced=True,
        description="An ECS service: desiredCount tasks of a TaskDefinition, one Deployment (DAEMON: "
        "DaemonSet) per capacity provider of its strategy.",
        spec=ServiceSpec,
        status=ServiceStatus,
        columns=[
            Column("Desired", ".status.desiredCount", "integer"),
            Column("Running", ".status.runningCount", "integer"),
            Column("Pending", ".status.pendingCount", "integer"),
            Column("Task Definition", ".status.taskDefinition"),
            Column("Rollout", ".status.rolloutState"),
            AGE,
        ],
        root_rules=[_name_rule("serviceName", "Service")],
        rules={
            "spec": [
                _rule(
                    "!(has(self.launchType) && has(self.capacityProviderStrategy) "
                    "&& size(self.capacityProviderStrategy) > 0)",
                    "launchType and capacityProviderStrategy are mutually exclusive",
                ),
                _rule(
                    "!has(self.schedulingStrategy) || self.schedulingStrategy != 'DAEMON' "
                    "|| !has(self.desiredCount)",
                    "schedulingStrategy DAEMON takes no desiredCount (one task per node)",
                ),
                _rule(
                    "(has(self.schedulingStrategy) && self.schedulingStrategy == 'DAEMON') "
                    "|| has(self.desiredCount)",
                    "desiredCount is required when schedulingStrategy is REPLICA",
                ),
                _rule(
                    "!has(self.schedulingStrategy) || self.schedulingStrategy != 'DAEMON' "
                    "|| !has(self.deploymentConfiguration) "
                    "|| !has(self.deploymentConfiguration.maximumPercent) "
                    "|| self.deploymentConfiguration.maximumPercent == 100",
                    "schedulingStrategy DAEMON needs deploymentConfiguration.maximumPercent 100",
                ),
                _rule(
                    "has(self.taskDefinition) "
                    "|| (has(self.deploymentController) && self.deploymentController.type == 'EXTERNAL')",
                    "taskDefinition is required unless deploymentController.type is EXTERNAL",
                ),
            ],
            "spec.capacityProviderStrategy": CEL_RULES,
            "spec.capacityProviderFallback": [
                _rule(
                    f"self.all(f, {k8s_name_cel('f.capacityProvider')} != "
                    f"{k8s_name_cel('f.fallbackCapacityProvider')})",
                    "capacityProviderFallback: a capacity provider cannot fall back to itself",
                ),
                _rule(
                    f"self.all(f, self.exists_one(g, {k8s_name_cel('g.capacityProvider')} == "
                    f"{k8s_name_cel('f.capacityProvider')}))",
                    "capacityProviderFallback: a capacity provider may have only one fallback",
                ),
            ],
        },
        scale={
            "specReplicasPath": ".spec.desiredCount",
            "statusReplicasPath": ".status.runningCount",
            "labelSelectorPath": ".status.selector",
        },
    ),
    Kind(
        kind="CapacityProvider",
        plural="capacityproviders",
        singular="capacityprovider",
        short_names=["capprov", "cp"],
        namespaced=False,
        description="An ECS capacity provider as a node pool; FARGATE and FARGATE_SPOT are ordinary objects "
        "pointing at the on-demand and spot pools.",
        spec=CapacityProviderSpec,
        status=CapacityProviderStatus,
        columns=[
            Column("Type", ".spec.capacityType"),
            Column("Nodes", ".status.nodes", "integer"),
            Column("Ready", ".status.readyNodes", "integer"),
            Column("Reservation", ".status.capacityProviderReservation", "number"),
            AGE,
        ],
        root_rules=[_name_rule("name", "CapacityProvider")],
    ),
    Kind(
        kind="Cluster",
        plural="ecsclusters",
        singular="ecscluster",
        short_names=["ecscluster"],
        namespaced=True,
        description="An ECS cluster is a namespace; this object (at most one per namespace) holds its "
        "capacity providers and default strategy.",
        spec=ClusterSpec,
        status=ClusterStatus,
        columns=[Column("Providers", ".status.capacityProviders"), AGE],
        rules={
            "spec": [
                _rule(
                    "!has(self.defaultCapacityProviderStrategy) "
                    "|| self.defaultCapacityProviderStrategy.all(i, "
                    "has(self.capacityProviders) && self.capacityProviders.exists(p, "
                    f"{k8s_name_cel('p')} == {k8s_name_cel('i.capacityProvider')}))",
                    "defaultCapacityProviderStrategy: every provider must be listed in capacityProviders",
                ),
            ],
            "spec.defaultCapacityProviderStrategy": CEL_RULES,
            "spec.capacityProviders": [
                _rule(
                    f"self.all(p, self.exists_one(q, {k8s_name_cel('q')} == {k8s_name_cel('p')}))",
                    "capacityProviders: a capacity provider may be listed only once",
                ),
            ],
        },
    ),
]
