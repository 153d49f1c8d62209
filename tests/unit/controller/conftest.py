"""Fixtures shared by the controller's tests."""

import pytest


def make_body(kind, name, namespace=None, version="1", generation=1, **extra):
    metadata = {"name": name, "resourceVersion": version, "generation": generation, "uid": f"uid-{name}"}
    if namespace:
        metadata["namespace"] = namespace
    metadata.update(extra)
    return {"apiVersion": "ecs-operator.dev/v1alpha1", "kind": kind, "metadata": metadata, "spec": {}}


@pytest.fixture
def body():
    """A body of one of the operator's kinds: body(kind, name, namespace=None, version="1", ...)."""
    return make_body
