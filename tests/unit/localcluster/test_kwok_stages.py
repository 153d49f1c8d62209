"""The shipped kwok stages replace kwok's defaults, so they must cover the whole pod and node lifecycle,
and the special behaviours must be selected by the same rule everywhere (label, or image)."""

import yaml

from ecs_operator.localcluster.controlplane import stage_files

BEHAVIOURS = {"crash-loop", "never-ready", "fail"}


def load_stages() -> dict[str, dict]:
    stages = {}
    for path in stage_files():
        for doc in yaml.safe_load_all(path.read_text()):
            assert doc["apiVersion"] == "kwok.x-k8s.io/v1alpha1" and doc["kind"] == "Stage"
            stages[doc["metadata"]["name"]] = doc
    return stages


def behaviour_requirement(stage: dict) -> dict | None:
    for requirement in stage["spec"]["selector"]["matchExpressions"]:
        if "kwok.ecs-operator.dev/behaviour" in requirement["key"]:
            return requirement
    return None


def test_stages_cover_the_lifecycle_kwok_defaults_would():
    names = set(load_stages())
    assert {
        "pod-ready",
        "pod-complete",
        "pod-delete",
        "node-initialize",
        "node-heartbeat-with-lease",
    } <= names


def test_every_behaviour_has_a_stage_and_one_selector_key_for_all():
    stages = load_stages()
    keys = set()
    selected = set()
    for stage in stages.values():
        requirement = behaviour_requirement(stage)
        if requirement and requirement["operator"] == "In":
            selected |= set(requirement["values"])
            keys.add(requirement["key"])
    assert selected == BEHAVIOURS
    assert len(keys) == 1
    (key,) = keys
    # The key falls back from the label to the first container's image below kwok.ecs-operator.dev/.
    assert '.metadata.labels["kwok.ecs-operator.dev/behaviour"]' in key
    assert ".spec.containers[0].image" in key and 'ltrimstr("kwok.ecs-operator.dev/")' in key


def test_ordinary_stages_leave_behaviour_pods_alone():
    stages = load_stages()
    for name in ("pod-ready", "pod-complete"):
        requirement = behaviour_requirement(stages[name])
        assert requirement is not None, name
        assert requirement["operator"] == "NotIn" and set(requirement["values"]) == BEHAVIOURS


def test_crash_loop_restarts_increase_restart_count():
    template = load_stages()["pod-crash-loop-restart"]["spec"]["next"]["statusTemplate"]
    assert "restartCount: {{ add1 $origin.restartCount }}" in template
    assert "CrashLoopBackOff" in template
