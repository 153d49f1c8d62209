"""Leader takeover at N Services: two `ecs-operator run` processes electing by a Lease, the leader
killed with SIGKILL once the N Services have settled; measures the time until the standby leads
and until its first pass is done, and counts what the handover wrote (objects whose
resourceVersion changed, Events posted, the new leader's write counter).

    PYTHONPATH=operator python -m bench.takeover --kubeconfig <admin kubeconfig> --services 1000

Runs against an existing local control plane (`ecs-operator cluster up`), in a namespace of its
own, deleted at the end. The Services have desiredCount 0 unless `--desired` says otherwise (the
test cluster's kwok nodes hold 660 pods): each still has its Deployment, revision and status.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from pathlib import Path

from bench import workload
from bench.scenarios import _create_all, _settle
from ecs_operator.controller import resources
from ecs_operator.controller.kube import Kube, load_api_client
from ecs_operator.localrun import OperatorProcess, ensure_namespace, install_crds

KINDS = (
    resources.ECS_SERVICE,
    resources.CONTROLLER_REVISION,
    resources.resource_of({"apiVersion": "apps/v1", "kind": "Deployment"}),
    resources.resource_of({"apiVersion": "v1", "kind": "Service"}),
)


def versions(kube: Kube, namespace: str) -> dict[tuple[str, str], str]:
    return {
        (r.kind, i["metadata"]["name"]): i["metadata"]["resourceVersion"]
        for r in KINDS
        for i in kube.list(r, namespace)
    }


def operator_events(kube: Kube, namespace: str) -> int:
    return sum(
        (e.get("source") or {}).get("component") == "ecs-operator"
        for e in kube.list(resources.EVENT, namespace)
    )


def until(probe, timeout: float, what: str) -> float:
    started = time.monotonic()
    while not probe():
        if time.monotonic() - started > timeout:
            raise TimeoutError(what)
        time.sleep(0.1)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kubeconfig", type=Path, required=True)
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--desired", type=int, default=0)
    args = parser.parse_args()
    kube = Kube(load_api_client(str(args.kubeconfig)), field_manager="bench")
    namespace = f"takeover-{uuid.uuid4().hex[:6]}"
    install_crds(kube)
    ensure_namespace(kube, namespace)
    for provider in workload.capacity_providers():
        kube.apply(provider)
    logs = Path(tempfile.mkdtemp(prefix="takeover-"))
    lease = f"{namespace}/ecs-operator"
    first = OperatorProcess(args.kubeconfig, logs / "first.log", lease=lease).start(timeout=300)
    second = OperatorProcess(args.kubeconfig, logs / "second.log", lease=lease)
    try:
        until(first.leading, 30, "first leading")
        second.start(timeout=300)
        objects = workload.ecs_objects(args.services, namespace)
        for obj in objects:
            if obj["kind"] == "Service":
                obj["spec"]["desiredCount"] = args.desired
        started = time.monotonic()
        _create_all(kube, objects)
        _settle(first, quiet=10, timeout=1800)
        print(
            f"{args.services} Services settled in {time.monotonic() - started:.0f} s; "
            f"leader writes {first.writes():.0f}, standby writes {second.writes():.0f}"
        )
        before = versions(kube, namespace)
        events = operator_events(kube, namespace)
        killed = time.monotonic()
        first.kill()
        leading = until(second.leading, 60, "standby leading")
        ready = until(lambda: second.probe("/readyz"), 600, "first pass") + leading
        _settle(second, quiet=10, timeout=600)
        after = versions(kube, namespace)
        changed = sorted(k for k in before if after.get(k) != before[k])
        print(f"kill -9 -> standby leading: {leading:.1f} s; -> first pass done (/readyz): {ready:.1f} s")
        print(
            f"objects rewritten: {len(changed)} of {len(before)} {changed[:5]}; "
            f"Events posted: {operator_events(kube, namespace) - events}; "
            f"new leader writes: {second.writes():.0f}"
        )
        print(f"took {time.monotonic() - killed:.0f} s after the kill; logs in {logs}")
    finally:
        first.stop()
        second.stop()
        kube.delete(resources.NAMESPACE, None, namespace)


if __name__ == "__main__":
    main()
