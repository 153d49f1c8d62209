import pytest

from ecs_operator.core.placement.capacity_split import StrategyError
from ecs_operator.core.placement.strategy import effective_strategy

PROVIDERS = {
    "fargate": {"name": "FARGATE", "capacityType": "on-demand", "nodeSelector": {"pool": "od"}},
    "fargate-spot": {"name": "FARGATE_SPOT", "capacityType": "spot", "nodeSelector": {"pool": "spot"}},
    "od-pool": {"capacityType": "on-demand"},  # no spec.name: the ECS name is the object name
    "spot-pool": {"capacityType": "spot"},
}
CLUSTER = {
    "capacityProviders": ["FARGATE", "FARGATE_SPOT", "od-pool"],
    "defaultCapacityProviderStrategy": [{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
}


def _rule_of(service, cluster=CLUSTER, providers=PROVIDERS) -> str:
    with pytest.raises(StrategyError) as caught:
        effective_strategy(service, cluster, providers)
    return caught.value.rule


def test_service_strategy_wins_and_is_resolved_with_defaults_filled():
    service = {
        "capacityProviderStrategy": [
            {"capacityProvider": "fargate", "base": 2, "weight": 1},
            {"capacityProvider": "FARGATE_SPOT", "weight": 3},
        ]
    }
    assert effective_strategy(service, CLUSTER, PROVIDERS) == [
        {"capacityProvider": "FARGATE", "base": 2, "weight": 1, "k8sName": "fargate"},
        {"capacityProvider": "FARGATE_SPOT", "base": 0, "weight": 3, "k8sName": "fargate-spot"},
    ]


def test_no_service_strategy_uses_the_cluster_default():
    assert effective_strategy({}, CLUSTER, PROVIDERS) == [
        {"capacityProvider": "FARGATE_SPOT", "base": 0, "weight": 1, "k8sName": "fargate-spot"}
    ]


def test_empty_service_strategy_means_not_given():
    assert (
        effective_strategy({"capacityProviderStrategy": []}, CLUSTER, PROVIDERS)[0]["k8sName"]
        == "fargate-spot"
    )


def test_launch_type_picks_the_provider_of_that_name():
    assert effective_strategy({"launchType": "FARGATE"}, CLUSTER, PROVIDERS) == [
        {"capacityProvider": "FARGATE", "base": 0, "weight": 1, "k8sName": "fargate"}
    ]


def test_launch_type_without_a_provider_of_that_name_picks_first_on_demand_of_the_cluster():
    cluster = {"capacityProviders": ["FARGATE_SPOT", "od-pool", "FARGATE"]}
    assert effective_strategy({"launchType": "EC2"}, cluster, PROVIDERS) == [
        {"capacityProvider": "od-pool", "base": 0, "weight": 1, "k8sName": "od-pool"}
    ]


def test_launch_type_with_no_on_demand_provider_in_the_cluster_is_no_strategy():
    cluster = {"capacityProviders": ["FARGATE_SPOT", "spot-pool"]}
    assert _rule_of({"launchType": "EC2"}, cluster) == "no-strategy"
    assert _rule_of({"launchType": "EC2"}, None) == "no-strategy"


def test_launch_type_provider_need_not_be_associated_with_the_cluster():
    cluster = {"capacityProviders": ["od-pool"]}
    assert effective_strategy({"launchType": "FARGATE"}, cluster, PROVIDERS)[0]["k8sName"] == "fargate"


def test_launch_type_together_with_a_strategy_is_rejected():
    service = {"launchType": "FARGATE", "capacityProviderStrategy": [{"capacityProvider": "FARGATE"}]}
    assert _rule_of(service) == "launch-type-and-strategy"


def test_nothing_applicable_is_no_strategy():
    assert _rule_of({}, None) == "no-strategy"
    assert (
        _rule_of({}, {"capacityProviders": ["FARGATE"], "defaultCapacityProviderStrategy": []})
        == "no-strategy"
    )


def test_unknown_provider_is_reported():
    service = {"capacityProviderStrategy": [{"capacityProvider": "GPU_POOL", "weight": 1}]}
    assert _rule_of(service) == "unknown-provider"


def test_provider_missing_from_the_cluster_list_is_not_associated():
    service = {"capacityProviderStrategy": [{"capacityProvider": "spot-pool", "weight": 1}]}
    assert _rule_of(service) == "not-associated"


def test_cluster_default_must_be_associated_too():
    cluster = {
        "capacityProviders": ["FARGATE"],
        "defaultCapacityProviderStrategy": [{"capacityProvider": "od-pool"}],
    }
    assert _rule_of({}, cluster) == "not-associated"


def test_without_a_cluster_or_its_list_any_existing_provider_may_be_used():
    service = {"capacityProviderStrategy": [{"capacityProvider": "SPOT_POOL", "weight": 1}]}
    expected = [{"capacityProvider": "spot-pool", "base": 0, "weight": 1, "k8sName": "spot-pool"}]
    assert effective_strategy(service, None, PROVIDERS) == expected
    assert effective_strategy(service, {"capacityProviders": []}, PROVIDERS) == expected


def test_strategy_rules_are_validated_before_providers_are_resolved():
    service = {
        "capacityProviderStrategy": [{"capacityProvider": "FARGATE"}, {"capacityProvider": "FARGATE_SPOT"}]
    }
    assert _rule_of(service) == "no-positive-weight"


def test_same_provider_in_both_name_forms_is_a_duplicate():
    service = {
        "capacityProviderStrategy": [
            {"capacityProvider": "FARGATE_SPOT", "weight": 1},
            {"capacityProvider": "fargate-spot", "weight": 1},
        ]
    }
    assert _rule_of(service) == "duplicate-provider"
