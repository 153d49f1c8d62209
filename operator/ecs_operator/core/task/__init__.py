"""An ECS task as Kubernetes runs it: a pod, and the ECS state read from it."""
