from ecs_operator.api import names


def test_ecs_names_map_to_lowercase_dns_names():
    assert names.k8s_name("FARGATE_SPOT") == "fargate-spot"
    assert names.k8s_name("MyApp_Task") == "myapp-task"
    assert names.k8s_name("web") == "web"


def test_references_resolve_in_either_form():
    assert names.same_object("FARGATE_SPOT", "fargate-spot")
    assert names.same_object("fargate-spot", "FARGATE_SPOT")
    assert not names.same_object("FARGATE", "FARGATE_SPOT")


def test_child_names_are_dns_labels_and_unique_when_shortened():
    short = names.child_name("web", "FARGATE_SPOT")
    assert short == "web-fargate-spot"
    a = names.child_name("s" * 60, "FARGATE")
    b = names.child_name("s" * 60, "FARGATE_SPOT")
    assert names.is_dns_label(a) and names.is_dns_label(b)
    assert a != b


def test_label_values_fit_and_stay_distinct():
    assert names.label_value("web-3") == "web-3"
    long_a = names.label_value("F" * 200 + ":1")
    long_b = names.label_value("F" * 200 + ":2")
    assert len(long_a) <= 63 and len(long_b) <= 63 and long_a != long_b
    assert names.label_value("family:3") != "family:3"  # ':' is not allowed in label values
