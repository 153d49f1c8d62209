#!/usr/bin/env bash
# Builds the local control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler,
# kwok) from Go modules into a cache outside the repo. Idempotent: a finished build is reused.
#
# kind cannot run without Docker, and no registry we reach ships kube-apiserver, so we build it.
# k8s.io/kubernetes has replace directives to ./staging, which `go install pkg@version` refuses;
# a wrapper module that replaces every staging module with its published v0.X.Y builds the real
# binaries (the trick kubernetes/autoscaler uses).
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-v1.36.3}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.16}"
KWOK_VERSION="${KWOK_VERSION:-v0.8.0}"
CACHE="${ECS_OPERATOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ecs-operator}"
BIN="$CACHE/bin/k8s-${K8S_VERSION}_etcd-${ETCD_VERSION}_kwok-${KWOK_VERSION}"
WORK="$CACHE/build"
START=$(date +%s)

say() { printf '[build-control-plane +%4ss] %s\n' "$(( $(date +%s) - START ))" "$*" >&2; }

if [[ "${1:-}" == "--print-bin-dir" ]]; then echo "$BIN"; exit 0; fi

# One build at a time, and no "cached" answer while a build is still writing binaries: parallel test
# sessions may all find them missing; whoever waits reuses what the first one built.
mkdir -p "$CACHE"
exec 9>"$CACHE/build.lock"
if ! flock -n 9; then
  say "another build is running; waiting for it"
  flock 9
fi

want=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)
missing=()
for b in "${want[@]}"; do [[ -x "$BIN/$b" ]] || missing+=("$b"); done
if [[ ${#missing[@]} -eq 0 ]]; then say "cached: $BIN"; echo "$BIN"; exit 0; fi

command -v go >/dev/null || { echo "go toolchain not found; install Go >= 1.26" >&2; exit 1; }
mkdir -p "$BIN" "$WORK"

export CGO_ENABLED=0 GOFLAGS="${GOFLAGS:--buildvcs=false}"

# Print a progress line every 30 s while a long step runs.
with_progress() {
  local what="$1"; shift
  say "building $what ..."
  "$@" &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 30 & wait $! || true
    kill -0 "$pid" 2>/dev/null && say "still building $what"
  done
  wait "$pid"
  say "built $what"
}

build_kubernetes() {
  local dir="$WORK/kubernetes-$K8S_VERSION" minor="${K8S_VERSION#v1.}"
  local staging_version="v0.${minor}"
  mkdir -p "$dir"
  local upstream_mod
  upstream_mod=$(cd "$dir" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" \
    | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
  {
    echo "module ecs-operator.dev/localcluster/kubernetes"
    echo
    echo "go $(sed -n 's/^go //p' "$upstream_mod")"
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    # Every staging module, replaced by its published version.
    sed -n 's#^[[:space:]]*\(k8s\.io/[^ ]*\) => \./staging/src/.*#\1#p' "$upstream_mod" \
      | sort -u | while read -r m; do echo "replace $m => $m $staging_version"; done
  } > "$dir/go.mod"
  cat > "$dir/tools.go" <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
)
GO
  (cd "$dir" && go mod tidy -e >/dev/null 2>&1 || true; cd "$dir" && go mod download)
  local ld="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=${minor%%.*}"
    ld+=" -X $pkg.gitTreeState=clean"
  done
  (cd "$dir" && go build -tags tools -trimpath -ldflags "$ld" -o "$BIN/" \
    k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler)
}

build_etcd() {
  # etcd's server module used as a dependency needs no replace directives.
  local dir="$WORK/etcd-$ETCD_VERSION"
  mkdir -p "$dir"
  cat > "$dir/go.mod" <<GOMOD
module ecs-operator.dev/localcluster/etcd

go 1.25

require go.etcd.io/etcd/server/v3 $ETCD_VERSION
GOMOD
  cat > "$dir/main.go" <<'GO'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
  (cd "$dir" && go mod tidy && go build -trimpath -ldflags "-s -w" -o "$BIN/etcd" .)
}

build_kwok() {
  GOBIN="$BIN" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
}

[[ -x "$BIN/etcd" ]] || with_progress "etcd $ETCD_VERSION" build_etcd
[[ -x "$BIN/kwok" ]] || with_progress "kwok $KWOK_VERSION" build_kwok
if [[ ! -x "$BIN/kube-apiserver" || ! -x "$BIN/kube-controller-manager" || ! -x "$BIN/kube-scheduler" ]]; then
  with_progress "kube-apiserver, kube-controller-manager, kube-scheduler $K8S_VERSION (cold: 5-20 min)" build_kubernetes
fi
say "done in $(( $(date +%s) - START )) s: $BIN"
echo "$BIN"
