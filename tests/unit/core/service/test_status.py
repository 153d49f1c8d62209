from ecs_operator.core.service.status import with_ownership_conflict

BODY = {
    "metadata": {"name": "web", "generation": 2},
    "status": {"conditions": [{"type": "Ready", "status": "False", "lastTransitionTime": "T0"}]},
}


def test_an_ownership_conflict_turns_ready_false_and_keeps_the_other_conditions():
    status = {
        "conditions": [
            {"type": "Ready", "status": "True", "lastTransitionTime": "T1"},
            {"type": "Progressing", "status": "False", "lastTransitionTime": "T1"},
        ]
    }
    out = with_ownership_conflict(status, ["Deployment/web-fargate"], BODY)
    ready, progressing = out["conditions"]
    assert (ready["status"], ready["reason"]) == ("False", "ErrResourceExists")
    assert "Deployment/web-fargate" in ready["message"]
    assert ready["lastTransitionTime"] == "T0"  # Ready was already False
    assert progressing["type"] == "Progressing"
