"""Benchmarks of ecs-operator on a dedicated local control plane (`python -m bench`)."""
