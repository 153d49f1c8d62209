"""The committed CRD YAML is exactly what the models generate, and it is a valid structural schema."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from ecs_operator.api.crd import all_crds, rendered_crds
from ecs_operator.api.crd_kinds import KINDS
from ecs_operator.api.strategy_rules import RULES

ROOT = Path(__file__).resolve().parents[2]
GENERATED_DIRS = [ROOT / "crds", ROOT / "charts" / "ecs-operator" / "crds"]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ecs_operator", *args], capture_output=True, text=True, cwd=ROOT, check=False
    )


@pytest.mark.parametrize("directory", GENERATED_DIRS, ids=lambda d: str(d.relative_to(ROOT)))
def test_committed_crds_match_generation(directory: Path) -> None:
    expected = rendered_crds()
    on_disk = {p.name: p.read_text() for p in directory.glob("*.yaml")}
    assert sorted(on_disk) == sorted(expected), "run `ecs-operator crds` to regenerate"
    for name, text in expected.items():
        assert on_disk[name] == text, f"{directory / name} drifted from the models: run `ecs-operator crds`"


def test_check_flag_lists_files_that_differ_and_exits_1(tmp_path: Path) -> None:
    assert run_cli("crds", "--output-dir", str(tmp_path)).returncode == 0
    assert run_cli("crds", "--output-dir", str(tmp_path), "--check").returncode == 0
    stale = tmp_path / "ecsservices.ecs-operator.dev.yaml"
    stale.write_text(stale.read_text().replace("ecssvc", "oldname"))
    result = run_cli("crds", "--output-dir", str(tmp_path), "--check")
    assert result.returncode == 1
    assert str(stale) in result.stderr
    assert "taskdefinitions" not in result.stderr


def walk(node: Any, path: str = ""):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{path}[{index}]")


def schemas() -> list[tuple[str, dict[str, Any]]]:
    return [
        (name, doc["spec"]["versions"][0]["schema"]["openAPIV3Schema"]) for name, doc in all_crds().items()
    ]


@pytest.mark.parametrize("name,schema", schemas(), ids=[n for n, _ in schemas()])
def test_schema_is_structural(name: str, schema: dict[str, Any]) -> None:
    for path, node in walk(schema):
        if path.endswith(".x-kubernetes-validations") or ".x-kubernetes-validations[" in path:
            continue
        for forbidden in ("anyOf", "oneOf", "allOf", "$ref", "nullable", "title", "propertyNames"):
            assert forbidden not in node or path.endswith(".properties"), f"{name}{path} has {forbidden}"
        if path.endswith(".properties") or path.endswith(".enum") or path.endswith(".required"):
            continue
        if "type" in node or "x-kubernetes-preserve-unknown-fields" in node:
            continue
        if "rule" in node:
            continue
        pytest.fail(f"{name}{path} has neither type nor x-kubernetes-preserve-unknown-fields: {node}")


@pytest.mark.parametrize("name,schema", schemas(), ids=[n for n, _ in schemas()])
def test_schema_has_no_additional_properties_false(name: str, schema: dict[str, Any]) -> None:
    for path, node in walk(schema):
        if not path.endswith(".properties"):
            assert node.get("additionalProperties") is not False, f"{name}{path}"


@pytest.mark.parametrize("name,schema", schemas(), ids=[n for n, _ in schemas()])
def test_lists_and_strings_under_cel_rules_are_bounded(name: str, schema: dict[str, Any]) -> None:
    for path, node in walk(schema):
        if "x-kubernetes-validations" not in node or path == "":
            continue
        for inner_path, inner in walk(node):
            if inner.get("type") == "array":
                assert "maxItems" in inner, f"{name}{path}{inner_path}: unbounded list under a CEL rule"
            if inner.get("type") == "string" and "enum" not in inner:
                assert "maxLength" in inner, f"{name}{path}{inner_path}: unbounded string under a CEL rule"


def test_every_kind_has_status_subresource_and_ecs_category() -> None:
    for doc in all_crds().values():
        version = doc["spec"]["versions"][0]
        assert "status" in version["subresources"]
        assert doc["spec"]["names"]["categories"] == ["ecs"]
        status = version["schema"]["openAPIV3Schema"]["properties"]["status"]
        assert status["x-kubernetes-preserve-unknown-fields"] is True


def test_service_is_reached_as_ecsservices_and_scales_through_desired_count() -> None:
    doc = all_crds()["ecsservices.ecs-operator.dev.yaml"]
    assert doc["spec"]["names"]["kind"] == "Service"
    assert doc["spec"]["names"]["shortNames"] == ["ecssvc"]
    assert doc["spec"]["versions"][0]["subresources"]["scale"] == {
        "specReplicasPath": ".spec.desiredCount",
        "statusReplicasPath": ".status.runningCount",
        "labelSelectorPath": ".status.selector",
    }
    columns = [c["name"] for c in doc["spec"]["versions"][0]["additionalPrinterColumns"]]
    assert columns == ["Desired", "Running", "Pending", "Task Definition", "Rollout", "Age"]


def test_names_and_scopes_of_the_four_kinds() -> None:
    names = {k.kind: (k.plural, k.short_names, k.namespaced) for k in KINDS}
    assert names == {
        "TaskDefinition": ("taskdefinitions", ["taskdef", "td"], True),
        "Service": ("ecsservices", ["ecssvc"], True),
        "CapacityProvider": ("capacityproviders", ["capprov", "cp"], False),
        "Cluster": ("ecsclusters", ["ecscluster"], True),
    }


def test_ecs_defaults_are_in_the_schema() -> None:
    td = all_crds()["taskdefinitions.ecs-operator.dev.yaml"]["spec"]["versions"][0]["schema"]
    container = td["openAPIV3Schema"]["properties"]["spec"]["properties"]["containerDefinitions"]["items"]
    assert container["properties"]["essential"]["default"] is True
    svc = all_crds()["ecsservices.ecs-operator.dev.yaml"]["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    spec = svc["properties"]["spec"]["properties"]
    assert spec["schedulingStrategy"]["default"] == "REPLICA"
    assert "default" not in spec["desiredCount"]
    item = spec["capacityProviderStrategy"]["items"]["properties"]
    assert item["base"]["default"] == 0 and item["weight"]["default"] == 0
    assert spec["capacityProviderFallback"]["items"]["properties"]["unschedulableSeconds"]["default"] == 60


def test_committed_yaml_parses_back_to_the_generated_documents() -> None:
    for name, document in all_crds().items():
        assert yaml.safe_load((ROOT / "crds" / name).read_text()) == document


STRATEGY_FIELDS = [
    ("ecsservices.ecs-operator.dev.yaml", "capacityProviderStrategy"),
    ("ecsclusters.ecs-operator.dev.yaml", "defaultCapacityProviderStrategy"),
]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
@pytest.mark.parametrize("name,field", STRATEGY_FIELDS, ids=[f for _, f in STRATEGY_FIELDS])
def test_every_strategy_rule_has_its_twin_in_the_crd(rule: Any, name: str, field: str) -> None:
    schema = all_crds()[name]["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    strategy = schema["properties"]["spec"]["properties"][field]
    assert (rule.cel is None) != (rule.schema is None), f"{rule.id}: a CEL rule or a schema bound, not both"
    if rule.cel is not None:
        assert rule.cel_rule() in strategy["x-kubernetes-validations"]
    else:
        prop, bounds = rule.schema
        node = strategy["items"]["properties"][prop] if prop else strategy
        assert {key: node.get(key) for key in bounds} == bounds
