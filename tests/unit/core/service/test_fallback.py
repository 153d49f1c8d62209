from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ecs_operator.core.service import events
from ecs_operator.core.service.fallback import plan_fallback

T0 = datetime(2026, 11, 21, 22, 0, tzinfo=UTC)
SPLIT = {"fargate": 4, "fargate-spot": 6}
POLICY = [
    {"capacityProvider": "FARGATE_SPOT", "fallbackCapacityProvider": "FARGATE", "unschedulableSeconds": 60}
]


class Pools:
    """Reconciles at given times, feeding back the stored state as the controller does."""

    def __init__(self, policy=POLICY, split=SPLIT):
        self.policy, self.split, self.state = policy, split, None

    def look(self, at, *, unplaced=0, since=None, running=None, room=False, split=None):
        plan = plan_fallback(
            split or self.split,
            self.policy,
            self.state,
            unplaced={"fargate-spot": unplaced},
            unplaced_since={"fargate-spot": since},
            running=running or {},
            room_available={"fargate-spot": room},
            now=at,
            service_name="web",
        )
        self.state = plan.state
        return plan


def test_without_a_policy_the_split_is_unchanged_as_in_ecs():
    plan = plan_fallback(
        SPLIT,
        None,
        None,
        unplaced={"fargate-spot": 6},
        unplaced_since={"fargate-spot": T0},
        running={},
        room_available={},
        now=T0 + timedelta(hours=1),
        service_name="web",
    )
    assert plan.targets == SPLIT and plan.events == [] and plan.state == {"fallbacks": []}


def test_unschedulable_for_less_than_the_timeout_moves_nothing():
    plan = Pools().look(T0 + timedelta(seconds=59), unplaced=6, since=T0)
    assert plan.targets == SPLIT and plan.events == []


def test_after_the_timeout_the_unplaced_replicas_move_to_the_fallback():
    plan = Pools().look(T0 + timedelta(seconds=60), unplaced=6, since=T0)
    assert plan.targets == {"fargate": 10, "fargate-spot": 0}
    assert plan.events == [events.fallback_started("web", "fargate-spot", 6, 60, "fargate")]
    assert [e.message for e in plan.events] == [
        "service web capacity provider fargate-spot could not place 6 tasks for 60s; running them on fargate."
    ]
    assert plan.state["fallbacks"] == [
        {
            "capacityProvider": "fargate-spot",
            "fallbackCapacityProvider": "fargate",
            "replicas": 6,
            "since": "2026-11-21T22:01:00Z",
            "returning": False,
        }
    ]
    assert plan.fallback_from() == {"fargate": "fargate-spot"}


def test_only_the_unplaced_replicas_move():
    plan = Pools().look(T0 + timedelta(seconds=90), unplaced=2, since=T0)
    assert plan.targets == {"fargate": 6, "fargate-spot": 4}


def test_the_fallback_holds_while_the_pool_has_no_room_and_says_nothing_more():
    pools = Pools()
    pools.look(T0 + timedelta(seconds=60), unplaced=2, since=T0)
    plan = pools.look(T0 + timedelta(minutes=30), running={"fargate": 6, "fargate-spot": 4})
    assert plan.targets == {"fargate": 6, "fargate-spot": 4} and plan.events == []


def test_more_unplaced_replicas_later_move_too():
    pools = Pools()
    pools.look(T0 + timedelta(seconds=60), unplaced=2, since=T0)
    later = T0 + timedelta(minutes=10)
    plan = pools.look(later + timedelta(seconds=60), unplaced=1, since=later)
    assert plan.targets == {"fargate": 7, "fargate-spot": 3}
    assert plan.state["fallbacks"][0]["replicas"] == 3
    assert plan.state["fallbacks"][0]["since"] == "2026-11-21T22:01:00Z"


def test_moving_back_is_surge_first_and_ends_only_when_the_pool_runs_its_share():
    pools = Pools()
    pools.look(T0 + timedelta(seconds=60), unplaced=2, since=T0)
    at = T0 + timedelta(minutes=10)

    plan = pools.look(at, room=True, running={"fargate": 6, "fargate-spot": 4})
    assert plan.targets == {"fargate": 6, "fargate-spot": 6}  # spot back to its share, fargate keeps 2 more
    assert plan.events == [events.fallback_returning("web", "fargate-spot", 2, "fargate")]
    assert plan.state["fallbacks"][0]["returning"] is True

    plan = pools.look(at + timedelta(seconds=15), room=True, running={"fargate": 6, "fargate-spot": 5})
    assert plan.targets == {"fargate": 6, "fargate-spot": 6} and plan.events == []

    plan = pools.look(at + timedelta(seconds=30), room=True, running={"fargate": 6, "fargate-spot": 6})
    assert plan.targets == SPLIT
    assert plan.events == [events.fallback_returned("web", "fargate-spot", 2, "fargate")]
    assert plan.state == {"fallbacks": []}


