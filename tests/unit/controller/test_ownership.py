"""Claiming the fields a POST recorded under an Update entry, before the first apply."""

from __future__ import annotations

from ecs_operator.controller.ownership import claim_patch, summary

CONTROLLER = {"manager": "kube-controller-manager", "operation": "Update", "subresource": "status"}


def body(*entries):
    return {"metadata": {"managedFields": list(entries)}}


def test_an_update_entry_becomes_an_apply_entry_pinned_by_position():
    patch = claim_patch(body(CONTROLLER, {"manager": "ecs-operator", "operation": "Update"}), "ecs-operator")
    assert patch == [
        {"op": "test", "path": "/metadata/managedFields/1/manager", "value": "ecs-operator"},
        {"op": "test", "path": "/metadata/managedFields/1/operation", "value": "Update"},
        {"op": "replace", "path": "/metadata/managedFields/1/operation", "value": "Apply"},
    ]


def test_nothing_to_claim_once_applied_or_when_only_a_subresource_entry_is_ours():
    assert (
        claim_patch(body(CONTROLLER, {"manager": "ecs-operator", "operation": "Apply"}), "ecs-operator")
        is None
    )
    status_only = {"manager": "ecs-operator", "operation": "Update", "subresource": "status"}
    assert claim_patch(body(status_only), "ecs-operator") is None
    assert claim_patch({"metadata": {}}, "ecs-operator") is None


def test_an_update_entry_beside_an_apply_entry_is_dropped_not_duplicated():
    entries = [
        {"manager": "ecs-operator", "operation": "Apply"},
        {"manager": "ecs-operator", "operation": "Update"},
    ]
    assert claim_patch(body(*entries), "ecs-operator")[-1] == {
        "op": "remove",
        "path": "/metadata/managedFields/1",
    }


def test_the_summary_keeps_owners_in_order_and_drops_field_sets_and_times():
    full = [
        {
            "manager": "ecs-operator",
            "operation": "Update",
            "time": "t",
            "fieldsType": "FieldsV1",
            "fieldsV1": {"f:spec": {}},
        },
        {**CONTROLLER, "fieldsV1": {"f:status": {}}},
    ]
    assert summary(full) == [{"manager": "ecs-operator", "operation": "Update"}, CONTROLLER]
    # What the store keeps is enough to claim from.
    assert claim_patch(body(*summary(full)), "ecs-operator")[0]["path"] == "/metadata/managedFields/0/manager"
