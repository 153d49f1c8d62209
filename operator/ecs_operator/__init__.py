"""ecs-operator: Amazon ECS semantics on Kubernetes."""

__version__ = "0.1.0"

API_GROUP = "ecs-operator.dev"
API_VERSION = "v1alpha1"
