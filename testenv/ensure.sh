#!/usr/bin/env bash
# Makes sure the test platform can start on this machine: Debian's prometheus, openssl,
# prometheus-alertmanager (alertmanager and amtool, for the alerting tests) and chromium (the HTML
# report's browser tests; installed with apt-get when missing and running as root), and the
# Go-built binaries.
set -euo pipefail
need=()
command -v openssl >/dev/null || need+=(openssl)
[ -x "${HINDSIGHT_PROMETHEUS:-/usr/bin/prometheus}" ] && [ -x "${HINDSIGHT_PROMTOOL:-/usr/bin/promtool}" ] || need+=(prometheus)
[ -x "${HINDSIGHT_ALERTMANAGER:-/usr/bin/prometheus-alertmanager}" ] && [ -x "${HINDSIGHT_AMTOOL:-/usr/bin/amtool}" ] || need+=(prometheus-alertmanager)
[ -x "${HINDSIGHT_CHROMIUM:-/usr/bin/chromium}" ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "testenv: installing ${need[*]} from Debian's packages"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "testenv: missing ${need[*]}; install them (sudo apt-get install ${need[*]}) or set HINDSIGHT_TESTENV=off" >&2
    exit 1
  fi
fi
command -v go >/dev/null || { echo "testenv: Go is needed to build the control plane (go1.26)" >&2; exit 1; }
bash "$(dirname "$0")/build.sh"
