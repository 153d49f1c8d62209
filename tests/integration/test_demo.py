"""The README's first command: `ecs-operator demo`, run as a user would (a subprocess)."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_demo_applies_the_examples_and_shows_where_every_task_landed(control_plane, no_shared_operator):
    namespace = "demo-test"
    try:
        result = subprocess.run(
            [sys.executable, "-m", "ecs_operator", "demo", "--namespace", namespace, "--timeout", "180"],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=REPO,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        landed = result.stdout.split("where tasks landed:")[1]
        lines = {" ".join(line.split()) for line in landed.splitlines() if line.strip()}
        assert "web FARGATE on on-demand 4 tasks" in lines
        assert "web FARGATE_SPOT on spot 6 tasks" in lines
        assert "worker FARGATE_SPOT on spot 3 tasks" in lines
        assert "kubectl get ecs -n demo-test" in result.stdout
    finally:
        subprocess.run(
            [sys.executable, "-m", "ecs_operator", "demo", "--stop"], capture_output=True, timeout=60
        )
