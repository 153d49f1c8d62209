"""runtimePlatform -> nodeSelector (core/task_definition/runtime_platform.py)."""

import pytest
from task_definition_inputs import task

from ecs_operator.core.task_definition.pod_spec import build_pod_spec


@pytest.mark.parametrize(
    ("platform", "selector"),
    [
        (
            {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
            {"kubernetes.io/arch": "arm64", "kubernetes.io/os": "linux"},
        ),
        ({"cpuArchitecture": "X86_64"}, {"kubernetes.io/arch": "amd64"}),
        ({"operatingSystemFamily": "WINDOWS_SERVER_2022_CORE"}, {"kubernetes.io/os": "windows"}),
    ],
)
def test_runtime_platform_becomes_node_selector(platform, selector):
    assert build_pod_spec(task(runtimePlatform=platform)).pod_spec["nodeSelector"] == selector
