#!/usr/bin/env bash
# Run the benchmarks and write BENCHMARKS.md: bash bench/run.sh [--quick] [python -m bench options]
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m bench "$@"
