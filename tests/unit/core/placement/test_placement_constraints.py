import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecs_operator.core.placement.cluster_query_language import (
    HOSTNAME,
    ZONE,
    PlacementError,
    PlacementExpressionError,
)
from ecs_operator.core.placement.node_pool import pool_scheduling
from ecs_operator.core.placement.placement_constraints import merge_scheduling, task_placement

LABELS = {"ecs-operator.dev/service": "web"}
SPOT_TOLERATION = {"key": "ecs-operator.dev/capacity-type", "value": "spot", "effect": "NoSchedule"}


# --- task placement -------------------------------------------------------------------------------


def test_distinct_instance_becomes_required_anti_affinity_per_host():
    result = task_placement([{"type": "distinctInstance"}], [], LABELS)
    assert result.affinity == {
        "podAntiAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [
                {"labelSelector": {"matchLabels": LABELS}, "topologyKey": HOSTNAME}
            ]
        }
    }
    assert result.topology_spread_constraints == [] and result.ignored == []


def test_member_of_becomes_required_node_affinity():
    result = task_placement([{"type": "memberOf", "expression": "attribute:stack == prod"}], [], LABELS)
    assert result.affinity == {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {"matchExpressions": [{"key": "stack", "operator": "In", "values": ["prod"]}]}
                ]
            }
        }
    }


def test_several_member_of_constraints_must_all_hold():
    constraints = [
        {"type": "memberOf", "expression": "attribute:a == 1 or attribute:a == 2"},
        {"type": "memberOf", "expression": "attribute:b exists"},
    ]
    terms = task_placement(constraints, [], LABELS).affinity["nodeAffinity"][
        "requiredDuringSchedulingIgnoredDuringExecution"
    ]["nodeSelectorTerms"]
    b_exists = {"key": "b", "operator": "Exists"}
    assert terms == [
        {"matchExpressions": [{"key": "a", "operator": "In", "values": ["1"]}, b_exists]},
        {"matchExpressions": [{"key": "a", "operator": "In", "values": ["2"]}, b_exists]},
    ]


@pytest.mark.parametrize(
    ("field", "topology_key"),
    [
        ("attribute:ecs.availability-zone", ZONE),
        ("instanceId", HOSTNAME),
        ("host", HOSTNAME),
        ("attribute:rack", "rack"),
    ],
)
def test_spread_becomes_a_best_effort_topology_spread(field, topology_key):
    result = task_placement([], [{"type": "spread", "field": field}], LABELS)
    assert result.topology_spread_constraints == [
        {
            "maxSkew": 1,
            "topologyKey": topology_key,
            "whenUnsatisfiable": "ScheduleAnyway",
            "labelSelector": {"matchLabels": LABELS},
        }
    ]


def test_binpack_and_random_are_accepted_and_reported_as_ignored():
    strategy = [
        {"type": "spread", "field": "attribute:ecs.availability-zone"},
        {"type": "binpack", "field": "memory"},
        {"type": "random"},
    ]
    result = task_placement([], strategy, LABELS)
    assert [path for path, _ in result.ignored] == ["placementStrategy[1]", "placementStrategy[2]"]
    assert "binpack on memory" in result.ignored[0][1]
    assert len(result.topology_spread_constraints) == 1


def test_repeated_spread_on_the_same_key_is_kept_once():
    strategy = [{"type": "spread", "field": "instanceId"}, {"type": "spread", "field": "host"}]
    assert len(task_placement([], strategy, LABELS).topology_spread_constraints) == 1


@pytest.mark.parametrize(
    ("constraints", "strategy", "labels"),
    [
        ([{"type": "distinctInstance", "expression": "attribute:a exists"}], [], LABELS),
        ([{"type": "memberOf"}], [], LABELS),
        ([{"type": "sameInstance"}], [], LABELS),
        ([], [{"type": "spread"}], LABELS),
        ([], [{"type": "spread", "field": "attribute:ecs.vpc-id"}], LABELS),
        ([], [{"type": "spread", "field": "cpu"}], LABELS),
        ([], [{"type": "pack"}], LABELS),
        ([{"type": "distinctInstance"}], [], {}),
        ([], [{"type": "spread", "field": "host"}], {}),
    ],
)
def test_invalid_placement_settings_are_errors(constraints, strategy, labels):
    with pytest.raises(PlacementError):
        task_placement(constraints, strategy, labels)


def test_untranslatable_member_of_raises_the_expression_error():
    with pytest.raises(PlacementExpressionError):
        task_placement([{"type": "memberOf", "expression": "task:group == db"}], [], LABELS)


# --- merging --------------------------------------------------------------------------------------


def _required(*expressions):
    return {
        "affinity": {
            "nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {
                    "nodeSelectorTerms": [{"matchExpressions": list(term)} for term in expressions]
                }
            }
        }
    }


A1, A2 = {"key": "a", "operator": "In", "values": ["1"]}, {"key": "a", "operator": "In", "values": ["2"]}
B1, B2 = {"key": "b", "operator": "In", "values": ["1"]}, {"key": "b", "operator": "In", "values": ["2"]}


