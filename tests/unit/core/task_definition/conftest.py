"""The real caller of build_pod_spec beside registration: a Service's children (core/service/children.py).

Rules whose last step happens there (the Service-named ServiceAccount, the spot grace cap) are
tested through it.
"""

from collections.abc import Callable
from typing import Any

import pytest

from ecs_operator.core.service import children

SERVICE = {
    "apiVersion": "ecs.aws/v1",
    "kind": "Service",
    "metadata": {"name": "checkout", "namespace": "shop", "uid": "u1"},
}
SPOT = children.ProviderChild("FARGATE_SPOT", "fargate-spot", {"capacityType": "spot"}, replicas=1)


def _parts(task_definition: dict[str, Any]) -> children.PodTemplateParts:
    return children.pod_template_parts(SERVICE, {}, children.ServingRevision("web:1", task_definition, "s/1"))


@pytest.fixture
def template_parts() -> Callable[[dict[str, Any]], children.PodTemplateParts]:
    """The pod template parts Service `checkout` builds from a task definition."""
    return _parts


@pytest.fixture
def spot_pod_spec() -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The pod spec of Service `checkout`'s child on a spot capacity provider."""

    def pod_spec(task_definition: dict[str, Any]) -> dict[str, Any]:
        revision = children.ServingRevision("web:1", task_definition, "s/1")
        workload = children.workload(SERVICE, _parts(task_definition), SPOT, revision)
        return workload["spec"]["template"]["spec"]

    return pod_spec
