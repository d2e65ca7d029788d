#!/usr/bin/env bash
# `npm test`: everything. Type check, then every test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== type check"
npx tsc --noEmit
echo "== PostgreSQL for the store suite (installed from Debian's packages when missing; exit 3: it cannot be, the suite says so and skips)"
bash scripts/ensure-postgres.sh install || [ $? -eq 3 ]
echo "== tests"
npx vitest run
