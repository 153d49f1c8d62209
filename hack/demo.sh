#!/usr/bin/env bash
# The main job (README): set up what is missing, then start the local control plane, the operator
# and the examples, and show where every task landed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash hack/setup.sh
exec .venv/bin/ecs-operator demo "$@"
