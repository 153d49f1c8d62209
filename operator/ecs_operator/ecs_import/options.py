"""What the caller gives besides the files: the names and namespace the input leaves open."""

from __future__ import annotations

from dataclasses import dataclass

STDIN = "-"  # the source name of text read from standard input


@dataclass(frozen=True)
class Options:
    family: str | None = None
    namespace: str | None = None
    service_name: str | None = None
    task_definition: str | None = None
