from datetime import UTC, datetime, timedelta

from ecs_operator.core.service import events

NOW = datetime(2026, 11, 21, 23, 0, tzinfo=UTC)


def test_documented_ecs_messages_are_word_for_word():
    assert events.steady_state("web").message == "service web has reached a steady state."
    assert events.capacity_unavailable("web").message == (
        "service web was unable to place a task. Reason: Capacity is unavailable at this time. "
        "Please try again later or in a different availability zone."
    )


def test_unable_to_place_ends_with_exactly_one_period():
    assert events.unable_to_place("web", "0/3 nodes are available.").message == (
        "service web was unable to place a task. Reason: 0/3 nodes are available."
    )


def test_fallback_message_names_provider_count_time_and_fallback():
    assert events.fallback_started("web", "FARGATE_SPOT", 3, 60, "FARGATE").message == (
        "service web capacity provider FARGATE_SPOT could not place 3 tasks for 60s; running them on FARGATE."
    )


def test_append_event_puts_the_newest_first_in_ecs_shape():
    first = events.append_event([], "one", NOW)
    both = events.append_event(first, "two", NOW + timedelta(seconds=1))
    assert [e["message"] for e in both] == ["two", "one"]
    assert set(both[0]) == {"id", "createdAt", "message"}
    assert both[0]["createdAt"] == "2026-11-21T23:00:01Z"


def test_event_ids_are_deterministic_and_differ_per_message_and_time():
    a = events.append_event([], "one", NOW)[0]["id"]
    assert a == events.append_event([], "one", NOW)[0]["id"]
    assert a != events.append_event([], "two", NOW)[0]["id"]
    assert a != events.append_event([], "one", NOW + timedelta(seconds=1))[0]["id"]


def test_append_event_keeps_only_the_newest_hundred():
    history: list[dict] = []
    for i in range(105):
        history = events.append_event(history, f"event {i}", NOW + timedelta(seconds=i))
    assert len(history) == 100
    assert history[0]["message"] == "event 104"
    assert history[-1]["message"] == "event 5"


def test_steady_state_is_not_repeated_within_six_hours_but_is_after():
    message = events.steady_state("web").message
    history = events.append_event([], message, NOW)
    assert not events.should_emit(history, message, NOW + timedelta(hours=5, minutes=59))
    assert events.should_emit(history, message, NOW + timedelta(hours=6))


def test_a_different_message_is_always_emitted():
    history = events.append_event([], events.steady_state("web").message, NOW)
    assert events.should_emit(history, events.capacity_unavailable("web").message, NOW)
    assert events.should_emit([], events.steady_state("web").message, NOW)


def _unplaced_service_plan(nodes):
    from datetime import UTC, datetime

    from ecs_operator.core.service.plan import Family, ServiceInputs, plan_service
    from ecs_operator.core.task.state import pod_state

    spot = {
        "name": "FARGATE_SPOT",
        "capacityType": "spot",
        "nodeSelector": {"pool": "spot"},
    }
    body = {
        "apiVersion": "ecs-operator.dev/v1alpha1",
        "kind": "Service",
        "metadata": {"name": "web", "namespace": "ns", "uid": "u", "generation": 1},
        "spec": {
            "taskDefinition": "web",
            "desiredCount": 1,
            "capacityProviderStrategy": [{"capacityProvider": "FARGATE_SPOT", "weight": 1}],
        },
    }
    unplaced = pod_state(
        {
            "metadata": {
                "name": "web-1",
                "labels": {
                    "ecs-operator.dev/service": "web",
                    "ecs-operator.dev/capacity-provider": "fargate-spot",
                },
            },
            "status": {
                "phase": "Pending",
                "conditions": [
                    {
                        "type": "PodScheduled",
                        "status": "False",
                        "reason": "Unschedulable",
                        "message": "0/3 nodes are available.",
                        "lastTransitionTime": "2026-11-21T11:59:00Z",
                    }
                ],
            },
        }
    )
    td = {"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx", "memory": 256}]}
    return plan_service(
        ServiceInputs(
            service=body,
            families={"web": Family("web", False, {1: td})},
            providers={"fargate-spot": spot},
            cluster_spec=None,
            pods=[unplaced],
            children=[],
            nodes=nodes,
            now=datetime(2026, 11, 21, 12, 0, tzinfo=UTC),
        )
    )


def test_a_spot_pool_without_a_ready_node_is_capacity_unavailable_otherwise_the_scheduler_says_why():
    gone = _unplaced_service_plan([])
    assert events.capacity_unavailable("web") in gone.events
    node = {
        "metadata": {"name": "n1", "labels": {"pool": "spot"}},
        "status": {"conditions": [{"type": "Ready", "status": "True"}]},
    }
    full = _unplaced_service_plan([node])
    assert events.unable_to_place("web", "0/3 nodes are available.") in full.events
    assert all(e.type == "Warning" for e in full.events if "unable to place" in e.message)
