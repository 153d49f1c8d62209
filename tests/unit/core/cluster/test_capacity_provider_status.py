from ecs_operator.core.cluster.capacity_provider_status import capacity_provider_status, reservation
from ecs_operator.core.k8s.quantity import quantity
from ecs_operator.core.placement.node_pool import node_in_pool

SPOT = {
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
}


def node(name, pool, ready=True, taint=None, cpu="4", memory="16Gi"):
    return {
        "metadata": {"name": name, "labels": {"ecs-operator.dev/capacity-type": pool}},
        "spec": {"taints": [taint] if taint else []},
        "status": {
            "allocatable": {"cpu": cpu, "memory": memory},
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
        },
    }


SPOT_TAINT = {"key": "ecs-operator.dev/capacity-type", "value": "spot", "effect": "NoSchedule"}


def test_reservation_follows_ecs_formula_and_special_cases():
    assert reservation(0, 0) == 100.0
    assert reservation(3, 0) == 200.0
    assert reservation(4, 2) == 200.0
    assert reservation(2, 4) == 50.0
    assert reservation(0, 3) == 0.0


def test_pool_membership_needs_the_selector_and_tolerated_taints():
    assert node_in_pool(SPOT, node("s1", "spot", taint=SPOT_TAINT))
    assert not node_in_pool(SPOT, node("o1", "on-demand"))
    untolerated = {**SPOT, "tolerations": []}
    assert not node_in_pool(untolerated, node("s1", "spot", taint=SPOT_TAINT))


def test_quantities():
    assert quantity("250m") == 0.25
    assert quantity("16Gi") == 16 * 2**30
    assert quantity("4") == 4


def test_status_counts_nodes_and_readiness():
    body = {"metadata": {"name": "fargate-spot", "generation": 1}, "spec": SPOT}
    nodes = [
        node("s1", "spot", taint=SPOT_TAINT),
        node("s2", "spot", ready=False, taint=SPOT_TAINT),
        node("o1", "on-demand"),
    ]
    status = capacity_provider_status(body, nodes, [], now="2026-01-01T00:00:00Z")
    assert status["nodes"] == 2 and status["readyNodes"] == 1
    assert status["allocatable"] == {"cpu": "4000m", "memory": "16384Mi"}
    assert status["capacityProviderReservation"] == 0.0
    assert status["conditions"][0]["status"] == "True"


def test_a_provider_with_no_nodes_is_not_ready():
    body = {"metadata": {"name": "x", "generation": 1}, "spec": {**SPOT, "nodeSelector": {"pool": "none"}}}
    status = capacity_provider_status(body, [node("s1", "spot", taint=SPOT_TAINT)], [], now="t")
    assert status["nodes"] == 0
    assert status["conditions"][0]["reason"] == "NoMatchingNodes"
