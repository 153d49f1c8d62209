from ecs_operator.core.cluster.capacity_provider_status import capacity_provider_status, reservation


def test_reservation_follows_ecs_formula_and_special_cases():
    assert reservation(0, 0) == 100.0
    assert reservation(3, 0) == 200.0
    assert reservation(4, 2) == 200.0
    assert reservation(2, 4) == 50.0
    assert reservation(0, 3) == 0.0


def test_status_counts_nodes_and_readiness(fargate_spot, make_node, spot_taint):
    body = {"metadata": {"name": "fargate-spot", "generation": 1}, "spec": fargate_spot}
    nodes = [
        make_node("s1", "spot", taint=spot_taint),
        make_node("s2", "spot", ready=False, taint=spot_taint),
        make_node("o1", "on-demand"),
    ]
    status = capacity_provider_status(body, nodes, [], now="2026-01-01T00:00:00Z")
    assert status["nodes"] == 2 and status["readyNodes"] == 1
    assert status["allocatable"] == {"cpu": "4000m", "memory": "16384Mi"}
    assert status["capacityProviderReservation"] == 0.0
    assert status["conditions"][0]["status"] == "True"


def test_a_provider_with_no_nodes_is_not_ready(fargate_spot, make_node, spot_taint):
    body = {
        "metadata": {"name": "x", "generation": 1},
        "spec": {**fargate_spot, "nodeSelector": {"pool": "none"}},
    }
    status = capacity_provider_status(body, [make_node("s1", "spot", taint=spot_taint)], [], now="t")
    assert status["nodes"] == 0
    assert status["conditions"][0]["reason"] == "NoMatchingNodes"
