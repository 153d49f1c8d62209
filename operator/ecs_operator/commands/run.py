"""`ecs-operator run`: the operator process (kopf), with /healthz and Prometheus /metrics."""

from __future__ import annotations

import argparse
import logging
import os

from ecs_operator.core.service.settings import DEFAULT_MAX_DESIRED_COUNT, DEFAULT_POD_SECURITY, Settings
from ecs_operator.core.task_definition.pod_security import LEVELS

NAME = "run"
HELP = "Run the operator against the current kubeconfig (or in-cluster credentials)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument(
        "--namespace", "-n", action="append", default=[], help="serve only this namespace (repeatable)"
    )
    scope.add_argument("--all-namespaces", "-A", action="store_true", help="serve every namespace (default)")
    parser.add_argument("--kubeconfig", default=os.environ.get("KUBECONFIG"), help="path to a kubeconfig")
    parser.add_argument("--metrics-port", type=int, default=9090, help="Prometheus /metrics port (0: off)")
    parser.add_argument("--health-port", type=int, default=8080, help="liveness /healthz port (0: off)")
    parser.add_argument(
        "--default-pod-security",
        choices=LEVELS,
        default=DEFAULT_POD_SECURITY,
        help="Pod Security level assumed for a namespace without a pod-security.kubernetes.io/enforce label "
        f"(default {DEFAULT_POD_SECURITY})",
    )
    parser.add_argument(
        "--max-desired-count",
        type=int,
        default=DEFAULT_MAX_DESIRED_COUNT,
        help=f"the most tasks one Service may ask for (default {DEFAULT_MAX_DESIRED_COUNT}, ECS's quota)",
    )
    parser.add_argument("--verbose", "-v", action="store_true")


def cap_malloc_arenas(arenas: int = 2) -> bool:
    """glibc gives threads malloc arenas of their own (up to 8 per core), and each keeps the memory
    freed in it; with dozens of reconcile threads that held 10-20 % of the operator's RSS. Must run
    before the threads start. A no-op where the C library is not glibc."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        mallopt = ctypes.CDLL(name).mallopt
    except (OSError, AttributeError):
        return False
    m_arena_max = -8  # malloc.h
    return bool(mallopt(m_arena_max, arenas))


def run(args: argparse.Namespace) -> int:
    cap_malloc_arenas()
    # Imported here so offline commands (render, import, placement) never load kopf.
    import kopf
    from prometheus_client import start_http_server

    from ecs_operator.controller import handlers  # noqa: F401 - registers the handlers with kopf
    from ecs_operator.controller.kube import Kube, load_api_client
    from ecs_operator.controller.memo import OperatorMemo
    from ecs_operator.controller.runtime import Runtime

    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("kubernetes", "urllib3", "aiohttp"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if not args.verbose:
        logging.getLogger("kopf").setLevel(logging.WARNING)
    if args.kubeconfig:
        os.environ["KUBECONFIG"] = args.kubeconfig  # kopf's own login reads it too
    runtime = Runtime(
        kube=Kube(load_api_client(args.kubeconfig)),
        namespaces=tuple(args.namespace),
        settings=Settings(args.default_pod_security, args.max_desired_count),
    )
    if args.metrics_port:
        start_http_server(args.metrics_port)
    kopf.run(
        standalone=True,
        clusterwide=not args.namespace,
        namespaces=args.namespace,
        liveness_endpoint=f"http://0.0.0.0:{args.health_port}/healthz" if args.health_port else None,
        memo=OperatorMemo(runtime),
    )
    return 0
