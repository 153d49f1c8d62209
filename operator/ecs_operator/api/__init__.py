"""Pydantic models of the ECS API as Kubernetes resources: the single source of truth for the CRDs."""
