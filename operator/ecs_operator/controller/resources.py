"""The Kubernetes resources the operator reads and writes, in one table.

kopf's watches and the client layer both use it, so a kind's group, version and plural are
written down once.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecs_operator import API_GROUP, API_VERSION


@dataclass(frozen=True)
class Resource:
    group: str  # "" for the core group
    version: str
    plural: str
    kind: str
    namespaced: bool = True

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    def path(self, namespace: str | None = None, name: str | None = None, sub: str | None = None) -> str:
        base = f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"
        if self.namespaced and namespace:
            base += f"/namespaces/{namespace}"
        base += f"/{self.plural}"
        if name:
            base += f"/{name}"
        if sub:
            base += f"/{sub}"
        return base


TASK_DEFINITION = Resource(API_GROUP, API_VERSION, "taskdefinitions", "TaskDefinition")
ECS_SERVICE = Resource(API_GROUP, API_VERSION, "ecsservices", "Service")
CAPACITY_PROVIDER = Resource(API_GROUP, API_VERSION, "capacityproviders", "CapacityProvider", False)
ECS_CLUSTER = Resource(API_GROUP, API_VERSION, "ecsclusters", "Cluster")

DEPLOYMENT = Resource("apps", "v1", "deployments", "Deployment")
DAEMON_SET = Resource("apps", "v1", "daemonsets", "DaemonSet")
CONTROLLER_REVISION = Resource("apps", "v1", "controllerrevisions", "ControllerRevision")
SERVICE = Resource("", "v1", "services", "Service")
SERVICE_ACCOUNT = Resource("", "v1", "serviceaccounts", "ServiceAccount")
POD_DISRUPTION_BUDGET = Resource("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget")
POD = Resource("", "v1", "pods", "Pod")
NODE = Resource("", "v1", "nodes", "Node", False)
EVENT = Resource("", "v1", "events", "Event")
NAMESPACE = Resource("", "v1", "namespaces", "Namespace", False)
CUSTOM_RESOURCE_DEFINITION = Resource(
    "apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", False
)

CLUSTER_ROLE = Resource("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", False)
CLUSTER_ROLE_BINDING = Resource(
    "rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", False
)

BY_API_VERSION_AND_KIND: dict[tuple[str, str], Resource] = {
    (r.api_version, r.kind): r
    for r in (
        TASK_DEFINITION,
        ECS_SERVICE,
        CAPACITY_PROVIDER,
        ECS_CLUSTER,
        DEPLOYMENT,
        DAEMON_SET,
        CONTROLLER_REVISION,
        SERVICE,
        SERVICE_ACCOUNT,
        POD_DISRUPTION_BUDGET,
        POD,
        NODE,
        EVENT,
        NAMESPACE,
    )
}
"""What the operator itself reads and writes (the chart's ClusterRole must cover exactly these)."""

# Also known to the client, for the demo and the tests (installing CRDs, namespaces, RBAC).
_TOOLING = {
    (r.api_version, r.kind): r for r in (CUSTOM_RESOURCE_DEFINITION, CLUSTER_ROLE, CLUSTER_ROLE_BINDING)
}


def resource_of(body: dict) -> Resource:
    key = (body["apiVersion"], body["kind"])
    return BY_API_VERSION_AND_KIND.get(key) or _TOOLING[key]


def kind_key(resource: Resource) -> str:
    """How the store and the metrics name a kind: `plural.group`, or `plural` in the core group."""
    return f"{resource.plural}.{resource.group}" if resource.group else resource.plural
