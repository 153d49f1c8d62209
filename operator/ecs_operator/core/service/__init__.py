"""The service wing: one reconcile of an ECS Service, from its spec and what runs, to children and status."""
