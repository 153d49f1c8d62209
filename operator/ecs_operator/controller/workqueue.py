"""A deduplicating, rate-limited work queue of reconcile keys (the controller-runtime model).

Watch events only enqueue keys; workers reconcile a key from the current state of the store, so
many events for one Service collapse into one reconcile, and a key is never reconciled by two
workers at once.

The queue lives on the operator's event loop. `add` may also be called from other threads (a
store sweep runs in one): the call is handed to the loop, since asyncio objects are not
thread-safe (a key put from a thread can wait unnoticed until the loop next wakes, and a key
marked dirty while a worker finishes can be lost).
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field

WorkKey = tuple[str, str, str]  # (kind, namespace, name)


@dataclass
class WorkQueue:
    base_backoff: float = 0.5
    max_backoff: float = 60.0
    _queue: asyncio.Queue[WorkKey] = field(default_factory=asyncio.Queue)
    _queued: set[WorkKey] = field(default_factory=set)
    _processing: set[WorkKey] = field(default_factory=set)
    _dirty: set[WorkKey] = field(default_factory=set)  # changed while being processed
    _failures: dict[WorkKey, int] = field(default_factory=dict)
    _timers: dict[WorkKey, asyncio.TimerHandle] = field(default_factory=dict)
    _loop: asyncio.AbstractEventLoop | None = None
    _loop_thread: int | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """The loop the workers run on; `add` from any other thread is handed to it."""
        self._loop, self._loop_thread = loop, threading.get_ident()

    def add(self, key: WorkKey) -> None:
        if self._loop is not None and threading.get_ident() != self._loop_thread:
            self._loop.call_soon_threadsafe(self._add, key)
        else:
            self._add(key)

    def _add(self, key: WorkKey) -> None:
        if key in self._processing:
            self._dirty.add(key)
        elif key not in self._queued:
            self._queued.add(key)
            self._queue.put_nowait(key)

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
        key = await self._queue.get()
        self._queued.discard(key)
        self._processing.add(key)
        return key

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
        if key in self._dirty:
            self._dirty.discard(key)
            self._add(key)

    def forget(self, key: WorkKey) -> None:
        timer = self._timers.pop(key, None)
        if timer is not None:
            timer.cancel()
        self._failures.pop(key, None)

    def __len__(self) -> int:
        return self._queue.qsize()
