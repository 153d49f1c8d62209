"""The one parser of task-level cpu and memory, and Fargate's pairs (api/task_size.py).

Forms from https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html#task_size
"""

import pytest

from ecs_operator.api.task_size import is_fargate_size, parse_cpu, parse_memory

CPU_FORMS = [
    ("1024", 1024),  # CPU units, ECS's integer form
    ("256", 256),
    (256, 256),  # a plain-dict task definition may hold a number
    (" 1024 ", 1024),
    ("1 vCPU", 1024),  # vCPUs, ECS's string form
    ("1vCPU", 1024),
    ("0.25 vCPU", 256),  # the fractions of ECS's own size table
    ("0.5 vcpu", 512),
    ("2VCPU", 2048),
]
NOT_CPU = [
    "1024.5",
    "1.0",
    "+1024",
    "-256",
    "1_024",
    "1e3 vCPU",
    "inf vCPU",
    ".5 vCPU",
    "1. vCPU",
    "1 cpu",
    "2 GiB",
    "",
    "lots",
]
MEMORY_FORMS = [
    ("1024", 1024),  # MiB, ECS's integer form
    (512, 512),
    ("1 GB", 1024),  # GB, ECS's string form, read as GiB
    ("1GB", 1024),
    ("0.5 GB", 512),
    ("2 gb", 2048),
]
NOT_MEMORY = [
    "2 GiB",
    "2GiB",
    "512 MB",
    "512 MiB",
    "512.5",
    "+512",
    "-512",
    "1_024",
    "1e1 GB",
    "inf GB",
    ".5 GB",
    "2 G",
    "2 TB",
    "",
]


@pytest.mark.parametrize(("text", "units"), CPU_FORMS)
def test_cpu_is_units_or_vcpus(text, units):
    assert parse_cpu(text) == units


@pytest.mark.parametrize("text", NOT_CPU)
def test_anything_else_is_not_a_cpu_size(text):
    assert parse_cpu(text) is None


@pytest.mark.parametrize(("text", "mib"), MEMORY_FORMS)
def test_memory_is_mib_or_gb(text, mib):
    assert parse_memory(text) == mib


@pytest.mark.parametrize("text", NOT_MEMORY)
def test_anything_else_is_not_a_memory_size(text):
    assert parse_memory(text) is None


def test_fargate_sizes_pair_cpu_with_memory():
    assert is_fargate_size(256, 512) and is_fargate_size(16384, 122880)
    assert not is_fargate_size(256, 4096)
    assert not is_fargate_size(128, 512)  # not a Fargate cpu at all
