"""`ecs-operator placement`: where would N tasks go? The split (docs/design.md#the-capacity-split), offline.

stdout holds only the JSON answer (`{"OD": 4, "SPOT": 6}`), so it pipes into jq; `--explain` writes a
table to stderr. An invalid strategy exits 2 with one line on stderr naming the broken rule.
"""

from __future__ import annotations

import argparse
import json
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from ecs_operator.core.placement.capacity_split import ShareRow, StrategyError, explain

NAME = "placement"
HELP = "Print how a capacity provider strategy splits N tasks across providers, as JSON."
USAGE_ERROR = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--desired-count", type=int, required=True, metavar="N", help="number of tasks")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--strategy",
        metavar="JSON",
        help='the strategy, e.g. \'[{"capacityProvider": "FARGATE", "weight": 1}]\'',
    )
    source.add_argument(
        "--strategy-file",
        type=Path,
        metavar="PATH",
        help="a file holding the strategy (JSON, or YAML for .yaml/.yml), or an object with a "
        "capacityProviderStrategy or defaultCapacityProviderStrategy (e.g. create-service input)",
    )
    parser.add_argument(
        "--explain", action="store_true", help="also print the reasoning as a table on stderr"
    )


def _load(args: argparse.Namespace) -> Any:
    if args.strategy is not None:
        text, source, is_yaml = args.strategy, "--strategy", False
    else:
        path: Path = args.strategy_file
        try:
            text = path.read_text()
        except OSError as error:
            raise StrategyError("unreadable-file", f"cannot read {path}: {error.strerror}") from error
        source, is_yaml = str(path), path.suffix in (".yaml", ".yml")
    try:
        data = yaml.safe_load(text) if is_yaml else json.loads(text)
    except (ValueError, yaml.YAMLError) as error:
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise StrategyError(
            "invalid-json" if not is_yaml else "invalid-yaml", f"{source}: {first_line}"
        ) from error
    if isinstance(data, dict):
        for key in ("capacityProviderStrategy", "defaultCapacityProviderStrategy"):
            if key in data:
                return data[key]
    return data


def _share(value: Fraction) -> str:
    return f"{value} (~{float(value):.2f})" if value.denominator != 1 else str(value)


def _table(rows: list[ShareRow]) -> str:
    header = ("provider", "base", "weight", "base tasks", "weighted share", "exact share", "count")
    table = [header] + [
        (
            row.provider,
            str(row.base),
            str(row.weight),
            str(row.base_tasks),
            _share(row.weighted_share),
            _share(row.exact_share),
            str(row.count),
        )
        for row in rows
    ]
    widths = [max(len(cells[column]) for cells in table) for column in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()
        for cells in table
    )


def run(args: argparse.Namespace) -> int:
    try:
        rows = explain(_load(args), args.desired_count)
    except StrategyError as error:
        print(f"ecs-operator placement: {error}", file=sys.stderr)
        return USAGE_ERROR
    if args.explain:
        print(_table(rows), file=sys.stderr)
    print(json.dumps({row.provider: row.count for row in rows}))
    return 0
