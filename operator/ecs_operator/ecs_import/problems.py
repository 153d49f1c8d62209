"""Input that cannot become resources: every error names the file and the JSON path of the problem."""

from __future__ import annotations

from collections.abc import Sequence


class ImportProblem(Exception):
    """Input that cannot become resources: names the file and the JSON path of each problem."""

    def __init__(self, source: str, problems: Sequence[tuple[str, str]]):
        self.source = source
        self.problems = list(problems)
        super().__init__("\n".join(f"{source}: {path}: {message}" for path, message in self.problems))

    @property
    def path(self) -> str:
        return self.problems[0][0]


def json_path(prefix: str, loc: Sequence[str | int]) -> str:
    path = prefix
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path
