"""Leader election by a coordination.k8s.io/v1 Lease: the decisions only, with client-go's rules
(k8s.io/client-go/tools/leaderelection, `tryAcquireOrRenew`); controller/leader.py makes the calls.

- No Lease: create it, holding it.
- Held by us: renew (renewTime now; acquireTime and leaseTransitions kept).
- Held by another: wait while it is valid; take it (leaseTransitions + 1) once it has not changed
  for leaseDurationSeconds. Validity is measured with our own clock from when *we* saw the record
  change, never from the holder's renewTime: the two clocks need not agree.
- Released (holderIdentity empty, as a leader shutting down leaves it): take it at once.

Every write carries the resourceVersion read, so of two candidates taking an expired Lease at the
same moment the API server lets one win (409 Conflict for the other).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

LEASE_DURATION = 15.0  # client-go's defaults (controller-runtime's too)
RENEW_DEADLINE = 10.0
RETRY_PERIOD = 2.0


@dataclass(frozen=True)
class LeaseRecord:
    """A Lease's spec as read, with its resourceVersion."""

    holder: str  # "" when released
    duration: float
    acquire_time: str | None
    renew_time: str | None
    transitions: int
    resource_version: str


def record_of(lease: dict[str, Any]) -> LeaseRecord:
    spec = lease.get("spec") or {}
    return LeaseRecord(
        holder=spec.get("holderIdentity") or "",
        duration=float(spec.get("leaseDurationSeconds") or LEASE_DURATION),
        acquire_time=spec.get("acquireTime"),
        renew_time=spec.get("renewTime"),
        transitions=int(spec.get("leaseTransitions") or 0),
        resource_version=(lease.get("metadata") or {}).get("resourceVersion") or "",
    )


@dataclass(frozen=True)
class Observation:
    """The record we last saw change, and when (our monotonic clock)."""

    record: LeaseRecord | None
    at: float


def observe(previous: Observation | None, record: LeaseRecord | None, now: float) -> Observation:
    """A record unchanged since the last look keeps its first sighting's time (its age grows)."""
    if previous is not None and _same(previous.record, record):
        return previous
    return Observation(record, now)


def _same(a: LeaseRecord | None, b: LeaseRecord | None) -> bool:
    if a is None or b is None:
        return a is b
    # client-go compares the records without the resourceVersion.
    return (a.holder, a.duration, a.acquire_time, a.renew_time, a.transitions) == (
        b.holder,
        b.duration,
        b.acquire_time,
        b.renew_time,
        b.transitions,
    )


class Action(enum.Enum):
    CREATE = "create"  # no Lease yet
    RENEW = "renew"  # ours
    TAKE = "take"  # released or expired
    WAIT = "wait"  # another candidate holds a valid Lease


@dataclass(frozen=True)
class Decision:
    action: Action
    spec: dict[str, Any] | None = None  # the Lease spec to write (None for WAIT)
    holder: str = ""  # who holds it after this decision, as far as we know


def micro_time(moment: datetime) -> str:
    """A MicroTime as the API server writes it (RFC 3339, microseconds, UTC)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def decide(identity: str, seen: Observation, now: float, wall: datetime, duration: float) -> Decision:
    """What `identity` does with the Lease it sees: `now` is our monotonic clock, `wall` the UTC
    time written into the Lease, `duration` the leaseDurationSeconds we write."""
    stamp = micro_time(wall)
    record = seen.record
    if record is None:
        return Decision(Action.CREATE, _spec(identity, duration, stamp, stamp, 0), identity)
    if record.holder == identity:
        acquired = record.acquire_time or stamp
        return Decision(
            Action.RENEW, _spec(identity, duration, acquired, stamp, record.transitions), identity
        )
    if record.holder and now < seen.at + record.duration:
        return Decision(Action.WAIT, holder=record.holder)
    return Decision(Action.TAKE, _spec(identity, duration, stamp, stamp, record.transitions + 1), identity)


def release(identity: str, record: LeaseRecord | None, wall: datetime) -> dict[str, Any] | None:
    """The spec a leader shutting down writes (client-go's ReleaseOnCancel): no holder, so a
    standby takes it on its next try instead of waiting the lease out. None: not ours to release."""
    if record is None or record.holder != identity:
        return None
    stamp = micro_time(wall)
    return {
        "holderIdentity": "",
        "leaseDurationSeconds": 1,
        "acquireTime": stamp,
        "renewTime": stamp,
        "leaseTransitions": record.transitions,
    }


def still_leading(last_renewed: float | None, now: float, renew_deadline: float) -> bool:
    """A leader that could not renew for `renew_deadline` stops leading: before the lease it last
    wrote expires for the others (renew_deadline < lease duration), so two never act at once."""
    return last_renewed is not None and now - last_renewed < renew_deadline


def _spec(holder: str, duration: float, acquired: str, renewed: str, transitions: int) -> dict[str, Any]:
    return {
        "holderIdentity": holder,
        "leaseDurationSeconds": int(duration),
        "acquireTime": acquired,
        "renewTime": renewed,
        "leaseTransitions": transitions,
    }
