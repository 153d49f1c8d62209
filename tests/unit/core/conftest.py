"""Fixtures shared by the core's tests: the FARGATE and FARGATE_SPOT CapacityProviders as the chart
installs them, and nodes of their pools. Each fixture returns a fresh copy, so a test may change it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

CAPACITY_TYPE = "ecs-operator.dev/capacity-type"
SPOT_TAINT = {"key": CAPACITY_TYPE, "value": "spot", "effect": "NoSchedule"}
FARGATE = {"name": "FARGATE", "capacityType": "on-demand", "nodeSelector": {CAPACITY_TYPE: "on-demand"}}
FARGATE_SPOT = {
    "name": "FARGATE_SPOT",
    "capacityType": "spot",
    "nodeSelector": {CAPACITY_TYPE: "spot"},
    "tolerations": [{"key": CAPACITY_TYPE, "operator": "Equal", "value": "spot", "effect": "NoSchedule"}],
}
PROVIDERS = {"fargate": FARGATE, "fargate-spot": FARGATE_SPOT}  # by Kubernetes object name


@pytest.fixture
def providers() -> dict[str, dict[str, Any]]:
    """CapacityProvider specs by object name: fargate (on-demand) and fargate-spot."""
    return copy.deepcopy(PROVIDERS)


@pytest.fixture
def fargate_spot() -> dict[str, Any]:
    return copy.deepcopy(FARGATE_SPOT)


@pytest.fixture
def spot_taint() -> dict[str, str]:
    """The taint of the spot pool's nodes, which FARGATE_SPOT tolerates."""
    return dict(SPOT_TAINT)


def _node(
    name: str,
    pool: str,
    ready: bool = True,
    taint: dict[str, str] | None = None,
    cpu: str = "4",
    memory: str = "16Gi",
) -> dict[str, Any]:
    return {
        "metadata": {"name": name, "labels": {CAPACITY_TYPE: pool}},
        "spec": {"taints": [taint] if taint else []},
        "status": {
            "allocatable": {"cpu": cpu, "memory": memory},
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
        },
    }


@pytest.fixture
def make_node() -> Callable[..., dict[str, Any]]:
    """`make_node(name, pool, ready=True, taint=None, cpu="4", memory="16Gi")`: a Node of a pool."""
    return _node
