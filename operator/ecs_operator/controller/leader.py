"""The leader-election loop: reads and writes the Lease, every decision taken by controller/lease.py.

`leading` is set while this process holds the Lease; the workers (the only writers) start once it
is. A leader that cannot renew in time, or finds another holder, calls `on_lost`: `ecs-operator
run` then stops, as client-go's and controller-runtime's leaders exit, since reconciles already
running in threads cannot be taken back. Cancelling `run` (a graceful shutdown) releases the Lease.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import kubernetes
from kubernetes.client.exceptions import ApiException

from ecs_operator.controller import lease, metrics
from ecs_operator.controller.lease import Action, LeaseRecord, Observation

log = logging.getLogger("ecs_operator")

REQUEST_TIMEOUT = 5.0  # below the renew deadline: one hung call cannot use it up


def new_identity() -> str:
    """client-go's convention: the host (the pod's name in a pod) and a unique suffix, so two
    processes on one laptop differ too."""
    return f"{socket.gethostname()}_{uuid.uuid4().hex[:8]}"


@dataclass(eq=False)
class LeaderElection:
    api: kubernetes.client.ApiClient
    namespace: str
    name: str
    identity: str = field(default_factory=new_identity)
    duration: float = lease.LEASE_DURATION
    renew_deadline: float = lease.RENEW_DEADLINE
    retry_period: float = lease.RETRY_PERIOD
    leading: asyncio.Event = field(default_factory=asyncio.Event)
    lost: bool = False
    last_tick: float | None = None  # monotonic time of the last try: the standby's heartbeat
    _record: LeaseRecord | None = None  # the last record we read or wrote

    async def run(self, on_lost: Callable[[], None]) -> None:
        seen: Observation | None = None
        last_renewed: float | None = None
        failing: str | None = None
        try:
            while True:
                self.last_tick = time.monotonic()
                try:
                    seen, renewed = await asyncio.to_thread(self._try, seen)
                except Exception as exc:  # the API server unreachable or refusing: try again
                    reason = _reason(exc)
                    if reason != failing:  # once per cause, not every retry period
                        log.warning("lease %s/%s: %s", self.namespace, self.name, reason)
                    failing, renewed = reason, False
                else:
                    failing = None
                if renewed:
                    last_renewed = time.monotonic()
                    if not self.leading.is_set():
                        log.info("lease %s/%s acquired by %s", self.namespace, self.name, self.identity)
                        metrics.LEADER.set(1)
                        self.leading.set()
                elif self.leading.is_set() and not (
                    lease.still_leading(last_renewed, time.monotonic(), self.renew_deadline)
                    and self._record is not None
                    and self._record.holder == self.identity
                ):
                    log.error("lease %s/%s lost by %s: stopping", self.namespace, self.name, self.identity)
                    self.lost = True
                    self.leading.clear()
                    metrics.LEADER.set(0)
                    on_lost()
                    return
                await asyncio.sleep(self.retry_period)
        except asyncio.CancelledError:
            if self.leading.is_set():
                self.leading.clear()
                metrics.LEADER.set(0)
                await asyncio.to_thread(self._release)
            raise

    def _try(self, seen: Observation | None) -> tuple[Observation, bool]:
        """One round of client-go's tryAcquireOrRenew; True if we hold the Lease after it."""
        api = kubernetes.client.CoordinationV1Api(self.api)
        try:
            current: dict[str, Any] | None = self.api.sanitize_for_serialization(
                api.read_namespaced_lease(self.name, self.namespace, _request_timeout=REQUEST_TIMEOUT)
            )
        except ApiException as exc:
            if exc.status != 404:
                raise
            current = None
        record = lease.record_of(current) if current is not None else None
        self._record = record
        seen = lease.observe(seen, record, time.monotonic())
        decision = lease.decide(self.identity, seen, time.monotonic(), datetime.now(UTC), self.duration)
        if decision.action is Action.WAIT:
            if self.leading.is_set():
                log.warning("lease %s/%s is held by %s", self.namespace, self.name, decision.holder)
            return seen, False
        body = self._body(decision.spec, record)
        try:
            if decision.action is Action.CREATE:
                written = api.create_namespaced_lease(self.namespace, body, _request_timeout=REQUEST_TIMEOUT)
            else:
                written = api.replace_namespaced_lease(
                    self.name, self.namespace, body, _request_timeout=REQUEST_TIMEOUT
                )
        except ApiException as exc:
            if exc.status == 409:  # another candidate wrote first: read again next round
                return seen, False
            if exc.status == 404 and decision.action is Action.CREATE:
                raise RuntimeError(
                    f"namespace {self.namespace!r} does not exist: create it, or pass "
                    "--lease-namespace (or --no-leader-election)"
                ) from exc
            raise
        if decision.action is Action.TAKE and record is not None:
            log.info("lease %s/%s taken over from %r", self.namespace, self.name, record.holder)
        self._record = lease.record_of(self.api.sanitize_for_serialization(written))
        return lease.observe(seen, self._record, time.monotonic()), True

    def _release(self) -> None:
        spec = lease.release(self.identity, self._record, datetime.now(UTC))
        if spec is None:
            return
        api = kubernetes.client.CoordinationV1Api(self.api)
        try:
            api.replace_namespaced_lease(
                self.name, self.namespace, self._body(spec, self._record), _request_timeout=REQUEST_TIMEOUT
            )
        except Exception as exc:  # the standby waits the lease out instead
            log.warning("lease %s/%s not released: %s", self.namespace, self.name, _reason(exc))
        else:
            log.info("lease %s/%s released by %s", self.namespace, self.name, self.identity)

    def _body(self, spec: dict[str, Any] | None, record: LeaseRecord | None) -> Any:
        """The Lease as a plain dict (Any: the client's stubs ask for a V1Lease; it sends dicts as is)."""
        metadata: dict[str, Any] = {"name": self.name, "namespace": self.namespace}
        if record is not None:
            metadata["resourceVersion"] = record.resource_version  # optimistic concurrency
        return {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": metadata, "spec": spec}


def _reason(exc: Exception) -> str:
    if isinstance(exc, ApiException):
        return f"{exc.status} {exc.reason}"
    return str(exc) or type(exc).__name__
