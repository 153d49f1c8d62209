"""`ecs-operator import`: real ECS JSON -> ecs-operator resources as multi-document YAML.

The conversion rules are in `ecs_operator.ecs_import`; this command reads files and prints.
"""

from __future__ import annotations

import argparse
import sys

import yaml

from ecs_operator.ecs_import import STDIN, ImportProblem, Options, import_sources

NAME = "import"
HELP = (
    "Convert ECS JSON (register/describe task definition, container definitions, create/describe "
    "services) into ecs-operator resources."
)
EXIT_INVALID = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="ECS JSON files; '-' reads stdin")
    parser.add_argument(
        "--family", help="family for container-definition arrays or objects (overrides `family`)"
    )
    parser.add_argument("--namespace", help="metadata.namespace of every resource (default: the ECS cluster)")
    parser.add_argument("--service-name", help="serviceName for a service that has none (default: file name)")
    parser.add_argument("--task-definition", help="taskDefinition (family or family:N) for services")


def read(name: str) -> str:
    if name == STDIN:
        return sys.stdin.read()
    with open(name, encoding="utf-8") as handle:
        return handle.read()


def run(args: argparse.Namespace) -> int:
    options = Options(
        family=args.family,
        namespace=args.namespace,
        service_name=args.service_name,
        task_definition=args.task_definition,
    )
    try:
        sources = [(name, read(name)) for name in args.files]
    except OSError as error:
        print(f"ecs-operator import: {error}", file=sys.stderr)
        return EXIT_INVALID
    try:
        imported = import_sources(sources, options)
    except ImportProblem as problem:
        print(f"ecs-operator import: {problem}", file=sys.stderr)
        return EXIT_INVALID
    for warning in imported.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    sys.stdout.write(yaml.safe_dump_all(imported.resources, sort_keys=False, width=120))
    return 0
