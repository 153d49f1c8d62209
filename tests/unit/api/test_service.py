"""ServiceSpec: ECS CreateService rules
(https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html
) and the capacityProviderFallback extension."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from ecs_operator.api import ServiceSpec


def service(**overrides: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"serviceName": "web", "taskDefinition": "web:3", "desiredCount": 2}
    spec.update(overrides)
    return {k: v for k, v in spec.items() if v is not None}


def rejected(spec: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as error:
        ServiceSpec.model_validate(spec)
    return str(error.value)


def strategy(*items: tuple[str, int, int]) -> list[dict[str, Any]]:
    return [{"capacityProvider": name, "base": base, "weight": weight} for name, base, weight in items]


def test_task_definition_is_family_or_family_revision() -> None:
    ServiceSpec.model_validate(service(taskDefinition="web"))
    ServiceSpec.model_validate(service(taskDefinition="My_App:12"))
    assert "taskDefinition" in rejected(service(taskDefinition="web:latest"))
    assert "taskDefinition" in rejected(service(taskDefinition="web:0"))


def test_launch_type_and_strategy_are_mutually_exclusive() -> None:
    spec = service(launchType="FARGATE", capacityProviderStrategy=strategy(("FARGATE", 0, 1)))
    assert "launchType and capacityProviderStrategy are mutually exclusive" in rejected(spec)


def test_only_one_provider_may_have_a_base() -> None:
    spec = service(capacityProviderStrategy=strategy(("OD", 1, 1), ("SPOT", 2, 1)))
    assert "only one capacity provider in a strategy can have a base" in rejected(spec)


def test_with_several_providers_some_weight_must_be_positive() -> None:
    spec = service(capacityProviderStrategy=strategy(("OD", 1, 0), ("SPOT", 0, 0)))
    assert "at least one weight must be greater than 0" in rejected(spec)


def test_a_single_provider_with_weight_zero_is_accepted() -> None:
    ServiceSpec.model_validate(service(capacityProviderStrategy=strategy(("OD", 0, 0))))


@pytest.mark.parametrize("base,weight", [(-1, 1), (100_001, 1), (0, 1001), (0, -1)])
def test_base_and_weight_ranges(base: int, weight: int) -> None:
    assert "capacityProviderStrategy.0" in rejected(
        service(capacityProviderStrategy=strategy(("OD", base, weight)))
    )


def test_strategy_holds_at_most_20_items() -> None:
    items = strategy(*[(f"cp{i}", 0, 1) for i in range(21)])
    assert "at most 20 items" in rejected(service(capacityProviderStrategy=items))


def test_a_provider_appears_once_per_strategy_under_the_name_rule() -> None:
    spec = service(capacityProviderStrategy=strategy(("FARGATE_SPOT", 0, 1), ("fargate-spot", 0, 1)))
    assert "may appear only once" in rejected(spec)


def test_base_and_weight_default_to_zero() -> None:
    item = ServiceSpec.model_validate(service(capacityProviderStrategy=[{"capacityProvider": "X"}]))
    assert item.capacityProviderStrategy is not None
    assert (item.capacityProviderStrategy[0].base, item.capacityProviderStrategy[0].weight) == (0, 0)


def test_replica_needs_desired_count() -> None:
    assert "desiredCount is required" in rejected(service(desiredCount=None))


def test_daemon_takes_no_desired_count_and_max_percent_100() -> None:
    assert "DAEMON takes no desiredCount" in rejected(service(schedulingStrategy="DAEMON"))
    daemon = service(schedulingStrategy="DAEMON", desiredCount=None)
    ServiceSpec.model_validate(daemon)
    bad = {**daemon, "deploymentConfiguration": {"maximumPercent": 200}}
    assert "maximumPercent 100" in rejected(bad)
    assert "not allowed with launchType FARGATE" in rejected({**daemon, "launchType": "FARGATE"})


def test_scheduling_strategy_defaults_to_replica() -> None:
    assert ServiceSpec.model_validate(service()).schedulingStrategy == "REPLICA"


def test_task_definition_required_except_for_external_controller() -> None:
    assert "taskDefinition is required" in rejected(service(taskDefinition=None))
    ServiceSpec.model_validate(service(taskDefinition=None, deploymentController={"type": "EXTERNAL"}))


def test_circuit_breaker_shape_and_defaults() -> None:
    config = {
        "deploymentCircuitBreaker": {
            "enable": True,
            "rollback": True,
            "thresholdConfiguration": {"type": "COUNT", "value": 5},
        },
        "maximumPercent": 200,
        "minimumHealthyPercent": 50,
    }
    model = ServiceSpec.model_validate(service(deploymentConfiguration=config))
    breaker = model.deploymentConfiguration.deploymentCircuitBreaker  # type: ignore[union-attr]
    assert breaker is not None and breaker.resetOnHealthyTask is True
    assert "deploymentCircuitBreaker.rollback" in rejected(
        service(deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True}})
    )


def test_capacity_provider_fallback_defaults_and_rules() -> None:
    fallback = [{"capacityProvider": "FARGATE_SPOT", "fallbackCapacityProvider": "FARGATE"}]
    model = ServiceSpec.model_validate(service(capacityProviderFallback=fallback))
    assert model.capacityProviderFallback and model.capacityProviderFallback[0].unschedulableSeconds == 60
    negative = [{**fallback[0], "unschedulableSeconds": -1}]
    assert "unschedulableSeconds" in rejected(service(capacityProviderFallback=negative))
    itself = [{"capacityProvider": "FARGATE_SPOT", "fallbackCapacityProvider": "fargate-spot"}]
    assert "cannot fall back to itself" in rejected(service(capacityProviderFallback=itself))


def test_cluster_is_not_a_spec_field() -> None:
    assert "cluster" in rejected(service(cluster="prod"))


def test_update_service_force_new_deployment_is_accepted() -> None:
    assert ServiceSpec.model_validate(service(forceNewDeployment=True)).forceNewDeployment is True


def test_service_has_every_create_service_member_but_cluster_plus_two() -> None:
    assert set(ServiceSpec.model_fields) == {
        "serviceName", "taskDefinition", "availabilityZoneRebalancing", "loadBalancers", "serviceRegistries",
        "desiredCount", "clientToken", "launchType", "capacityProviderStrategy", "platformVersion", "role",
        "deploymentConfiguration", "placementConstraints", "placementStrategy", "networkConfiguration",
        "healthCheckGracePeriodSeconds", "schedulingStrategy", "deploymentController", "tags",
        "enableECSManagedTags", "propagateTags", "enableExecuteCommand", "serviceConnectConfiguration",
        "volumeConfigurations", "vpcLatticeConfigurations", "gatewayConnectors", "monitoring",
        # UpdateService's, and our one extension:
        "forceNewDeployment", "capacityProviderFallback",
    }  # fmt: skip
