#!/usr/bin/env bash
# `npm test`: everything. Type check, then every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== type check"
npx tsc --noEmit
echo "== tests"
npx vitest run
