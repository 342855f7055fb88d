#!/usr/bin/env bash
# Builds the Go peer scanners that bench/peers.ts runs beside hindsight: kube-score, kube-linter and
# Polaris, from their upstream Go modules through the Go module proxy, at the versions pinned in
# testenv/versions.env. Same conventions as testenv/build.sh (GOTOOLCHAIN=local, CGO_ENABLED=0,
# -trimpath), but a cache directory and stamp of their own,
# $HINDSIGHT_TESTENV_CACHE/peers-<versions>/bin (default ~/.cache/hindsight/testenv), so the test
# platform's binaries are untouched. A tool whose binary is already there is skipped, so an
# interrupted or partly failed build resumes; the stamp is written once all three are built.
#
# A module proxy that filters what it serves may refuse a peer's module (HTTP 403): that build
# fails, the others go on, and bench/peers.ts skips the tool that is missing.
set -euo pipefail

# shellcheck source=../testenv/versions.env
. "$(dirname "$0")/../testenv/versions.env"

CACHE_ROOT=${HINDSIGHT_TESTENV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hindsight/testenv}
OUT="$CACHE_ROOT/peers-kube-score-v$KUBE_SCORE_VERSION-kube-linter-v$KUBE_LINTER_VERSION-polaris-v$POLARIS_VERSION"
BIN="$OUT/bin"
STAMP="$OUT/.complete"

if [ -f "$STAMP" ]; then
  echo "peers: binaries cached in $BIN"
  exit 0
fi

export GOTOOLCHAIN=local GOFLAGS=-modcacherw CGO_ENABLED=0
mkdir -p "$BIN" "$OUT/src"
log() { printf 'peers: %s %s\n' "$(date +%H:%M:%S)" "$*"; }

# --- kube-score: a plain module without replaces; main.version is what `kube-score version` prints.
build_kube_score() {
  local ld="-X main.version=$KUBE_SCORE_VERSION"
  GOBIN="$BIN" go install -trimpath -ldflags "-s -w $ld" \
    "github.com/zegl/kube-score/cmd/kube-score@v$KUBE_SCORE_VERSION" || return 1
  log "kube-score: $("$BIN/kube-score" version)"
}

# --- kube-linter: a plain module without replaces, under its vanity path golang.stackrox.io.
build_kube_linter() {
  local ld="-X golang.stackrox.io/kube-linter/internal/version.version=v$KUBE_LINTER_VERSION"
  GOBIN="$BIN" go install -trimpath -ldflags "-s -w $ld" \
    "golang.stackrox.io/kube-linter/cmd/kube-linter@v$KUBE_LINTER_VERSION" || return 1
  log "kube-linter: $("$BIN/kube-linter" version)"
}

# --- polaris: the module root is package main. Its path has no /v10 suffix, so the tag v10.x is
# no module version; the proxy serves the tagged commit as a pseudo-version instead.
build_polaris() {
  local ld="-X main.Version=$POLARIS_VERSION"
  GOBIN="$BIN" go install -trimpath -ldflags "-s -w $ld" "github.com/fairwindsops/polaris@$POLARIS_COMMIT" || return 1
  log "polaris: $("$BIN/polaris" version)"
}

# timed NAME: runs build_NAME, logging how long it took or that it failed. (errexit does not apply
# inside an `if` condition, so the build functions chain their steps and return 1 themselves.)
timed() {
  local name=$1 t0=$SECONDS
  if "build_${name//-/_}"; then
    log "$name built in $((SECONDS - t0))s"
  else
    log "$name FAILED after $((SECONDS - t0))s (a module proxy that refuses it: bench/peers.ts then skips that tool)"
    return 1
  fi
}

log "building into $OUT (kube-score v$KUBE_SCORE_VERSION, kube-linter v$KUBE_LINTER_VERSION, polaris v$POLARIS_VERSION)"
# The three share nothing but the module cache (which Go locks), so they build side by side.
pids=()
for tool in kube-score kube-linter polaris; do
  [ -x "$BIN/$tool" ] && continue
  timed "$tool" &
  pids+=("$!")
done
failed=0
for pid in "${pids[@]}"; do
  wait "$pid" || failed=1
done
if [ "$failed" -ne 0 ]; then
  log "some builds failed after ${SECONDS}s; built so far: $(ls "$BIN" | tr '\n' ' ')"
  exit 1
fi
date -u +%FT%TZ > "$STAMP"
log "all peers built in ${SECONDS}s"
