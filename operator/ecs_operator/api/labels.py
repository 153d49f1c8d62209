"""Label and annotation keys put on every child object (docs/design.md#names)."""

from ecs_operator import API_GROUP

MANAGED_BY = "app.kubernetes.io/managed-by"
MANAGED_BY_VALUE = "ecs-operator"
SERVICE = f"{API_GROUP}/service"
CAPACITY_PROVIDER = f"{API_GROUP}/capacity-provider"
TASK_DEFINITION = f"{API_GROUP}/task-definition"
DEPLOYMENT = f"{API_GROUP}/deployment"
CAPACITY_TYPE = f"{API_GROUP}/capacity-type"  # node pool label: on-demand | spot

FIELD_MANAGER = "ecs-operator"
FAMILY = f"{API_GROUP}/family"  # on ControllerRevisions: which TaskDefinition family they belong to

# Annotations
TASK_DEFINITION_ANNOTATION = f"{API_GROUP}/task-definition"  # exact `family:N` (labels can't hold ':')
# On pods: the essential containers, "a,b" (absent = every container); the circuit breaker reads it.
ESSENTIAL_CONTAINERS_ANNOTATION = f"{API_GROUP}/essential-containers"
FINGERPRINT = f"{API_GROUP}/fingerprint"  # hash of a revision's canonical spec
IN_USE_FINALIZER = f"{API_GROUP}/in-use"  # keeps an INACTIVE TaskDefinition while services run it
