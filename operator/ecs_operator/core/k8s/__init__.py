"""Kubernetes conventions every wing shares: conditions, drift, identifiers, quantities, timestamps.

No ECS rule lives here."""