def test_no_return_before_the_fallback_has_held_for_the_timeout():
    pools = Pools()
    pools.look(T0 + timedelta(seconds=60), unplaced=2, since=T0)
    plan = pools.look(T0 + timedelta(seconds=100), room=True)
    assert plan.targets == {"fargate": 6, "fargate-spot": 4} and plan.events == []


def test_a_return_whose_pods_stay_unschedulable_is_given_up_and_retried_later():
    pools = Pools()
    pools.look(T0 + timedelta(seconds=60), unplaced=2, since=T0)
    at = T0 + timedelta(minutes=10)
    pools.look(at, room=True)
    plan = pools.look(at + timedelta(seconds=61), unplaced=2, since=at + timedelta(seconds=1), room=True)
    assert plan.targets == {"fargate": 6, "fargate-spot": 4}
    assert plan.events == [events.fallback_return_failed("web", "fargate-spot", "fargate")]
    plan = pools.look(at + timedelta(seconds=90), room=True)
    assert plan.events == []  # holds again for the timeout before the next try
    plan = pools.look(at + timedelta(seconds=130), room=True)
    assert plan.targets == {"fargate": 6, "fargate-spot": 6}


def test_scale_in_shrinks_the_moved_replicas_and_a_zero_share_ends_the_fallback():
    pools = Pools()
    pools.look(T0 + timedelta(seconds=60), unplaced=6, since=T0)
    plan = pools.look(T0 + timedelta(minutes=2), split={"fargate": 3, "fargate-spot": 1})
    assert plan.targets == {"fargate": 4, "fargate-spot": 0}
    plan = pools.look(T0 + timedelta(minutes=3), split={"fargate": 2, "fargate-spot": 0})
    assert plan.targets == {"fargate": 2, "fargate-spot": 0} and plan.state == {"fallbacks": []}


def test_a_fallback_provider_outside_the_strategy_is_added():
    policy = [
        {
            "capacityProvider": "fargate-spot",
            "fallbackCapacityProvider": "ec2-ondemand",
            "unschedulableSeconds": 0,
        }
    ]
    plan = Pools(policy=policy, split={"fargate-spot": 3}).look(T0, unplaced=3, since=T0)
    assert plan.targets == {"fargate-spot": 0, "ec2-ondemand": 3}


def test_providers_named_in_ecs_form_match_the_split_keys_in_either_form():
    plan = plan_fallback(
        {"FARGATE": 4, "FARGATE_SPOT": 6},
        [
            {
                "capacityProvider": "fargate-spot",
                "fallbackCapacityProvider": "fargate",
                "unschedulableSeconds": 60,
            }
        ],
        None,
        unplaced={"FARGATE_SPOT": 6},
        unplaced_since={"FARGATE_SPOT": T0},
        running={},
        room_available={},
        now=T0 + timedelta(seconds=60),
        service_name="web",
    )
    assert plan.targets == {"FARGATE": 10, "FARGATE_SPOT": 0}


@given(
    st.integers(0, 20),
    st.integers(0, 20),
    st.lists(
        st.tuples(st.integers(0, 20), st.integers(0, 200), st.integers(0, 20), st.booleans()),
        min_size=1,
        max_size=12,
    ),
)
def test_no_task_is_ever_dropped_from_the_wanted_total_and_the_fallback_only_grows(on_demand, spot, looks):
    split = {"fargate": on_demand, "fargate-spot": spot}
    pools = Pools(split=split)
    at = T0
    for unplaced, stuck_for, spot_running, room in looks:
        at += timedelta(seconds=30)
        plan = pools.look(
            at,
            unplaced=min(unplaced, spot),
            since=at - timedelta(seconds=stuck_for) if unplaced else None,
            running={"fargate-spot": spot_running},
            room=room,
        )
        assert sum(plan.targets.values()) >= sum(split.values())
        assert plan.targets["fargate"] >= on_demand
        assert plan.targets["fargate-spot"] <= spot
        moved = sum(e["replicas"] for e in plan.state["fallbacks"])
        assert plan.targets["fargate"] == on_demand + moved
