#!/usr/bin/env bash
# The test command (README): set up what is missing, then run every test, unit and integration.
# The integration tests start the local control plane themselves. Extra arguments go to pytest
# (e.g. `hack/test.sh -m "not integration"` for the fast unit tests only).
set -uo pipefail
cd "$(dirname "$0")/.."
bash hack/setup.sh || exit 1
.venv/bin/python -m pytest "$@"
rc=$?
if [[ $rc -eq 5 ]]; then
  # pytest's "no tests collected": fine for a filter that matched nothing, a failure for a full run.
  if [[ $# -gt 0 ]]; then echo "hack/test.sh: no test matched the given selection" >&2; exit 0; fi
  echo "hack/test.sh: pytest collected no tests" >&2
fi
exit $rc
