"""Prometheus metrics, `ecs_operator_<subsystem>_<name>`, with a small fixed label set (no pod names)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

RECONCILES = Counter("ecs_operator_reconcile_total", "Reconciles by kind and result.", ["kind", "result"])
RECONCILE_SECONDS = Histogram(
    "ecs_operator_reconcile_duration_seconds",
    "Time spent in one reconcile.",
    ["kind"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
API_WRITES = Counter(
    "ecs_operator_api_writes_total",
    "Write requests sent to the API server, by resource (plural.group, e.g. deployments.apps).",
    ["kind"],
)
EVENTS_DROPPED = Counter(
    "ecs_operator_events_dropped_total",
    "Kubernetes Events not posted: the backlog was full or the API server refused them.",
)
LEADER = Gauge(
    "ecs_operator_leader", "1 while this process holds the leader-election Lease (the only writer)."
)
QUEUE_DEPTH = Gauge("ecs_operator_workqueue_depth", "Keys waiting to be reconciled.")
SERVICE_TASKS = Gauge(
    "ecs_operator_service_tasks",
    "Tasks of an ECS Service per capacity provider and state (desired, running, pending, unplaced).",
    ["namespace", "service", "capacity_provider", "state"],
)
CAPACITY_PROVIDER_RESERVATION = Gauge(
    "ecs_operator_capacity_provider_reservation_percent",
    "ECS CapacityProviderReservation (M/N*100) of a capacity provider.",
    ["capacity_provider", "capacity_type"],
)
CAPACITY_PROVIDER_NODES = Gauge(
    "ecs_operator_capacity_provider_nodes",
    "Nodes matching a capacity provider, by readiness.",
    ["capacity_provider", "capacity_type", "ready"],
)


def forget_service(namespace: str, service: str) -> None:
    for labels in list(SERVICE_TASKS._metrics):
        if labels[0] == namespace and labels[1] == service:
            SERVICE_TASKS.remove(*labels)
