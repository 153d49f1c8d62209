#!/usr/bin/env bash
# Idempotent set-up for a fresh machine: a virtualenv with the project installed, and the local
# Kubernetes control plane binaries built from source (cached outside the repo; ~8 min cold).
# Usage: hack/setup.sh [--no-control-plane]
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [[ ! -x .venv/bin/python ]]; then
  echo "[setup] creating .venv" >&2
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [[ ! -f "$stamp" ]]; then
  echo "[setup] installing ecs-operator and its dev tools into .venv" >&2
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[dev]'
  rm -f .venv/.installed-* && touch "$stamp"
fi
if [[ "${1:-}" != "--no-control-plane" ]]; then
  bash hack/build-control-plane.sh >/dev/null
fi
