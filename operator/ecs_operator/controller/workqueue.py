"""A deduplicating, rate-limited work queue of reconcile keys (the controller-runtime model).

Watch events only enqueue keys; workers reconcile a key from the current state of the store, so
many events for one Service collapse into one reconcile, and a key is never reconciled by two
workers at once.

Two lanes: a key added for a change of what the user asked for (a new Service, a new generation, a
deletion mark) goes ahead of keys added because something the operator made changed (a
Deployment's status, a pod). While a thousand Services arrive at once, their children get made
first, and the status refreshes waiting behind them absorb more events each (a key is queued once
however many events name it). controller-runtime's priority queue makes the same distinction.

The queue lives on the operator's event loop. `add` may also be called from other threads (a
store sweep runs in one): the call is handed to the loop, since asyncio objects are not
thread-safe (a key put from a thread can wait unnoticed until the loop next wakes, and a key
marked dirty while a worker finishes can be lost).
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from dataclasses import dataclass, field

WorkKey = tuple[str, str, str]  # (kind, namespace, name)
URGENT, ROUTINE = 0, 1  # lanes, taken from in this order


@dataclass
class WorkQueue:
    base_backoff: float = 0.5
    max_backoff: float = 60.0
    _ready: asyncio.Queue[None] = field(default_factory=asyncio.Queue)  # a token per queued key
    _lanes: tuple[deque[WorkKey], deque[WorkKey]] = field(default_factory=lambda: (deque(), deque()))
    # key -> its lane. A key moved to the urgent lane leaves a stale entry in the routine one,
    # skipped when reached (no search through the deque).
    _queued: dict[WorkKey, int] = field(default_factory=dict)
    _processing: set[WorkKey] = field(default_factory=set)
    _dirty: dict[WorkKey, int] = field(default_factory=dict)  # changed while being processed
    _failures: dict[WorkKey, int] = field(default_factory=dict)
    _timers: dict[WorkKey, asyncio.TimerHandle] = field(default_factory=dict)
    _loop: asyncio.AbstractEventLoop | None = None
    _loop_thread: int | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """The loop the workers run on; `add` from any other thread is handed to it."""
        self._loop, self._loop_thread = loop, threading.get_ident()

    def add(self, key: WorkKey, *, urgent: bool = False) -> None:
        """Queue `key` once; `urgent` for a change of intent (see the module's docstring)."""
        lane = URGENT if urgent else ROUTINE
        if self._loop is not None and threading.get_ident() != self._loop_thread:
            self._loop.call_soon_threadsafe(self._add, key, lane)
        else:
            self._add(key, lane)

    def _add(self, key: WorkKey, lane: int = ROUTINE) -> None:
        if key in self._processing:
            self._dirty[key] = min(lane, self._dirty.get(key, ROUTINE))
        elif key not in self._queued:
            self._queued[key] = lane
            self._lanes[lane].append(key)
            self._ready.put_nowait(None)
        elif lane < self._queued[key]:
            self._queued[key] = lane
            self._lanes[lane].append(key)

    def add_after(self, key: WorkKey, delay: float) -> None:
        """Requeue later (timers in status, retries, coalesced recounts); an earlier pending timer
        wins, so a stream of calls within `delay` makes one reconcile, not one per call."""
        if self._loop is not None and threading.get_ident() != self._loop_thread:
            self._loop.call_soon_threadsafe(self.add_after, key, delay)
            return
        loop = asyncio.get_running_loop()
        existing = self._timers.get(key)
        due = loop.time() + delay
        if existing is not None and existing.when() <= due:
            return
        if existing is not None:
            existing.cancel()
        self._timers[key] = loop.call_at(due, self._fire, key)

    def _fire(self, key: WorkKey) -> None:
        self._timers.pop(key, None)
        self._add(key)

    async def get(self) -> WorkKey:
        await self._ready.get()
        return self._take()

    def get_nowait(self) -> WorkKey:
        """The next key if one is queued (asyncio.QueueEmpty if not)."""
        self._ready.get_nowait()
        return self._take()

    def _take(self) -> WorkKey:
        for lane, entries in enumerate(self._lanes):
            while entries:
                key = entries.popleft()
                if self._queued.get(key) == lane:
                    del self._queued[key]
                    self._processing.add(key)
                    return key
        raise AssertionError("a ready token without a queued key")

    def done(self, key: WorkKey, *, failed: bool = False, requeue_after: float | None = None) -> None:
        self._processing.discard(key)
        if failed:
            attempts = self._failures.get(key, 0) + 1
            self._failures[key] = attempts
            self.add_after(key, min(self.max_backoff, self.base_backoff * 2 ** (attempts - 1)))
        else:
            self._failures.pop(key, None)
            if requeue_after is not None:
                self.add_after(key, requeue_after)
        lane = self._dirty.pop(key, None)
        if lane is not None:
            self._add(key, lane)

    def forget(self, key: WorkKey) -> None:
        timer = self._timers.pop(key, None)
        if timer is not None:
            timer.cancel()
        self._failures.pop(key, None)

    def __len__(self) -> int:
        return len(self._queued)
