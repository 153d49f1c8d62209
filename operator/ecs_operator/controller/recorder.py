"""Kubernetes Events, posted off the reconcile path (client-go's EventRecorder model).

Events are informational and best-effort: a reconcile hands them over and goes on to the writes
that make tasks run; one thread posts them in order. If the API server is slow the backlog is
bounded, and what does not fit is dropped and counted rather than holding up reconciles.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Mapping
from typing import Any

from ecs_operator.controller import metrics
from ecs_operator.controller.kube import Kube

log = logging.getLogger("ecs_operator")

EventItem = tuple[dict[str, Any], str, str, str]  # involved object, type, reason, message


class EventRecorder:
    def __init__(self, kube: Kube, backlog: int = 5000) -> None:
        self._kube = kube
        self._pending: queue.Queue[EventItem | None] = queue.Queue(maxsize=backlog)
        self._thread: threading.Thread | None = None

    def record(self, involved: Mapping[str, Any], type_: str, reason: str, message: str) -> None:
        # The involved object's identity only: the body may change after the reconcile returns.
        meta = involved["metadata"]
        ref = {
            "apiVersion": involved["apiVersion"],
            "kind": involved["kind"],
            "metadata": {k: meta.get(k) for k in ("name", "namespace", "uid", "resourceVersion")},
        }
        try:
            self._pending.put_nowait((ref, type_, reason, message))
        except queue.Full:
            metrics.EVENTS_DROPPED.inc()

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._post_all, name="event-recorder", daemon=True)
            self._thread.start()

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until everything recorded so far is posted (tests, shutdown)."""
        done = threading.Event()

        def wait_for_all() -> None:
            self._pending.join()
            done.set()

        threading.Thread(target=wait_for_all, daemon=True).start()
        return done.wait(timeout)

    def stop(self) -> None:
        if self._thread is not None:
            self._pending.put(None)
            self._thread.join(5)
            self._thread = None

    def _post_all(self) -> None:
        while True:
            item = self._pending.get()
            try:
                if item is None:
                    return
                involved, type_, reason, message = item
                try:
                    self._kube.event(involved, reason=reason, message=message, type_=type_)
                    metrics.API_WRITES.labels("events").inc()  # kind_key of core Events
                except Exception as exc:  # best effort, as Events are in Kubernetes
                    metrics.EVENTS_DROPPED.inc()
                    log.debug("event %s for %s not posted: %s", reason, involved["metadata"]["name"], exc)
            finally:
                self._pending.task_done()
