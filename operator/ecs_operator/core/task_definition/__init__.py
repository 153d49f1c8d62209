"""The task-definition wing: an ECS task definition revision becomes a Kubernetes pod template."""
