import pytest

from ecs_operator.core.cluster.cluster_status import cluster_of, cluster_status


def cluster(name, created, spec):
    return {
        "metadata": {"name": name, "namespace": "ns", "generation": 1, "creationTimestamp": created},
        "spec": spec,
    }


@pytest.fixture
def status_of(providers):
    def _status_of(body, **kw):
        return cluster_status(body, providers, running_tasks=3, active_services=1, now="t", **kw)

    return _status_of


def test_associated_providers_resolve_to_ecs_names(status_of):
    body = cluster(
        "default",
        "1",
        {
            "capacityProviders": ["FARGATE", "fargate-spot"],
            "defaultCapacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1}],
        },
    )
    status = status_of(body)
    assert status["capacityProviders"] == ["FARGATE", "FARGATE_SPOT"]
    assert status["conditions"][0]["status"] == "True"
    assert (status["runningTasksCount"], status["activeServicesCount"]) == (3, 1)


def test_an_unknown_provider_is_named_in_the_condition(status_of):
    status = status_of(cluster("default", "1", {"capacityProviders": ["FARGATE", "EC2_POOL"]}))
    ready = status["conditions"][0]
    assert ready["status"] == "False" and ready["reason"] == "InvalidSpec" and "EC2_POOL" in ready["message"]


def test_a_default_strategy_outside_the_associated_providers_is_refused(status_of):
    body = cluster(
        "default",
        "1",
        {
            "capacityProviders": ["FARGATE"],
            "defaultCapacityProviderStrategy": [{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
        },
    )
    ready = status_of(body)["conditions"][0]
    assert ready["status"] == "False" and "FARGATE_SPOT" in ready["message"]


def test_only_the_oldest_cluster_of_a_namespace_is_in_effect(status_of):
    first = cluster("a", "2026-01-01T00:00:00Z", {"capacityProviders": ["FARGATE"]})
    second = cluster("b", "2026-02-01T00:00:00Z", {"capacityProviders": ["FARGATE"]})
    assert cluster_of([second, first]) is first
    assert status_of(first, in_effect=first)["conditions"][0]["status"] == "True"
    assert status_of(second, in_effect=first)["conditions"][0]["reason"] == "DuplicateCluster"
