"""Write argocd-cm.yaml: the argocd-cm ConfigMap keys that install the health checks in health/.

Run `python argocd/render_argocd_cm.py` after changing a health.lua; tests/unit/test_argocd_health.py
fails while argocd-cm.yaml and the .lua files differ.
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent

HEADER = """\
# Argo CD health checks for ecs-operator's kinds, generated from argocd/health/*/health.lua by
# argocd/render_argocd_cm.py (do not edit by hand). Merge these keys into the argocd-cm ConfigMap
# (e.g. with the argo-cd Helm chart's configs.cm values, or
# `kubectl -n argocd patch configmap argocd-cm --patch-file argocd/argocd-cm.yaml`).
apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-cm
  namespace: argocd
  labels:
    app.kubernetes.io/name: argocd-cm
    app.kubernetes.io/part-of: argocd
data:
"""


def render() -> str:
    out = [HEADER]
    for script in sorted(HERE.glob("health/*/health.lua")):
        group_kind = script.parent.name  # "<group>_<Kind>", Argo CD's key form
        out.append(f"  resource.customizations.health.{group_kind}: |\n")
        for line in script.read_text().splitlines():
            out.append(f"    {line}\n" if line else "\n")
    return "".join(out)


if __name__ == "__main__":
    (HERE / "argocd-cm.yaml").write_text(render())
