"""`ecs-operator render -f FILE...`: print, offline, the Kubernetes objects the operator would create."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime

import yaml

NAME = "render"
HELP = "Print the Kubernetes objects (multi-document YAML) that ECS resources become, without a cluster."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-f",
        "--filename",
        action="append",
        required=True,
        metavar="FILE",
        help="YAML file(s) with TaskDefinitions, Services, CapacityProviders, Clusters (- = stdin)",
    )
    parser.add_argument("-n", "--namespace", default="default", help="namespace for objects that name none")
    parser.add_argument(
        "--pod-security",
        choices=("restricted", "baseline", "privileged"),
        default="baseline",
        help="Pod Security level the namespaces enforce (default baseline): a Service whose pods need "
        "more is refused, as the operator holds it",
    )


class _PlainDumper(yaml.SafeDumper):
    """No `&id001` anchors: objects share sub-dicts in memory, the output must not show it."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def _read(path: str) -> list[dict]:
    if os.path.isdir(path):  # like kubectl apply -f DIR: its YAML files in name order
        names = sorted(n for n in os.listdir(path) if n.endswith((".yaml", ".yml", ".json")))
        return [doc for name in names for doc in _read(os.path.join(path, name))]
    if path == "-":
        text = sys.stdin.read()
    else:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    return [d for d in yaml.safe_load_all(text) if isinstance(d, dict)]


def run(args: argparse.Namespace) -> int:
    from ecs_operator.core.render import RenderError, render

    try:
        sourced = [(path, doc) for path in args.filename for doc in _read(path)]
        result = render(
            [doc for _, doc in sourced],
            namespace=args.namespace,
            now=datetime.now(UTC).replace(microsecond=0),
            pod_security=args.pod_security,
        )
    except (OSError, yaml.YAMLError, RenderError) as exc:
        print(f"ecs-operator render: {exc}", file=sys.stderr)
        return 2
    if result.refused:
        for index, why in result.refused:
            print(f"ecs-operator render: {sourced[index][0]}: {why}", file=sys.stderr)
        return 2
    yaml.dump_all(result.objects, sys.stdout, Dumper=_PlainDumper, sort_keys=False)
    for problem in result.problems:
        print(f"ecs-operator render: {problem}", file=sys.stderr)
    return 1 if result.problems else 0
