import pytest

from ecs_operator.core.placement.capacity_split import StrategyError
from ecs_operator.core.placement.strategy import effective_strategy

CLUSTER = {
    "capacityProviders": ["FARGATE", "FARGATE_SPOT", "od-pool"],
    "defaultCapacityProviderStrategy": [{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
}


@pytest.fixture
def providers(providers):
    """fargate and fargate-spot, and two pools without spec.name (the ECS name is the object name)."""
    return {**providers, "od-pool": {"capacityType": "on-demand"}, "spot-pool": {"capacityType": "spot"}}


@pytest.fixture
def rule_of(providers):
    def _rule_of(service, cluster=CLUSTER) -> str:
        with pytest.raises(StrategyError) as caught:
            effective_strategy(service, cluster, providers)
        return caught.value.rule

    return _rule_of


def test_service_strategy_wins_and_is_resolved_with_defaults_filled(providers):
    service = {
        "capacityProviderStrategy": [
            {"capacityProvider": "fargate", "base": 2, "weight": 1},
            {"capacityProvider": "FARGATE_SPOT", "weight": 3},
        ]
    }
    assert effective_strategy(service, CLUSTER, providers) == [
        {"capacityProvider": "FARGATE", "base": 2, "weight": 1, "k8sName": "fargate"},
        {"capacityProvider": "FARGATE_SPOT", "base": 0, "weight": 3, "k8sName": "fargate-spot"},
    ]


def test_no_service_strategy_uses_the_cluster_default(providers):
    assert effective_strategy({}, CLUSTER, providers) == [
        {"capacityProvider": "FARGATE_SPOT", "base": 0, "weight": 1, "k8sName": "fargate-spot"}
    ]


def test_empty_service_strategy_means_not_given(providers):
    assert (
        effective_strategy({"capacityProviderStrategy": []}, CLUSTER, providers)[0]["k8sName"]
        == "fargate-spot"
    )


def test_launch_type_picks_the_provider_of_that_name(providers):
    assert effective_strategy({"launchType": "FARGATE"}, CLUSTER, providers) == [
        {"capacityProvider": "FARGATE", "base": 0, "weight": 1, "k8sName": "fargate"}
    ]


def test_launch_type_without_a_provider_of_that_name_picks_first_on_demand_of_the_cluster(providers):
    cluster = {"capacityProviders": ["FARGATE_SPOT", "od-pool", "FARGATE"]}
    assert effective_strategy({"launchType": "EC2"}, cluster, providers) == [
        {"capacityProvider": "od-pool", "base": 0, "weight": 1, "k8sName": "od-pool"}
    ]


def test_launch_type_with_no_on_demand_provider_in_the_cluster_is_no_strategy(rule_of):
    cluster = {"capacityProviders": ["FARGATE_SPOT", "spot-pool"]}
    assert rule_of({"launchType": "EC2"}, cluster) == "no-strategy"
    assert rule_of({"launchType": "EC2"}, None) == "no-strategy"


def test_launch_type_provider_need_not_be_associated_with_the_cluster(providers):
    cluster = {"capacityProviders": ["od-pool"]}
    assert effective_strategy({"launchType": "FARGATE"}, cluster, providers)[0]["k8sName"] == "fargate"


def test_launch_type_together_with_a_strategy_is_rejected(rule_of):
    service = {"launchType": "FARGATE", "capacityProviderStrategy": [{"capacityProvider": "FARGATE"}]}
    assert rule_of(service) == "launch-type-and-strategy"


def test_nothing_applicable_is_no_strategy(rule_of):
    assert rule_of({}, None) == "no-strategy"
    assert (
        rule_of({}, {"capacityProviders": ["FARGATE"], "defaultCapacityProviderStrategy": []})
        == "no-strategy"
    )


def test_unknown_provider_is_reported(rule_of):
    service = {"capacityProviderStrategy": [{"capacityProvider": "GPU_POOL", "weight": 1}]}
    assert rule_of(service) == "unknown-provider"


def test_provider_missing_from_the_cluster_list_is_not_associated(rule_of):
    service = {"capacityProviderStrategy": [{"capacityProvider": "spot-pool", "weight": 1}]}
    assert rule_of(service) == "not-associated"


def test_cluster_default_must_be_associated_too(rule_of):
    cluster = {
        "capacityProviders": ["FARGATE"],
        "defaultCapacityProviderStrategy": [{"capacityProvider": "od-pool"}],
    }
    assert rule_of({}, cluster) == "not-associated"


def test_without_a_cluster_or_its_list_any_existing_provider_may_be_used(providers):
    service = {"capacityProviderStrategy": [{"capacityProvider": "SPOT_POOL", "weight": 1}]}
    expected = [{"capacityProvider": "spot-pool", "base": 0, "weight": 1, "k8sName": "spot-pool"}]
    assert effective_strategy(service, None, providers) == expected
    assert effective_strategy(service, {"capacityProviders": []}, providers) == expected


def test_strategy_rules_are_validated_before_providers_are_resolved(rule_of):
    service = {
        "capacityProviderStrategy": [{"capacityProvider": "FARGATE"}, {"capacityProvider": "FARGATE_SPOT"}]
    }
    assert rule_of(service) == "no-positive-weight"


def test_same_provider_in_both_name_forms_is_a_duplicate(rule_of):
    service = {
        "capacityProviderStrategy": [
            {"capacityProvider": "FARGATE_SPOT", "weight": 1},
            {"capacityProvider": "fargate-spot", "weight": 1},
        ]
    }
    assert rule_of(service) == "duplicate-provider"