def test_merge_ands_required_node_affinity_as_a_cross_product_of_terms():
    merged = merge_scheduling(_required([A1], [A2]), _required([B1], [B2]))
    assert merged == _required([A1, B1], [A1, B2], [A2, B1], [A2, B2])


def test_merge_with_one_side_without_node_affinity_keeps_the_other():
    assert merge_scheduling({"nodeSelector": {"pool": "od"}}, _required([A1])) == {
        "nodeSelector": {"pool": "od"},
        **_required([A1]),
    }


def test_merge_unions_node_selectors_and_dedupes_tolerations():
    merged = merge_scheduling(
        {"nodeSelector": {"pool": "spot"}, "tolerations": [SPOT_TOLERATION]},
        {"nodeSelector": {"zone": "a"}, "tolerations": [SPOT_TOLERATION, {"operator": "Exists"}]},
    )
    assert merged == {
        "nodeSelector": {"pool": "spot", "zone": "a"},
        "tolerations": [SPOT_TOLERATION, {"operator": "Exists"}],
    }


def test_merge_rejects_contradicting_node_selectors():
    with pytest.raises(PlacementError, match="pool"):
        merge_scheduling({"nodeSelector": {"pool": "spot"}}, {"nodeSelector": {"pool": "od"}})


def test_merge_concatenates_pod_anti_affinity_and_spread():
    pool = pool_scheduling({"nodeSelector": {"pool": "spot"}, "tolerations": [SPOT_TOLERATION]})
    task = task_placement(
        [
            {"type": "distinctInstance"},
            {"type": "memberOf", "expression": "attribute:ecs.availability-zone in [z1, z2]"},
        ],
        [{"type": "spread", "field": "attribute:ecs.availability-zone"}],
        LABELS,
    )
    other = {
        "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 1}]}}
    }
    merged = merge_scheduling(pool, task.as_fragment(), other)
    assert merged["nodeSelector"] == {"pool": "spot"}
    assert merged["tolerations"] == [SPOT_TOLERATION]
    assert merged["affinity"]["podAntiAffinity"] == {
        "requiredDuringSchedulingIgnoredDuringExecution": [
            {"labelSelector": {"matchLabels": LABELS}, "topologyKey": HOSTNAME}
        ],
        "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 1}],
    }
    assert merged["affinity"]["nodeAffinity"] == task.affinity["nodeAffinity"]
    assert merged["topologySpreadConstraints"] == task.topology_spread_constraints


def test_merge_of_nothing_is_empty():
    assert merge_scheduling() == {}
    assert merge_scheduling({}, task_placement([], [{"type": "random"}], LABELS).as_fragment()) == {}


def test_merge_reads_only_scheduling_keys_of_a_whole_pod_spec():
    pod_spec = {"containers": [{"name": "web"}], "nodeSelector": {"pool": "od"}}
    assert merge_scheduling(pod_spec, {"tolerations": [SPOT_TOLERATION]}) == {
        "nodeSelector": {"pool": "od"},
        "tolerations": [SPOT_TOLERATION],
    }


# --- merged node affinity matches exactly the nodes every fragment matches ------------------------


def _node_matches(terms, node_labels):
    """Kubernetes semantics: terms are ORed, the requirements inside a term ANDed."""

    def holds(requirement):
        key, operator = requirement["key"], requirement["operator"]
        if operator == "Exists":
            return key in node_labels
        if operator == "DoesNotExist":
            return key not in node_labels
        inside = node_labels.get(key) in requirement["values"]
        return inside if operator == "In" else not inside

    return any(all(holds(r) for r in term.get("matchExpressions", [])) for term in terms)


_requirement = st.builds(
    lambda key, operator, values: {
        "key": key,
        "operator": operator,
        **({"values": values} if values else {}),
    },
    st.sampled_from(["a", "b", "c"]),
    st.sampled_from(["In", "NotIn", "Exists", "DoesNotExist"]),
    st.lists(st.sampled_from(["1", "2"]), min_size=1, max_size=2, unique=True),
).map(lambda r: r if r["operator"] in ("In", "NotIn") else {"key": r["key"], "operator": r["operator"]})
_terms = st.lists(st.lists(_requirement, min_size=1, max_size=3), min_size=1, max_size=3)
_nodes = st.dictionaries(st.sampled_from(["a", "b", "c"]), st.sampled_from(["1", "2"]))


def _required_terms(fragment):
    return fragment["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][
        "nodeSelectorTerms"
    ]


@given(_terms, _terms, _nodes)
def test_merged_required_node_affinity_matches_a_node_iff_both_fragments_do(left, right, node_labels):
    merged = merge_scheduling(_required(*left), _required(*right))
    both = _node_matches(_required_terms(_required(*left)), node_labels) and _node_matches(
        _required_terms(_required(*right)), node_labels
    )
    assert _node_matches(_required_terms(merged), node_labels) == both
