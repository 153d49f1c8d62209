from ecs_operator.core.k8s.drift import differing_paths, satisfied


def test_server_defaults_do_not_count_as_drift():
    desired = {"spec": {"replicas": 3, "template": {"spec": {"containers": [{"name": "web", "image": "x"}]}}}}
    live = {
        "spec": {
            "replicas": 3,
            "revisionHistoryLimit": 10,
            "template": {
                "spec": {
                    "containers": [{"name": "web", "image": "x", "imagePullPolicy": "Always"}],
                    "dnsPolicy": "ClusterFirst",
                }
            },
        },
        "status": {"replicas": 3},
    }
    assert satisfied(desired, live)


def test_an_edited_replica_count_is_drift():
    assert not satisfied({"spec": {"replicas": 3}}, {"spec": {"replicas": 5}})
    assert differing_paths({"spec": {"replicas": 3}}, {"spec": {"replicas": 5}}) == [".spec.replicas"]


def test_a_removed_or_added_list_item_is_drift():
    desired = {"c": [{"name": "a"}, {"name": "b"}]}
    assert not satisfied(desired, {"c": [{"name": "a"}]})
    assert not satisfied(desired, {"c": [{"name": "a"}, {"name": "b"}, {"name": "c"}]})


def test_empty_desired_collections_match_absent_fields():
    assert satisfied(
        {"metadata": {"annotations": {}}, "spec": {"tolerations": []}}, {"metadata": {}, "spec": {}}
    )
    assert not satisfied({"spec": {"tolerations": [{"key": "k"}]}}, {"spec": {}})


def test_quantities_normalised_by_the_api_server_are_not_drift():
    desired = {"resources": {"requests": {"memory": "1024Mi", "cpu": "500m"}}}
    live = {"resources": {"requests": {"memory": "1Gi", "cpu": "0.5"}}}
    assert satisfied(desired, live)
    assert not satisfied(
        {"resources": {"limits": {"memory": "1024Mi"}}}, {"resources": {"limits": {"memory": "2Gi"}}}
    )


def test_values_outside_resources_compare_as_strings():
    assert not satisfied({"env": [{"name": "N", "value": "10"}]}, {"env": [{"name": "N", "value": "10.0"}]})
