"""Polling with deadlines: the only way this package waits for the cluster."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class NotReadyInTime(TimeoutError):
    pass


class GiveUp(Exception):
    """Raised by a probe when waiting longer cannot help (e.g. the process it waits for has died)."""


def wait_for(probe: Callable[[], T | None], *, timeout: float, what: str, interval: float = 0.2) -> T:
    """Call `probe` until it returns something truthy, and return that; raise after `timeout` seconds.

    Exceptions from `probe` count as "not yet" (a server still starting refuses connections) and the last
    one is reported if time runs out; except GiveUp, which ends the wait at once."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while True:
        try:
            result = probe()
            if result:
                return result
        except GiveUp:
            raise
        except Exception as error:
            last_error = error
        if time.monotonic() >= deadline:
            detail = f": last error: {last_error!r}" if last_error else ""
            raise NotReadyInTime(f"{what} not ready after {timeout:.0f} s{detail}")
        time.sleep(interval)
