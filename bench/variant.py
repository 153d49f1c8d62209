"""Run the operator with experimental settings, to measure a proposed change before it is made:
`python -m bench.variant [--workers N] [--pod-delay S] ... -- <ecs-operator run args>`.

Each option monkeypatches one thing in `ecs_operator.controller` (nothing in the repository changes):
- `--workers N`: `workers.WORKERS` (reconcile workers and their threads; the operator ships 24),
  with the client pool raised to match;
- `--ssa-create`: new children are created with a server-side apply, as before 2026-11-22 (the
  operator now POSTs them);
- `--pod-delay S`: `requeue.POD_DELAY`, how much later a pod event queues its Service (shipped:
  1 s; 0 queues it at once, as before 2026-11-22);
- `--hold-events S`: Events wait while reconciles are queued (children first), at most S seconds.

Session 1's options (`--label-lookup`, `--slim-store`, `--no-unowned-get`, `--kopf-lean`,
`--coalesce`) were removed once what they stood for shipped (see bench/notes.md).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--ssa-create", action="store_true")
    parser.add_argument("--pod-delay", type=float, default=None)
    parser.add_argument("--hold-events", type=float, default=0.0)
    args, rest = parser.parse_known_args()
    rest = [a for a in rest if a != "--"]

    from ecs_operator.controller import (
        kube,
        metrics,
        reconcile,
        recorder,
        requeue,
        resources,
        runtime,
        workers,
    )

    if args.workers:
        workers.WORKERS = args.workers
        kube.POOL_SIZE = max(kube.POOL_SIZE, args.workers + 8)
    if args.ssa_create:

        def apply_new_children_too(rt: Any, desired: Any, live: Any) -> bool:
            if live is not None and reconcile.satisfied(desired, live):
                return False
            resource = resources.resource_of(dict(desired))
            result = rt.kube.apply(desired)
            metrics.API_WRITES.labels(resources.kind_key(resource)).inc()
            if result:
                rt.store.upsert(resources.kind_key(resource), result)
            return True

        reconcile.apply_child = apply_new_children_too
    if args.pod_delay is not None:
        requeue.POD_DELAY = args.pod_delay
    if args.hold_events:
        hold = args.hold_events
        post = recorder.EventRecorder._post_all
        # The runtime is no module global (it reaches handlers through kopf's memo): remember it here.
        runtimes: list[Any] = []
        runtime_init = runtime.Runtime.__post_init__

        def remembered_init(self: Any) -> None:
            runtime_init(self)
            runtimes.append(self)

        runtime.Runtime.__post_init__ = remembered_init  # type: ignore[method-assign]

        def held_post_all(self: Any) -> None:
            kube_event = self._kube.event

            def event_when_idle(*a: Any, **k: Any) -> Any:
                deadline = time.monotonic() + hold
                while runtimes and len(runtimes[0].queue) and time.monotonic() < deadline:
                    time.sleep(0.1)
                return kube_event(*a, **k)

            self._kube = type("K", (), {"event": staticmethod(event_when_idle)})()
            post(self)

        recorder.EventRecorder._post_all = held_post_all  # type: ignore[method-assign]

    from ecs_operator.cli import main as cli_main

    return int(cli_main(rest) or 0)


if __name__ == "__main__":
    sys.exit(main())
