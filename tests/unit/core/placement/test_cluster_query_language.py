import pytest

from ecs_operator.core.placement.cluster_query_language import (
    ZONE,
    PlacementExpressionError,
    node_selector_terms,
)


def _requirements(expression):
    return [term["matchExpressions"] for term in node_selector_terms(expression)]


def test_equality_on_the_availability_zone_becomes_a_zone_requirement():
    assert _requirements("attribute:ecs.availability-zone == us-east-1a") == [
        [{"key": ZONE, "operator": "In", "values": ["us-east-1a"]}]
    ]


@pytest.mark.parametrize(
    ("attribute", "label"),
    [
        ("ecs.instance-type", "node.kubernetes.io/instance-type"),
        ("ecs.os-type", "kubernetes.io/os"),
        ("ecs.cpu-architecture", "kubernetes.io/arch"),
        ("stack", "stack"),
        ("example.com/tier", "example.com/tier"),
    ],
)
def test_attributes_map_to_node_labels(attribute, label):
    assert _requirements(f"attribute:{attribute} exists") == [[{"key": label, "operator": "Exists"}]]


def test_cpu_architecture_values_use_kubernetes_spelling():
    assert _requirements("attribute:ecs.cpu-architecture == x86_64") == [
        [{"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]}]
    ]


@pytest.mark.parametrize(
    ("expression", "operator", "values"),
    [
        ("attribute:stack != prod", "NotIn", ["prod"]),
        ("attribute:stack not_equals prod", "NotIn", ["prod"]),
        ("attribute:stack in [prod, 'staging']", "In", ["prod", "staging"]),
        ("attribute:stack in (prod, staging)", "In", ["prod", "staging"]),
        ("attribute:stack not_in [prod, staging]", "NotIn", ["prod", "staging"]),
        ("attribute:stack !in [prod]", "NotIn", ["prod"]),
        ("attribute:stack !exists", "DoesNotExist", None),
        ("attribute:stack not_exists", "DoesNotExist", None),
    ],
)
def test_operators_translate_to_node_selector_operators(expression, operator, values):
    expected = {"key": "stack", "operator": operator, **({"values": values} if values else {})}
    assert _requirements(expression) == [[expected]]


def test_and_puts_requirements_in_one_term():
    assert _requirements(
        "attribute:ecs.instance-type == t3.large and attribute:ecs.availability-zone != us-east-1d"
    ) == [
        [
            {"key": "node.kubernetes.io/instance-type", "operator": "In", "values": ["t3.large"]},
            {"key": ZONE, "operator": "NotIn", "values": ["us-east-1d"]},
        ]
    ]


def test_or_makes_one_term_per_alternative():
    assert _requirements("attribute:stack == prod || attribute:gpu exists") == [
        [{"key": "stack", "operator": "In", "values": ["prod"]}],
        [{"key": "gpu", "operator": "Exists"}],
    ]


def test_and_binds_tighter_than_or_and_parentheses_override_it():
    assert len(node_selector_terms("attribute:a == 1 or attribute:b == 2 and attribute:c == 3")) == 2
    grouped = _requirements("(attribute:a == 1 or attribute:b == 2) and attribute:c == 3")
    c_is_3 = {"key": "c", "operator": "In", "values": ["3"]}
    assert grouped == [
        [{"key": "a", "operator": "In", "values": ["1"]}, c_is_3],
        [{"key": "b", "operator": "In", "values": ["2"]}, c_is_3],
    ]


def test_not_is_pushed_down_by_de_morgan():
    assert _requirements("not(attribute:stack == prod or attribute:gpu exists)") == [
        [
            {"key": "stack", "operator": "NotIn", "values": ["prod"]},
            {"key": "gpu", "operator": "DoesNotExist"},
        ]
    ]
    assert _requirements("!(attribute:a in [x, y] and attribute:b !exists)") == [
        [{"key": "a", "operator": "NotIn", "values": ["x", "y"]}],
        [{"key": "b", "operator": "Exists"}],
    ]


@pytest.mark.parametrize(
    "expression",
    [
        "attribute:ecs.instance-type =~ t2.*",
        "attribute:ecs.instance-type !~ t2.*",
        "task:group == service:production",
        "ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']",
        "registeredAt < 2018-06-18",
        "runningTasksCount == 0",
        "agentVersion >= 1.0.0",
        "attribute:ecs.ami-id == ami-12345",
        "attribute:ecs.availability-zone ==",
        "attribute:stack == prod and",
        "attribute:stack == 'two words'",
        "attribute:stack ~ prod",
        "(attribute:stack == prod",
        "",
    ],
)
def test_untranslatable_expressions_are_rejected_quoting_the_expression(expression):
    with pytest.raises(PlacementExpressionError) as caught:
        node_selector_terms(expression)
    assert f'"{expression}"' in str(caught.value)
    assert caught.value.expression == expression


def test_regex_rejection_says_why():
    with pytest.raises(PlacementExpressionError, match="regular expression"):
        node_selector_terms("attribute:ecs.instance-type =~ t2.*")


def test_exponential_expansion_is_refused():
    clause = "(attribute:a == 1 or attribute:a == 2)"
    with pytest.raises(PlacementExpressionError, match="node selector terms"):
        node_selector_terms(" and ".join([clause] * 7))
