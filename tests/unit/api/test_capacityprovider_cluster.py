"""CapacityProviderSpec and ClusterSpec (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateCapacityProvider.html)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ecs_operator.api import CapacityProviderSpec, ClusterSpec, strategy_problems
from ecs_operator.api.common import CapacityProviderStrategyItem


def test_capacity_provider_node_pool_shape() -> None:
    spec = CapacityProviderSpec.model_validate(
        {
            "name": "FARGATE_SPOT",
            "capacityType": "spot",
            "nodeSelector": {"ecs-operator.dev/capacity-type": "spot"},
            "tolerations": [
                {
                    "key": "ecs-operator.dev/capacity-type",
                    "operator": "Equal",
                    "value": "spot",
                    "effect": "NoSchedule",
                }
            ],
            "affinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {
                    "nodeSelectorTerms": [
                        {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}
                    ]
                }
            },
        }
    )
    assert spec.effective_name("fargate-spot") == "FARGATE_SPOT"


def test_capacity_type_is_on_demand_or_spot() -> None:
    with pytest.raises(ValidationError, match="capacityType"):
        CapacityProviderSpec.model_validate({"capacityType": "preemptible"})


def test_managed_scaling_target_capacity_range_and_defaults() -> None:
    asg = {"autoScalingGroupArn": "asg", "managedScaling": {"status": "ENABLED"}}
    spec = CapacityProviderSpec.model_validate({"capacityType": "on-demand", "autoScalingGroupProvider": asg})
    scaling = spec.autoScalingGroupProvider.managedScaling  # type: ignore[union-attr]
    assert scaling is not None and (scaling.targetCapacity, scaling.instanceWarmupPeriod) == (100, 300)
    for bad in (0, 101):
        with pytest.raises(ValidationError, match="targetCapacity"):
            CapacityProviderSpec.model_validate(
                {
                    "capacityType": "on-demand",
                    "autoScalingGroupProvider": {**asg, "managedScaling": {"targetCapacity": bad}},
                }
            )


def test_cluster_default_strategy_must_use_associated_providers() -> None:
    ClusterSpec.model_validate(
        {
            "capacityProviders": ["FARGATE", "FARGATE_SPOT"],
            "defaultCapacityProviderStrategy": [{"capacityProvider": "fargate-spot", "weight": 1}],
        }
    )
    with pytest.raises(ValidationError, match="OTHER is not in capacityProviders"):
        ClusterSpec.model_validate(
            {
                "capacityProviders": ["FARGATE"],
                "defaultCapacityProviderStrategy": [{"capacityProvider": "OTHER"}],
            }
        )


def test_cluster_default_strategy_follows_the_strategy_rules() -> None:
    with pytest.raises(ValidationError, match="only one capacity provider in a strategy can have a base"):
        ClusterSpec.model_validate(
            {
                "capacityProviders": ["A", "B"],
                "defaultCapacityProviderStrategy": [
                    {"capacityProvider": "A", "base": 1, "weight": 1},
                    {"capacityProvider": "B", "base": 1, "weight": 1},
                ],
            }
        )


def test_empty_default_strategy_means_no_default() -> None:
    assert (
        ClusterSpec.model_validate({"defaultCapacityProviderStrategy": []}).defaultCapacityProviderStrategy
        == []
    )


def test_strategy_problems_is_empty_for_a_valid_strategy() -> None:
    items = [
        CapacityProviderStrategyItem(capacityProvider="OD", base=2, weight=1),
        CapacityProviderStrategyItem(capacityProvider="SPOT", weight=3),
    ]
    assert strategy_problems(items) == []


def test_cluster_lists_each_capacity_provider_once_under_the_name_rule() -> None:
    with pytest.raises(ValidationError, match="may be listed only once"):
        ClusterSpec.model_validate({"capacityProviders": ["FARGATE_SPOT", "fargate-spot"]})
