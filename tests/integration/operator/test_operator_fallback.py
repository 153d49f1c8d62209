"""Issue 6, point 5: the opt-in `capacityProviderFallback` - out to FARGATE when the spot pool cannot
place tasks, and back, surge-first, once it has room again. On a node pool of the test's own."""

from __future__ import annotations

import re
import time

from conftest import steady, wait_until
from scenario import (
    PodSampler,
    apply,
    cluster,
    dedicated_pool,
    provider_status,
    replicas,
    service,
    status,
    status_messages,
    task_definition,
    wait_for_event,
)

from ecs_operator.localcluster.nodes import NodeShape

SMALL = NodeShape(cpu="2", memory="8Gi", pods=20)
HOLD = 3  # unschedulableSeconds


def fallback_service(pool, desired=4):
    return service(
        "app",
        "app",
        desired,
        [{"capacityProvider": pool.provider, "weight": 1}],
        minimum=50,
        fallback=[
            {
                "capacityProvider": pool.provider,
                "fallbackCapacityProvider": "FARGATE",
                "unschedulableSeconds": HOLD,
            }
        ],
    )


def start_on_pool(kube, namespace, pool, desired=4):
    apply(
        kube,
        namespace,
        cluster(["FARGATE", "FARGATE_SPOT", pool.provider]),
        task_definition("app"),
        fallback_service(pool, desired),
    )
    wait_until(lambda: steady(kube, namespace, "app", desired), 90, "app steady on the spot pool")


def fallen_back(kube, namespace, pool, count):
    providers = provider_status(kube, namespace, "app")
    fargate = providers.get("FARGATE", {})
    return (
        fargate.get("runningCount") == count
        and fargate.get("fallbackFrom") == pool.provider
        and providers[pool.provider]["desiredCount"] == 0
        and providers
    )


def test_unplaceable_spot_tasks_fall_back_to_fargate_and_return_surge_first(
    operator, kube, api_client, namespace
):
    with dedicated_pool(kube, api_client, nodes=1, shape=SMALL) as pool:
        start_on_pool(kube, namespace, pool)
        spot_child, fargate_child = f"app-{pool.provider_object}", "app-fargate"
        assert replicas(kube, namespace) == {spot_child: 4}

        # All spot capacity goes: after unschedulableSeconds the 4 tasks run on FARGATE.
        started = time.monotonic()
        pool.interrupt(pool.nodes[0])
        wait_until(lambda: fallen_back(kube, namespace, pool, 4), 60, "4 tasks running on FARGATE")
        fell_back = time.monotonic() - started
        assert replicas(kube, namespace) == {spot_child: 0, fargate_child: 4}
        state = status(kube, namespace, "app")["fallback"]["fallbacks"]
        assert [
            (f["capacityProvider"], f["fallbackCapacityProvider"], f["replicas"], f["returning"])
            for f in state
        ] == [(pool.provider, "FARGATE", 4, False)]
        messages = status_messages(kube, namespace, "app")
        # One event per move; the 4 tasks may become unplaceable (and move) in more than one go.
        moved = [
            int(found.group(1))
            for m in messages
            if (
                found := re.search(
                    rf"capacity provider {pool.provider} could not place (\d+) tasks .* on FARGATE", m
                )
            )
        ]
        assert sum(moved) == 4, messages
        wait_for_event(kube, namespace, "app", lambda e: e["reason"] == "CapacityProviderFallback", "Event")
        wait_until(lambda: steady(kube, namespace, "app", 4), 30, "steady while fallen back")

        # Spot capacity returns: the tasks start there first, then leave FARGATE.
        with PodSampler(kube, namespace, "app") as sampler:
            started = time.monotonic()
            pool.add_node()
            wait_until(
                lambda: (
                    (p := provider_status(kube, namespace, "app")).get(pool.provider, {}).get("runningCount")
                    == 4
                    and "FARGATE" not in p
                    and replicas(kube, namespace).get(fargate_child, 0) == 0
                    and steady(kube, namespace, "app", 4)
                ),
                90,
                "back on the spot pool",
            )
            returned = time.monotonic() - started
        assert sampler.min_ready >= 4, f"running dropped to {sampler.min_ready} on the way back (surge-first)"
        assert sampler.max_total <= 8  # maximumPercent 200
        assert "fallback" not in status(kube, namespace, "app") or not status(kube, namespace, "app")[
            "fallback"
        ].get("fallbacks")
        messages = status_messages(kube, namespace, "app")
        assert any(f"capacity provider {pool.provider} has room again" in m for m in messages)
        assert any(
            f"moved 4 tasks back from FARGATE to capacity provider {pool.provider}" in m for m in messages
        )
    print(
        f"\nfallback: 4 tasks running on FARGATE {fell_back:.1f} s after the spot pool went "
        f"(unschedulableSeconds {HOLD}); back on spot {returned:.1f} s after capacity returned, "
        f"min ready {sampler.min_ready}, max total {sampler.max_total}"
    )
