"""`ecs-operator placement` run as a user runs it: a subprocess, real files."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

OD_BASE2_SPOT = '[{"capacityProvider":"OD","base":2,"weight":1},{"capacityProvider":"SPOT","weight":3}]'
SAMPLES = Path(__file__).parents[1] / "fixtures" / "ecs-samples"


def placement(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ecs_operator", "placement", *args], capture_output=True, text=True, timeout=60
    )


def test_prints_only_the_split_as_json_on_stdout():
    result = placement("--desired-count", "10", "--strategy", OD_BASE2_SPOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout == '{"OD": 4, "SPOT": 6}\n'
    assert result.stderr == ""


def test_every_provider_is_listed_even_with_zero_tasks():
    result = placement("--desired-count", "1", "--strategy", OD_BASE2_SPOT)
    assert json.loads(result.stdout) == {"OD": 1, "SPOT": 0}


def test_reads_the_strategy_from_a_json_file(tmp_path):
    strategy_file = tmp_path / "strategy.json"
    strategy_file.write_text(
        json.dumps(
            [{"capacityProvider": "FARGATE", "weight": 3}, {"capacityProvider": "FARGATE_SPOT", "weight": 1}]
        )
    )
    result = placement("--desired-count", "4", "--strategy-file", str(strategy_file))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"FARGATE": 3, "FARGATE_SPOT": 1}


def test_reads_the_strategy_from_a_yaml_file(tmp_path):
    strategy_file = tmp_path / "strategy.yaml"
    strategy_file.write_text(
        "- capacityProvider: OD\n  base: 2\n  weight: 1\n- capacityProvider: SPOT\n  weight: 3\n"
    )
    result = placement("--desired-count", "4", "--strategy-file", str(strategy_file))
    assert json.loads(result.stdout) == {"OD": 3, "SPOT": 1}


def test_reads_the_strategy_out_of_a_real_create_service_input():
    # ecspresso's sample service: FARGATE base 1 weight 1, FARGATE_SPOT weight 2
    service_file = SAMPLES / "services" / "ecspresso--ci-ecs-service-def.json"
    result = placement("--desired-count", "7", "--strategy-file", str(service_file))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"FARGATE": 3, "FARGATE_SPOT": 4}


def test_explain_writes_a_table_to_stderr_and_keeps_stdout_json():
    result = placement("--desired-count", "4", "--strategy", OD_BASE2_SPOT, "--explain")
    assert json.loads(result.stdout) == {"OD": 3, "SPOT": 1}
    header, od_row, spot_row = result.stderr.splitlines()
    assert header.split()[:3] == ["provider", "base", "weight"]
    assert od_row.split()[0] == "OD" and od_row.split()[-1] == "3" and "5/2" in od_row
    assert spot_row.split()[0] == "SPOT" and spot_row.split()[-1] == "1" and "3/2" in spot_row


@pytest.mark.parametrize(
    ("strategy", "rule"),
    [
        ('[{"capacityProvider":"A"},{"capacityProvider":"B"}]', "no-positive-weight"),
        (
            '[{"capacityProvider":"A","base":1,"weight":1},{"capacityProvider":"B","base":2}]',
            "more-than-one-base",
        ),
        ('[{"capacityProvider":"A","weight":1001}]', "weight-out-of-range"),
        ('[{"capacityProvider":"A","weight":1},{"capacityProvider":"A","weight":1}]', "duplicate-provider"),
        ('[{"capacityProvider":"A"', "invalid-json"),
        ('"FARGATE"', "not-a-list"),
        ("[]", "no-strategy"),
    ],
)
def test_invalid_strategy_exits_2_with_one_line_naming_the_rule(strategy, rule):
    result = placement("--desired-count", "3", "--strategy", strategy)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert f"{rule}:" in result.stderr


def test_negative_desired_count_exits_2():
    result = placement("--desired-count", "-1", "--strategy", OD_BASE2_SPOT)
    assert result.returncode == 2
    assert "desired-count-out-of-range" in result.stderr


def test_missing_strategy_file_exits_2_with_one_line(tmp_path):
    result = placement("--desired-count", "3", "--strategy-file", str(tmp_path / "absent.json"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "absent.json" in result.stderr
