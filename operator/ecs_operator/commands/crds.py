"""`ecs-operator crds`: write (or check) the generated CRD YAML in crds/ and the chart's crds/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ecs_operator.api.crd import rendered_crds

NAME = "crds"
HELP = "Generate the CustomResourceDefinitions from the API models (crds/ and charts/ecs-operator/crds/)."

CHART_CRDS = Path("charts/ecs-operator/crds")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=None,
        help="write only into this directory (default: the repository's crds/ and charts/ecs-operator/crds/)",
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 listing the files that differ"
    )


def repository_root() -> Path:
    """The checkout this package lives in (operator/ecs_operator/commands/crds.py -> root)."""
    return Path(__file__).resolve().parents[3]


def target_dirs(output_dir: Path | None) -> list[Path]:
    if output_dir is not None:
        return [output_dir]
    root = repository_root()
    return [root / "crds", root / CHART_CRDS]


def stale_files(directories: list[Path], files: dict[str, str]) -> list[Path]:
    """Files missing or different from what generation gives."""
    stale = []
    for directory in directories:
        for name, text in files.items():
            path = directory / name
            if not path.is_file() or path.read_text() != text:
                stale.append(path)
    return stale


def run(args: argparse.Namespace) -> int:
    files = rendered_crds()
    directories = target_dirs(args.output_dir)
    if args.check:
        stale = stale_files(directories, files)
        for path in stale:
            print(f"differs from generation: {path}", file=sys.stderr)
        if stale:
            print("run `ecs-operator crds` to regenerate", file=sys.stderr)
        return 1 if stale else 0
    for directory in directories:
        directory.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (directory / name).write_text(text)
            print(directory / name)
    return 0
