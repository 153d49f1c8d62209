"""What the probes answer (controller/probes.py serves them), from what the work loop reports.

- started (startupProbe): the store is primed, every initial listing done. Until then the
  startupProbe holds the liveness probe back, however long a large cluster takes to list.
- ready (readinessProbe): synced. A leader once the backlog queued when it took the lead has
  drained once (every object reconciled at least once); a warm standby once primed, so that a
  rolling update of two replicas can go on while only one of them may lead.
- alive (livenessProbe): the loop that should be moving is. A leader's workers are all running,
  and while keys wait (every worker then busy) one was taken or finished within `stall_after`. A
  standby's election loop tried the Lease within `stall_after`. Answered on the event loop, so a
  blocked loop fails it too.
"""

from __future__ import annotations

from dataclasses import dataclass

STALL_AFTER = 180.0  # well above a slow reconcile (several API calls of up to 30 s each)


@dataclass
class Heartbeat:
    stall_after: float = STALL_AFTER
    primed: bool = False
    leading: bool = False
    drained: bool = False  # the leader's first pass
    last_beat: float | None = None  # a worker took or finished a key (monotonic)

    def beat(self, now: float) -> None:
        self.last_beat = now

    def lead(self, now: float) -> None:
        """The workers start: the clock of the work loop starts with them."""
        self.leading, self.drained, self.last_beat = True, False, now

    def queue_moved(self, queued: int) -> None:
        if self.leading and queued == 0:
            self.drained = True

    def started(self) -> bool:
        return self.primed

    def ready(self) -> bool:
        return self.primed and (self.drained or not self.leading)

    def alive(
        self, now: float, *, queued: int, workers: int, workers_running: int, election_tick: float | None
    ) -> str | None:
        """None if alive, else why not. `election_tick`: the election loop's last try (None
        without leader election)."""
        if self.leading:
            if workers_running < workers:
                return f"{workers - workers_running} of {workers} workers stopped"
            if queued and self.last_beat is not None and now - self.last_beat > self.stall_after:
                return f"{queued} keys queued and no reconcile moved for {now - self.last_beat:.0f} s"
            return None
        if election_tick is not None and now - election_tick > self.stall_after:
            return f"the leader election loop has not run for {now - election_tick:.0f} s"
        return None
