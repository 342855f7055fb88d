#!/usr/bin/env bash
# Builds the real test platform's binaries from upstream Go modules through the Go module proxy:
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl and kwok, and helm (for
# the tests that render charts; kubectl also builds kustomizations), Flux's source-controller and
# kustomize-controller (trace), and Thanos (query and sidecar, the many-clusters test).
# Binaries land in $HINDSIGHT_TESTENV_CACHE/<versions>/bin (default ~/.cache/hindsight/testenv),
# outside any checkout, so fresh clones on the same machine reuse them; a stamp file marks a
# finished build and a rebuild is skipped when it is present.
set -euo pipefail

# shellcheck source=versions.env
. "$(dirname "$0")/versions.env"

CACHE_ROOT=${HINDSIGHT_TESTENV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hindsight/testenv}
OUT="$CACHE_ROOT/k8s-v$K8S_VERSION-etcd-v$ETCD_VERSION-kwok-v$KWOK_VERSION"
BIN="$OUT/bin"
STAMP="$OUT/.complete"
# helm has a stamp of its own, so a cache built before helm was added gets helm alone, and a new
# HELM_VERSION rebuilds helm only.
HELM_STAMP="$OUT/.helm-v$HELM_VERSION"
# So do Flux's controllers (source-controller, kustomize-controller and the HelmRelease CRD).
FLUX_STAMP="$OUT/.flux-source-v$FLUX_SOURCE_VERSION-kustomize-v$FLUX_KUSTOMIZE_VERSION-helm-api-v$FLUX_HELM_API_VERSION"
# And Thanos (Query and Sidecar over two clusters' Prometheus, for the many-clusters test).
THANOS_STAMP="$OUT/.thanos-v$THANOS_VERSION-slicelabels"

if [ -f "$STAMP" ] && [ -f "$HELM_STAMP" ] && [ -f "$FLUX_STAMP" ] && [ -f "$THANOS_STAMP" ]; then
  echo "testenv: binaries cached in $BIN"
  exit 0
fi

export GOTOOLCHAIN=local GOFLAGS=-modcacherw CGO_ENABLED=0
mkdir -p "$BIN" "$OUT/src"
log() { printf 'testenv: %s %s\n' "$(date +%H:%M:%S)" "$*"; }

# --- etcd: the module root is package main but its go.mod has replace directives, so
# `go install pkg@version` refuses it; a wrapper module with a tool directive builds it.
build_etcd() {
  local d="$OUT/src/etcd"
  mkdir -p "$d" && cd "$d"
  [ -f go.mod ] || go mod init local/etcd-build >/dev/null 2>&1
  go get -tool "go.etcd.io/etcd/server/v3@v$ETCD_VERSION" >/dev/null
  go build -trimpath -ldflags "-s -w" -o "$BIN/etcd" go.etcd.io/etcd/server/v3
  log "etcd $("$BIN/etcd" --version | head -1)"
}

# --- kwok: a plain module without replaces; the stage YAMLs ship inside the module.
build_kwok() {
  GOBIN="$BIN" go install "sigs.k8s.io/kwok/cmd/kwok@v$KWOK_VERSION"
  local mod
  mod=$(go env GOMODCACHE)/sigs.k8s.io/kwok@v$KWOK_VERSION
  rm -rf "$OUT/kwok-kustomize" && cp -r "$mod/kustomize" "$OUT/kwok-kustomize" && chmod -R u+w "$OUT/kwok-kustomize"
  log "kwok $("$BIN/kwok" --version 2>&1 | head -1)"
}

# --- Kubernetes: k8s.io/kubernetes lists its staging modules at v0.0.0 and replaces them with
# local paths that consumers ignore, so the wrapper module replaces each with its published tag.
build_kubernetes() {
  local d="$OUT/src/kubernetes" staging="0.${K8S_VERSION#1.}" minor
  minor=$(echo "$K8S_VERSION" | cut -d. -f2)
  mkdir -p "$d" && cd "$d"
  [ -f go.mod ] || go mod init local/k8s-cp-build >/dev/null 2>&1
  local gomod
  gomod=$(go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | python3 -c 'import json,sys;print(json.load(sys.stdin)["GoMod"])')
  for m in $(awk '$1 ~ /^k8s\.io\// && $2=="v0.0.0" {print $1}' "$gomod"); do
    go mod edit -replace="$m=$m@v$staging"
  done
  # Keep upstream's GODEBUG defaults (k8s 1.35 ships `godebug default=go1.25`): behaviour as released.
  local godebug
  godebug=$(awk '$1=="godebug" && $2 ~ /^default=/ {print $2}' "$gomod")
  go mod edit -require="k8s.io/kubernetes@v$K8S_VERSION" ${godebug:+-godebug="$godebug"}
  for c in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
    go get -tool "k8s.io/kubernetes/cmd/$c@v$K8S_VERSION" >/dev/null
  done
  go mod tidy >/dev/null
  local v="-X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor \
    -X k8s.io/component-base/version.gitVersion=v$K8S_VERSION -X k8s.io/component-base/version.gitTreeState=clean \
    -X k8s.io/component-base/version.buildDate=2026-01-01T00:00:00Z \
    -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$minor \
    -X k8s.io/client-go/pkg/version.gitVersion=v$K8S_VERSION"
  go build -p 2 -trimpath -ldflags "-s -w $v" -o "$BIN/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
  log "kube-apiserver $("$BIN/kube-apiserver" --version)"
}

# --- helm: a plain module without replaces; the version ldflag is what Helm's Makefile sets.
build_helm() {
  GOBIN="$BIN" go install -trimpath -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=v$HELM_VERSION" \
    "helm.sh/helm/v4/cmd/helm@v$HELM_VERSION"
  log "helm $("$BIN/helm" version --short)"
}

# --- Flux: source-controller and kustomize-controller, the GitOps controllers `trace` is tested
# against. Each module's go.mod replaces its api module with ./api, which `go install` refuses:
# the module is copied out with its api module beside it, then built. Extra arguments are
# `module=module@version` replaces for dependency versions the module proxy does not serve.
modDir() { go mod download -json "$1" | python3 -c 'import json,sys;print(json.load(sys.stdin)["Dir"])'; }
build_flux_controller() {
  local name=$1 version=$2 d="$OUT/src/flux-$1"
  shift 2
  rm -rf "$d" && mkdir -p "$d"
  cp -r "$(modDir "github.com/fluxcd/$name@v$version")"/. "$d"/
  rm -rf "$d/api" && mkdir -p "$d/api" && cp -r "$(modDir "github.com/fluxcd/$name/api@v$version")"/. "$d/api"/
  chmod -R u+w "$d"
  cd "$d"
  local r
  for r in "$@"; do go mod edit -replace="$r"; done
  GOFLAGS="$GOFLAGS -mod=mod" go build -trimpath -ldflags "-s -w" -o "$BIN/$name" .
  log "$name v$version built"
}
# helm-controller itself is not served by the module proxy; its api module is, and controller-gen
# makes the HelmRelease CRD from it (the objects' statuses are then written as the controller
# would, through the status subresource).
build_helmrelease_crd() {
  local d="$OUT/src/flux-helm-api"
  rm -rf "$d" && mkdir -p "$d" && cp -r "$(modDir "github.com/fluxcd/helm-controller/api@v$FLUX_HELM_API_VERSION")"/. "$d"/
  chmod -R u+w "$d"
  GOBIN="$OUT/src/tools" go install "sigs.k8s.io/controller-tools/cmd/controller-gen@v$CONTROLLER_TOOLS_VERSION"
  cd "$d"
  GOFLAGS="$GOFLAGS -mod=mod" "$OUT/src/tools/controller-gen" crd paths=./... output:crd:artifacts:config="$OUT/crds"
  log "HelmRelease CRD generated: $(ls "$OUT/crds")"
}
# --- Thanos: one binary for query and sidecar. Its go.mod has replace directives, so (as for
# Flux) the module is copied out and built, with the tags its releases use (.promu.yml): without
# `slicelabels` its casts between label types read garbage and the Sidecar panics on the first call.
build_thanos() {
  local d="$OUT/src/thanos"
  rm -rf "$d" && mkdir -p "$d" && cp -r "$(modDir "github.com/thanos-io/thanos@v$THANOS_VERSION")"/. "$d"/
  chmod -R u+w "$d"
  cd "$d"
  GOFLAGS="$GOFLAGS -mod=mod" go build -trimpath -tags netgo,slicelabels \
    -ldflags "-s -w -X github.com/prometheus/common/version.Version=$THANOS_VERSION" -o "$BIN/thanos" ./cmd/thanos
  log "thanos $("$BIN/thanos" --version 2>&1 | head -1)"
}
build_flux() {
  build_flux_controller source-controller "$FLUX_SOURCE_VERSION" $FLUX_SOURCE_REPLACES
  build_flux_controller kustomize-controller "$FLUX_KUSTOMIZE_VERSION"
  build_helmrelease_crd
}

start=$(date +%s)
log "building into $OUT (k8s v$K8S_VERSION, etcd v$ETCD_VERSION, kwok v$KWOK_VERSION, helm v$HELM_VERSION)"
# helm shares nothing with the others but the module cache (which Go locks): it builds in the
# background while they do, so its downloads and links overlap their compiles.
helm_pid=
if ! { [ -f "$HELM_STAMP" ] && [ -x "$BIN/helm" ]; }; then
  ( build_helm && date -u +%FT%TZ > "$HELM_STAMP" && log "helm done after $(( $(date +%s) - start ))s" ) &
  helm_pid=$!
fi
# Flux, then Thanos, in one more background job: a third concurrent `go build` on two cores
# would only add memory.
flux_pid=
if ! [ -f "$FLUX_STAMP" ] || ! [ -f "$THANOS_STAMP" ]; then
  (
    if ! [ -f "$FLUX_STAMP" ]; then
      ( build_flux ) && date -u +%FT%TZ > "$FLUX_STAMP" && log "flux done after $(( $(date +%s) - start ))s"
    fi &&
      if ! [ -f "$THANOS_STAMP" ]; then
        ( build_thanos ) && date -u +%FT%TZ > "$THANOS_STAMP" && log "thanos done after $(( $(date +%s) - start ))s"
      fi
  ) &
  flux_pid=$!
fi
# Each component is skipped when its binaries are already there, so an interrupted build resumes.
[ -x "$BIN/etcd" ] || { ( build_etcd ); log "etcd done after $(( $(date +%s) - start ))s"; }
[ -x "$BIN/kwok" ] && [ -d "$OUT/kwok-kustomize" ] || { ( build_kwok ); log "kwok done after $(( $(date +%s) - start ))s"; }
[ -x "$BIN/kube-apiserver" ] && [ -x "$BIN/kube-controller-manager" ] && [ -x "$BIN/kube-scheduler" ] && [ -x "$BIN/kubectl" ] ||
  { ( build_kubernetes ); log "kubernetes done after $(( $(date +%s) - start ))s"; }
if [ -n "$helm_pid" ] && ! wait "$helm_pid"; then
  log "helm build failed"
  exit 1
fi
if [ -n "$flux_pid" ] && ! wait "$flux_pid"; then
  log "flux or thanos build failed"
  exit 1
fi
[ -f "$STAMP" ] || date -u +%FT%TZ > "$STAMP"
log "all binaries built in $(( $(date +%s) - start ))s"
