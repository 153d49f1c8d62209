"""`ecs-operator render` run as a user would: a subprocess over real files."""

import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]


def render(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ecs_operator", "render", *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=60,
        cwd=REPO,
    )


def test_render_of_the_examples_prints_the_split_and_every_child():
    result = render("-f", "examples", "-n", "shop")
    assert result.returncode == 0, result.stderr
    docs = list(yaml.safe_load_all(result.stdout))
    by_name = {(d["kind"], d["metadata"]["name"]): d for d in docs}
    assert by_name[("Deployment", "web-fargate")]["spec"]["replicas"] == 4
    assert by_name[("Deployment", "web-fargate-spot")]["spec"]["replicas"] == 6
    assert by_name[("Deployment", "worker-fargate-spot")]["spec"]["replicas"] == 3
    assert ("DaemonSet", "log-agent-fargate-spot") in by_name
    assert ("ControllerRevision", "web-1") in by_name
    assert all(d["metadata"].get("namespace") == "shop" for d in docs if d["kind"] != "CapacityProvider")
    spot = by_name[("Deployment", "web-fargate-spot")]["spec"]["template"]["spec"]
    assert spot["nodeSelector"] == {"ecs-operator.dev/capacity-type": "spot"}
    assert spot["tolerations"][0]["value"] == "spot"


def test_render_reports_a_service_that_cannot_run_and_exits_1():
    manifest = """
apiVersion: ecs-operator.dev/v1alpha1
kind: Service
metadata: {name: lost}
spec: {taskDefinition: nowhere, desiredCount: 1, launchType: FARGATE}
"""
    without_providers = render("-f", "-", stdin=manifest)
    assert without_providers.returncode == 1
    assert "Service default/lost: NoStrategy" in without_providers.stderr
    with_providers = render("-f", "examples/00-capacity-providers.yaml", "-f", "-", stdin=manifest)
    assert with_providers.returncode == 1
    assert "Service default/lost: TaskDefinitionNotFound" in with_providers.stderr
    assert "nowhere" in with_providers.stderr


def test_render_of_an_unreadable_file_exits_2_with_the_reason():
    result = render("-f", "does-not-exist.yaml")
    assert result.returncode == 2
    assert "does-not-exist.yaml" in result.stderr


PRIVILEGED = """
apiVersion: ecs-operator.dev/v1alpha1
kind: CapacityProvider
metadata: {name: ec2}
spec: {name: EC2, capacityType: on-demand}
---
apiVersion: ecs-operator.dev/v1alpha1
kind: TaskDefinition
metadata: {name: agent}
spec:
  networkMode: host
  pidMode: host
  volumes: [{name: root, host: {sourcePath: /}}]
  containerDefinitions:
    - name: agent
      image: busybox
      privileged: true
      user: root
      linuxParameters: {capabilities: {add: [SYS_ADMIN]}}
      mountPoints: [{sourceVolume: root, containerPath: /host}]
---
apiVersion: ecs-operator.dev/v1alpha1
kind: Service
metadata: {name: agent}
spec: {taskDefinition: agent, desiredCount: 1, capacityProviderStrategy: [{capacityProvider: EC2, weight: 1}]}
"""


def test_render_refuses_a_privileged_task_under_baseline_naming_the_file_and_fields(tmp_path: Path):
    manifest = tmp_path / "agent.yaml"
    manifest.write_text(PRIVILEGED)
    result = render("-f", str(manifest))
    assert result.returncode == 2
    assert f"{manifest}: Service default/agent: PodSecurityViolation" in result.stderr
    assert "needs Pod Security level privileged, the namespace enforces baseline" in result.stderr
    for field in ("networkMode (hostNetwork)", "pidMode (hostPID)", "containerDefinitions[0].privileged"):
        assert field in result.stderr
    assert not result.stdout.strip() or "Deployment" not in result.stdout


def test_render_with_pod_security_privileged_renders_the_privileged_pod(tmp_path: Path):
    manifest = tmp_path / "agent.yaml"
    manifest.write_text(PRIVILEGED)
    result = render("-f", str(manifest), "--pod-security", "privileged")
    assert result.returncode == 0, result.stderr
    deployment = next(d for d in yaml.safe_load_all(result.stdout) if d["kind"] == "Deployment")
    pod = deployment["spec"]["template"]["spec"]
    assert pod["hostNetwork"] is True and pod["hostPID"] is True
    assert pod["containers"][0]["securityContext"]["privileged"] is True
