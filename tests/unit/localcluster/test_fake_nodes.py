from ecs_operator.api.labels import CAPACITY_TYPE
from ecs_operator.localcluster import nodes
from ecs_operator.localcluster.nodes import NodeShape, build_node, build_pools


def test_each_pool_gets_the_requested_nodes_spread_over_both_zones():
    built = build_pools(3)
    for pool in ("on-demand", "spot"):
        members = [n for n in built if n["metadata"]["labels"][CAPACITY_TYPE] == pool]
        assert len(members) == 3
        assert {n["metadata"]["labels"]["topology.kubernetes.io/zone"] for n in members} == {
            "local-a",
            "local-b",
        }
    assert len({n["metadata"]["name"] for n in built}) == 6


def test_a_node_carries_the_labels_the_scheduler_and_the_operator_select_on():
    node = build_node("on-demand", 0)
    labels = node["metadata"]["labels"]
    assert labels["kubernetes.io/hostname"] == node["metadata"]["name"] == "kwok-on-demand-0"
    assert labels["kubernetes.io/os"] == "linux"
    assert labels["kubernetes.io/arch"] == "amd64"
    assert labels["node.kubernetes.io/instance-type"]
    assert labels[CAPACITY_TYPE] == "on-demand"
    assert node["metadata"]["annotations"] == {"kwok.x-k8s.io/node": "fake"}
    assert node["spec"]["providerID"] == "kwok://kwok-on-demand-0"


def test_only_spot_nodes_are_tainted_no_schedule():
    assert build_node("on-demand", 1)["spec"]["taints"] == []
    assert build_node("spot", 1)["spec"]["taints"] == [
        {"key": CAPACITY_TYPE, "value": "spot", "effect": "NoSchedule"}
    ]


def test_node_shape_sets_allocatable_and_capacity():
    node = build_node("spot", 0, NodeShape(cpu="8", memory="32Gi", pods=250))
    expected = {"cpu": "8", "memory": "32Gi", "pods": "250"}
    assert node["status"]["allocatable"] == expected
    assert node["status"]["capacity"] == expected


def test_explicit_zone_overrides_the_alternation():
    assert (
        build_node("spot", 0, zone="local-b")["metadata"]["labels"]["topology.kubernetes.io/zone"]
        == "local-b"
    )


def test_builders_return_fresh_objects_each_time():
    first = build_node("spot", 0)
    first["spec"]["taints"][0]["effect"] = "NoExecute"
    assert build_node("spot", 0)["spec"]["taints"][0]["effect"] == "NoSchedule"


def test_added_nodes_fill_the_lowest_free_index():
    taken = {"kwok-spot-0", "kwok-spot-2", "kwok-on-demand-1"}
    assert nodes.next_free_index(taken, "spot") == 1
    assert nodes.next_free_index(taken, "on-demand") == 0


def test_node_row_reads_pool_zone_and_ready_condition():
    node = build_node("spot", 1)
    node["status"]["conditions"] = [{"type": "Ready", "status": "True"}]
    row = nodes.node_row(node)
    assert row == nodes.NodeRow(name="kwok-spot-1", pool="spot", zone="local-b", ready=True)
    node["status"]["conditions"] = [{"type": "Ready", "status": "Unknown"}]
    assert not nodes.node_row(node).ready
    assert nodes.is_fake(node)
    assert not nodes.is_fake({"metadata": {"name": "real"}})


def test_a_node_accepts_pods_only_once_ready_and_free_of_lifecycle_taints():
    node = build_node("spot", 0)
    assert not nodes.accepts_pods(node)  # no Ready condition yet
    node["status"]["conditions"] = [{"type": "Ready", "status": "True"}]
    assert nodes.accepts_pods(node)  # the spot taint is ours, not the lifecycle controller's
    node["spec"]["taints"].append({"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule"})
    assert not nodes.accepts_pods(node)


def test_extra_taints_are_added_after_the_pool_taint():
    test_only = {"key": "ecs-operator.dev/test-only", "value": "ns", "effect": "NoSchedule"}
    assert build_node("spot", 0, extra_taints=[test_only])["spec"]["taints"] == [
        {"key": CAPACITY_TYPE, "value": "spot", "effect": "NoSchedule"},
        test_only,
    ]
    assert build_node("on-demand", 0, extra_taints=[test_only])["spec"]["taints"] == [test_only]
