"""Task size: the task-level `cpu` and `memory` strings, and Fargate's valid pairs of them.

The one parser of these strings, for the models and for the core, so the two never disagree.
ECS (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#task_size):
`cpu` is CPU units as an integer (`"1024"`) or vCPUs as a string (`"1 vCPU"`, `"1vCPU"`); `memory` is
MiB as an integer (`"1024"`) or GB as a string (`"1 GB"`, `"1GB"`), where 1 GB is 1024 MiB. Accepted
here: those forms in any case, with spaces around them; a vCPU or GB amount may have decimals
(`"0.25 vCPU"`, `"0.5 GB"`, the sizes of ECS's own table), rounded to whole units or MiB. Nothing
else is a size: not `"2 GiB"`, `"512 MB"`, `"1024.5"`, `"+1024"`, `"1_024"` or `"1e3 vCPU"`.
"""

from __future__ import annotations

import re

# Group 1: the integer form (units, MiB); group 2: the amount of vCPUs or GB (1024 units or MiB each).
_CPU = re.compile(r"^\s*(?:(\d+)|(\d+(?:\.\d+)?)\s*vcpu)\s*$", re.IGNORECASE)
_MEMORY = re.compile(r"^\s*(?:(\d+)|(\d+(?:\.\d+)?)\s*gb)\s*$", re.IGNORECASE)

# Fargate task sizes
# (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html
# #fargate-tasks-size): cpu units -> allowed memory MiB.
FARGATE_SIZES: dict[int, set[int]] = {
    256: {512, 1024, 2048},
    512: set(range(1024, 4096 + 1, 1024)),
    1024: set(range(2048, 8192 + 1, 1024)),
    2048: set(range(4096, 16384 + 1, 1024)),
    4096: set(range(8192, 30720 + 1, 1024)),
    8192: set(range(16384, 61440 + 1, 4096)),
    16384: set(range(32768, 122880 + 1, 8192)),
}


def parse_cpu(value: object) -> int | None:
    """`"256"`, `256`, `"0.25 vCPU"`, `"1vcpu"` -> CPU units (1024 per vCPU); None when not a size."""
    return _parse(_CPU, value)


def parse_memory(value: object) -> int | None:
    """`"512"`, `512`, `"1 GB"`, `"2GB"` -> MiB (ECS reads GB as GiB); None when not a size."""
    return _parse(_MEMORY, value)


def _parse(form: re.Pattern[str], value: object) -> int | None:
    """The whole number of the first group, or the second group's amount times 1024, rounded."""
    match = form.match(str(value))
    if not match:
        return None
    whole, amount = match.groups()
    return int(whole) if whole is not None else round(float(amount) * 1024)


def is_fargate_size(cpu_units: int, memory_mib: int) -> bool:
    return memory_mib in FARGATE_SIZES.get(cpu_units, set())
