"""CPU and memory: container units/MiB and the task size bound (core/task_definition/task_size.py)."""

from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from task_definition_inputs import container

from ecs_operator.api.task_size import parse_cpu, parse_memory
from ecs_operator.core.task_definition.pod_spec import TaskDefinitionError, build_pod_spec
from ecs_operator.core.task_definition.task_size import cpu_units, memory_mib, millicores


def resources_of(*containers: dict[str, Any], **task_fields: Any) -> list[dict[str, Any]]:
    spec = build_pod_spec({"family": "web", "containerDefinitions": list(containers), **task_fields}).pod_spec
    every = spec.get("initContainers", []) + spec["containers"]
    by_name = {c["name"]: c.get("resources", {}) for c in every}
    return [by_name[c["name"]] for c in containers]


@pytest.mark.parametrize(
    ("text", "units"), [("256", 256), (512, 512), ("0.25 vCPU", 256), ("1 vCPU", 1024), ("2vcpu", 2048)]
)
def test_task_cpu_accepts_units_and_vcpus(text, units):
    assert cpu_units(text, "cpu") == units


@pytest.mark.parametrize(
    ("text", "mib"), [("512", 512), (1024, 1024), ("1 GB", 1024), ("2GB", 2048), ("0.5 GB", 512)]
)
def test_task_memory_accepts_mib_and_gb(text, mib):
    assert memory_mib(text, "memory") == mib


# Each form tests/unit/api/test_api_task_size.py names, accepted or not.
SIZE_FORMS = ["1024", 256, " 1024 ", "1 vCPU", "1vCPU", "0.25 vCPU", "2VCPU", "1 GB", "1GB", "0.5 GB", "2 gb"]
NOT_SIZES = ["2 GiB", "2GiB", "512 MB", "512 MiB", "1024.5", "+1024", "-256", "1_024", "1e3 vCPU", "inf GB"]


@pytest.mark.parametrize("text", SIZE_FORMS + NOT_SIZES)
def test_the_core_reads_task_sizes_as_the_models_do(text):
    for parse, read in ((parse_cpu, cpu_units), (parse_memory, memory_mib)):
        expected = parse(text)
        if expected is None:
            with pytest.raises(TaskDefinitionError):
                read(text, "p")
        else:
            assert read(text, "p") == expected


def test_gib_is_not_an_ecs_memory_size_and_the_pod_is_refused():
    with pytest.raises(TaskDefinitionError, match=r"^memory: memory '2 GiB' is neither"):
        build_pod_spec({"family": "w", "memory": "2 GiB", "containerDefinitions": [container()]})


def test_unparseable_task_size_is_an_error_naming_the_field():
    with pytest.raises(TaskDefinitionError, match=r"^cpu:"):
        build_pod_spec({"family": "w", "cpu": "lots", "containerDefinitions": [container()]})
    with pytest.raises(TaskDefinitionError, match=r"^memory:"):
        build_pod_spec({"family": "w", "memory": "${memory}", "containerDefinitions": [container()]})


def test_cpu_units_become_millicores():
    assert millicores(256) == "250m"
    assert millicores(1024) == "1000m"
    assert millicores(100) == "97m"  # rounded down: shares never add up to more than the task


def test_container_cpu_is_a_request_without_limit_when_the_task_has_no_size():
    assert resources_of(container(cpu=256)) == [{"requests": {"cpu": "250m"}}]


def test_memory_alone_is_both_request_and_limit():
    assert resources_of(container(memory=512)) == [
        {"requests": {"memory": "512Mi"}, "limits": {"memory": "512Mi"}}
    ]


def test_memory_reservation_is_the_request_and_memory_the_limit():
    assert resources_of(container(memory=512, memoryReservation=128)) == [
        {"requests": {"memory": "128Mi"}, "limits": {"memory": "512Mi"}}
    ]
    assert resources_of(container(memoryReservation=128)) == [{"requests": {"memory": "128Mi"}}]


def test_zero_cpu_and_memory_count_as_unset():
    assert resources_of(container(cpu=0, memory=0)) == [{}]


def test_task_size_is_shared_equally_by_containers_that_state_nothing():
    result = resources_of(container("a"), container("b"), cpu="1024", memory="2GB")
    share = {"cpu": "500m", "memory": "1024Mi"}
    assert result == [{"requests": share, "limits": share}, {"requests": share, "limits": share}]


