"""Run the operator with experimental settings, to measure a proposed change before it is made:
`python -m bench.variant [--workers N] [--label-lookup] [--coalesce S] -- <ecs-operator run args>`.

Each option monkeypatches one thing in `ecs_operator.controller` (nothing in the repository changes):
- `--workers N`: `handlers.WORKERS` (reconcile workers and their threads; the operator ships 8);
- `--label-lookup`: a child or pod event finds its Service by name (the `ecs-operator.dev/service`
  label equals the Service name up to 63 characters) instead of scanning every Service of the
  namespace, falling back to the scan when the name lookup misses;
- `--slim-store`: the store drops `metadata.managedFields` (nothing reads them; they are often the
  largest part of a body);
- `--no-unowned-get`: no GET before creating a child that the store does not hold (the check that the
  name is not taken by someone else's object). NOT safe as is: it stands for a design that answers
  the check from an index of names of all objects of the child kinds (a cheap projection watched
  without the label selector), which sends the same requests as this variant;
- `--kopf-lean`: kopf keeps no diff-base essence (it deep-copies every body on every event to diff
  it for change handlers, which this operator does not use; 16 % of kopf's CPU in the N = 1000 profile);
- `--ssa-create`: new children are created with a server-side apply, as before 2026-11-22 (the
  operator now POSTs them);
- `--pod-delay S`: `handlers.POD_DELAY`, how much later a pod event queues its Service (shipped:
  1 s; 0 queues it at once, as before 2026-11-22);
- `--hold-events S`: Events wait while reconciles are queued (children first), at most S seconds;
- `--coalesce S`: pod events enqueue the namespace's Cluster and the pod's CapacityProvider at most
  once per S seconds (their status summarises all pods; a pod event need not recompute it at once).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--label-lookup", action="store_true")
    parser.add_argument("--coalesce", type=float, default=0.0)
    parser.add_argument("--slim-store", action="store_true")
    parser.add_argument("--no-unowned-get", action="store_true")
    parser.add_argument("--kopf-lean", action="store_true")
    parser.add_argument("--ssa-create", action="store_true")
    parser.add_argument("--pod-delay", type=float, default=None)
    parser.add_argument("--hold-events", type=float, default=0.0)
    args, rest = parser.parse_known_args()
    rest = [a for a in rest if a != "--"]

    from ecs_operator.controller import handlers, reconcile, resources

    if args.slim_store:
        from ecs_operator.controller.store import Store

        upsert = Store.upsert

        def slim_upsert(self: Store, kind: str, body: Any) -> None:
            meta = body.get("metadata") or {}
            if "managedFields" in meta:
                body = {**body, "metadata": {k: v for k, v in meta.items() if k != "managedFields"}}
            upsert(self, kind, body)

        Store.upsert = slim_upsert  # type: ignore[method-assign]
    if args.kopf_lean:
        import kopf

        class NoDiffBase(kopf.DiffBaseStorage):
            def build(self, *, body: Any, extra_fields: Any = None) -> Any:
                return kopf.BodyEssence()

            def fetch(self, *, body: Any) -> Any:
                return None

            def store(self, *, body: Any, patch: Any, essence: Any) -> None:
                return None

        @kopf.on.startup()
        async def lean(settings: kopf.OperatorSettings, **_: Any) -> None:
            settings.persistence.diffbase_storage = NoDiffBase()

    if args.no_unowned_get:
        reconcile._exists_unowned = lambda rt, desired: False
    if args.workers:
        from ecs_operator.controller import kube

        handlers.WORKERS = args.workers
        kube.POOL_SIZE = max(kube.POOL_SIZE, args.workers + 8)
    if args.label_lookup:
        scan = handlers._queue_key_for_service_label

        def lookup(namespace: str, label: str, delay: float = 0.0) -> None:
            runtime = handlers.rt()
            body = runtime.store.get(reconcile.kind_key(resources.ECS_SERVICE), namespace, label)
            if body is not None and reconcile.service_label(body) == label:
                runtime.queue.add(("Service", namespace, label))
            else:
                scan(namespace, label, delay)

        handlers._queue_key_for_service_label = lookup
    if args.coalesce:
        delay = args.coalesce

        def enqueue_clusters(namespace: str) -> None:
            runtime = handlers.rt()
            for body in runtime.store.all(reconcile.kind_key(resources.ECS_CLUSTER), namespace):
                runtime.queue.add_after(("Cluster", namespace, body["metadata"]["name"]), delay)

        def pod_event(event: Any, body: Any, namespace: str | None, **_: Any) -> None:
            handlers._child_event(resources.POD, event, body, namespace)
            enqueue_clusters(namespace or "")
            provider = (body.get("metadata", {}).get("labels") or {}).get(handlers.labels.CAPACITY_PROVIDER)
            if provider:
                handlers.rt().queue.add_after(("CapacityProvider", "", provider), delay)

        _replace_handler("pod_event", pod_event)

    if args.ssa_create:
        from ecs_operator.controller import metrics

        def apply_new_children_too(rt: Any, desired: Any, live: Any) -> bool:
            if live is not None and reconcile.satisfied(desired, live):
                return False
            resource = resources.resource_of(dict(desired))
            result = rt.kube.apply(desired)
            metrics.API_WRITES.labels(reconcile.kind_key(resource)).inc()
            if result:
                rt.store.upsert(reconcile.kind_key(resource), result)
            return True

        reconcile.apply_child = apply_new_children_too
    if args.pod_delay is not None:
        handlers.POD_DELAY = args.pod_delay
    if args.hold_events:
        import time

        from ecs_operator.controller import recorder

        hold = args.hold_events
        post = recorder.EventRecorder._post_all

        def held_post_all(self: Any) -> None:
            kube_event = self._kube.event

            def event_when_idle(*a: Any, **k: Any) -> Any:
                deadline = time.monotonic() + hold
                while len(handlers.rt().queue) and time.monotonic() < deadline:
                    time.sleep(0.1)
                return kube_event(*a, **k)

            self._kube = type("K", (), {"event": staticmethod(event_when_idle)})()
            post(self)

        recorder.EventRecorder._post_all = held_post_all  # type: ignore[method-assign]

    from ecs_operator.cli import main as cli_main

    return int(cli_main(rest) or 0)


def _replace_handler(name: str, function: Any) -> None:
    """Swap the function kopf registered under `name` (its registry keeps the function object)."""
    import kopf

    registry = kopf.get_default_registry()
    replaced = 0
    for handler in registry._watching.get_all_handlers():  # type: ignore[attr-defined]
        if getattr(handler.fn, "__name__", "") == name:
            object.__setattr__(handler, "fn", function)
            replaced += 1
    if not replaced:
        raise RuntimeError(f"no kopf handler named {name}")


if __name__ == "__main__":
    sys.exit(main())
