from ecs_operator.core.placement.node_pool import node_in_pool, pool_scheduling

SPOT_TOLERATION = {"key": "ecs-operator.dev/capacity-type", "value": "spot", "effect": "NoSchedule"}


def test_pool_scheduling_copies_only_the_keys_that_are_set():
    spec = {
        "name": "FARGATE_SPOT",
        "capacityType": "spot",
        "nodeSelector": {"pool": "spot"},
        "tolerations": [],
    }
    assert pool_scheduling(spec) == {"nodeSelector": {"pool": "spot"}}


def test_pool_scheduling_wraps_a_bare_node_affinity():
    node_affinity = {
        "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": []}]}
    }
    spec = {"nodeSelector": {"pool": "spot"}, "tolerations": [SPOT_TOLERATION], "affinity": node_affinity}
    assert pool_scheduling(spec) == {
        "nodeSelector": {"pool": "spot"},
        "tolerations": [SPOT_TOLERATION],
        "affinity": {"nodeAffinity": node_affinity},
    }
    assert pool_scheduling({"affinity": {"nodeAffinity": node_affinity}}) == {
        "affinity": {"nodeAffinity": node_affinity}
    }


def test_pool_scheduling_does_not_alias_the_provider_spec():
    spec = {"tolerations": [dict(SPOT_TOLERATION)]}
    pool_scheduling(spec)["tolerations"][0]["value"] = "changed"
    assert spec["tolerations"][0]["value"] == "spot"


# --- pool membership ------------------------------------------------------------------------------


def test_pool_membership_needs_the_selector_and_tolerated_taints(fargate_spot, make_node, spot_taint):
    assert node_in_pool(fargate_spot, make_node("s1", "spot", taint=spot_taint))
    assert not node_in_pool(fargate_spot, make_node("o1", "on-demand"))
    untolerated = {**fargate_spot, "tolerations": []}
    assert not node_in_pool(untolerated, make_node("s1", "spot", taint=spot_taint))