def test_stated_sizes_are_kept_and_the_rest_is_shared():
    a, b, c = resources_of(
        container("a", cpu=512, memory=1024),
        container("b"),
        container("c", memoryReservation=256),
        cpu="1 vCPU",
        memory="3072",
    )
    assert a == {
        "requests": {"cpu": "500m", "memory": "1024Mi"},
        "limits": {"cpu": "500m", "memory": "1024Mi"},
    }
    assert b == {
        "requests": {"cpu": "250m", "memory": "1024Mi"},
        "limits": {"cpu": "250m", "memory": "1024Mi"},
    }
    assert c == {
        "requests": {"cpu": "250m", "memory": "256Mi"},
        "limits": {"cpu": "250m", "memory": "1024Mi"},
    }


def test_limits_add_up_to_at_most_the_task_size():
    parts = resources_of(container("a"), container("b"), container("c"), cpu="1024", memory="1000")
    assert sum(int(p["limits"]["cpu"].rstrip("m")) for p in parts) <= 1000
    assert sum(int(p["limits"]["memory"].removesuffix("Mi")) for p in parts) <= 1000


def test_a_reservation_above_the_share_raises_the_limit_to_it():
    _, b = resources_of(container("a", memory=900), container("b", memoryReservation=200), memory="1024")
    assert b == {"requests": {"memory": "200Mi"}, "limits": {"memory": "200Mi"}}


def test_containers_left_nothing_get_the_ecs_floor():
    _, b = resources_of(container("a", cpu=1024, memory=512), container("b"), cpu="1024", memory="512")
    assert b["limits"] == {"cpu": "1m", "memory": "6Mi"}


def test_init_containers_take_no_share_and_may_use_the_task_size_beside_the_sidecars():
    init, sidecar, main = resources_of(
        container("init", essential=False),
        container("proxy"),
        container(
            "app",
            dependsOn=[
                {"containerName": "init", "condition": "SUCCESS"},
                {"containerName": "proxy", "condition": "START"},
            ],
        ),
        cpu="1024",
        memory="2048",
    )
    assert sidecar["limits"] == main["limits"] == {"cpu": "500m", "memory": "1024Mi"}
    assert init["limits"] == {"cpu": "500m", "memory": "1024Mi"}  # task size minus the sidecar


def test_windows_ignores_task_level_size_as_ecs_does():
    assert resources_of(
        container(),
        cpu="1024",
        memory="2048",
        runtimePlatform={"operatingSystemFamily": "WINDOWS_SERVER_2022_FULL"},
    ) == [{}]


@settings(max_examples=200, deadline=None)
@given(
    stated=st.lists(st.one_of(st.none(), st.integers(1, 4096)), min_size=1, max_size=6),
    task_units=st.integers(128, 16384),
)
def test_cpu_limits_never_exceed_the_task_when_stated_cpu_fits(stated, task_units):
    assume(sum(s or 0 for s in stated) + 2 * stated.count(None) <= task_units)
    definitions = [container(f"c{i}", **({"cpu": s} if s else {})) for i, s in enumerate(stated)]
    parts = resources_of(*definitions, cpu=str(task_units))
    total_millicores = sum(int(p["limits"]["cpu"].removesuffix("m")) for p in parts)
    assert total_millicores <= task_units * 1000 // 1024 + len(stated)  # each part rounds down separately
    assert all(p["requests"]["cpu"] == p["limits"]["cpu"] for p in parts)


@settings(max_examples=200, deadline=None)
@given(
    stated=st.lists(st.one_of(st.none(), st.integers(6, 4096)), min_size=1, max_size=6),
    task_mib=st.integers(512, 30720),
)
def test_memory_limits_add_up_to_the_task_when_stated_memory_fits(stated, task_mib):
    assume(sum(s or 0 for s in stated) + 6 * stated.count(None) <= task_mib)
    definitions = [container(f"c{i}", **({"memory": s} if s else {})) for i, s in enumerate(stated)]
    parts = resources_of(*definitions, memory=str(task_mib))
    limits = [int(p["limits"]["memory"].removesuffix("Mi")) for p in parts]
    assert sum(limits) <= task_mib
    assert [limit for limit, s in zip(limits, stated, strict=True) if s] == [s for s in stated if s]
    if None in stated:  # the unstated containers share what is left, within one MiB each
        assert task_mib - sum(limits) < stated.count(None)
