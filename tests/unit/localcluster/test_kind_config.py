"""kind-config.yaml cannot be run here (no Docker); this keeps it consistent with the fake pools."""

from pathlib import Path

import yaml

from ecs_operator.api.labels import CAPACITY_TYPE
from ecs_operator.localcluster.nodes import SPOT_TAINT, ZONES

KIND_CONFIG = Path(__file__).resolve().parents[3] / "kind-config.yaml"


def workers() -> list[dict]:
    config = yaml.safe_load(KIND_CONFIG.read_text())
    assert config["kind"] == "Cluster" and config["apiVersion"] == "kind.x-k8s.io/v1alpha4"
    return [node for node in config["nodes"] if node["role"] == "worker"]


def join_taints(node: dict) -> list[dict]:
    taints = []
    for patch in node.get("kubeadmConfigPatches", []):
        document = yaml.safe_load(patch)
        if document["kind"] == "JoinConfiguration":
            taints += document["nodeRegistration"]["taints"]
    return taints


def test_kind_workers_form_two_pools_of_two_over_both_zones():
    for pool in ("on-demand", "spot"):
        members = [node for node in workers() if node["labels"][CAPACITY_TYPE] == pool]
        assert len(members) == 2
        assert {node["labels"]["topology.kubernetes.io/zone"] for node in members} == set(ZONES)


def test_only_kind_spot_workers_get_the_spot_taint_at_join():
    for node in workers():
        expected = [SPOT_TAINT] if node["labels"][CAPACITY_TYPE] == "spot" else []
        assert join_taints(node) == expected


def test_every_kind_node_pins_a_1_36_image_by_digest():
    config = yaml.safe_load(KIND_CONFIG.read_text())
    for node in config["nodes"]:
        assert node["image"].startswith("kindest/node:v1.36.") and "@sha256:" in node["image"]
