#!/usr/bin/env bash
# The whole test suite: typecheck, lint, build, the real test platform, then every test.
# HINDSIGHT_TESTENV=off skips the platform; the tests that need it then report as skipped.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
export HINDSIGHT_TESTENV_NAME=${HINDSIGHT_TESTENV_NAME:-test}
# Objects `serve` keeps are shared between versions and siblings: any write to one is a bug, made to throw here.
export HINDSIGHT_FREEZE_OBJECTS=1

step() { printf '\n== %s\n' "$*"; }
step "typecheck, lint, build"
tsc -p tsconfig.json --noEmit || exit 1
biome check . || exit 1
npm run -s build || exit 1

if [ "${HINDSIGHT_TESTENV:-on}" != off ]; then
  step "test platform ($HINDSIGHT_TESTENV_NAME)"
  mkdir -p ".testenv/$HINDSIGHT_TESTENV_NAME"
  if bash testenv/ensure.sh; then
    trap 'node testenv/cli.ts down --name "$HINDSIGHT_TESTENV_NAME"' EXIT
    # A failure here is recorded in .testenv/<name>/up-error.txt; every test that needs the
    # platform then fails with that reason, loudly.
    node testenv/cli.ts up --name "$HINDSIGHT_TESTENV_NAME" --scale small --seed 1 --prometheus
  else
    echo "testenv: could not prepare the platform (see above)" > ".testenv/$HINDSIGHT_TESTENV_NAME/up-error.txt"
  fi
else
  echo "HINDSIGHT_TESTENV=off: tests that need the test platform are skipped"
fi

step "tests"
if [ -n "${HINDSIGHT_TEST_ONLY:-}" ]; then read -r -a patterns <<<"$HINDSIGHT_TEST_ONLY"; else patterns=('src/**/*.test.ts' 'testenv/**/*.test.ts'); fi
node --test --test-reporter=spec "${patterns[@]}"
