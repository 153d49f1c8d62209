"""The CustomResourceDefinitions, generated from the pydantic models (pure: models in, dicts out):
each kind's structural schema (`structural_schema`) with what `crd_kinds` says of it (names,
printer columns, CEL rules).
"""

from __future__ import annotations

from typing import Any

import yaml

from ecs_operator import API_GROUP, API_VERSION
from ecs_operator.api.crd_kinds import KINDS, Kind
from ecs_operator.api.structural_schema import Schema, node_at, structural_schema

CATEGORY = "ecs"
# Deleting a CRD deletes every object of its kind, and with the Services their Deployments and
# pods: neither Helm (uninstall) nor Argo CD (prune, or deleting the Application) may do it.
# https://helm.sh/docs/howto/charts_tips_and_tricks/#tell-helm-not-to-uninstall-a-resource
# https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/#no-prune-resources
ANNOTATIONS = {
    "helm.sh/resource-policy": "keep",
    "argocd.argoproj.io/sync-options": "Prune=false,Delete=false",
}


def openapi_schema(kind: Kind) -> Schema:
    spec = structural_schema(kind.spec)
    status = structural_schema(kind.status)
    status["x-kubernetes-preserve-unknown-fields"] = True  # the controller may add fields first
    root: Schema = {
        "type": "object",
        "required": ["spec"],
        "properties": {
            "apiVersion": {"type": "string"},
            "kind": {"type": "string"},
            "metadata": {"type": "object"},
            "spec": spec,
            "status": status,
        },
    }
    if kind.description:
        root = {"description": kind.description, **root}
    for dotted, rules in kind.rules.items():
        node_at(root, dotted)["x-kubernetes-validations"] = list(rules)
    if kind.root_rules:
        root["x-kubernetes-validations"] = list(kind.root_rules)
    return root


def crd(kind: Kind) -> dict[str, Any]:
    subresources: dict[str, Any] = {"status": {}}
    if kind.scale:
        subresources["scale"] = dict(kind.scale)
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": kind.crd_name, "annotations": dict(ANNOTATIONS)},
        "spec": {
            "group": API_GROUP,
            "names": {
                "kind": kind.kind,
                "listKind": f"{kind.kind}List",
                "plural": kind.plural,
                "singular": kind.singular,
                "shortNames": list(kind.short_names),
                "categories": [CATEGORY],
            },
            "scope": "Namespaced" if kind.namespaced else "Cluster",
            "versions": [
                {
                    "name": API_VERSION,
                    "served": True,
                    "storage": True,
                    "schema": {"openAPIV3Schema": openapi_schema(kind)},
                    "subresources": subresources,
                    "additionalPrinterColumns": [c.to_dict() for c in kind.columns],
                }
            ],
        },
    }


HEADER = "# Generated from ecs_operator.api by `ecs-operator crds`. Do not edit.\n"


def all_crds() -> dict[str, dict[str, Any]]:
    """File name (`<plural>.ecs-operator.dev.yaml`) -> CRD."""
    return {f"{kind.crd_name}.yaml": crd(kind) for kind in KINDS}


def render(document: dict[str, Any]) -> str:
    return HEADER + yaml.safe_dump(document, sort_keys=False, width=120)


def rendered_crds() -> dict[str, str]:
    """File name -> the exact YAML text committed in crds/ and the chart's crds/."""
    return {name: render(document) for name, document in all_crds().items()}
