#!/usr/bin/env bash
# `npm test`: everything — type check, unit, property, golden, CLI, store (SQLite and PostgreSQL),
# spreadsheet (LibreOffice) and browser (Chromium) suites.
# What a suite needs from Debian is installed here when missing (root + apt-get). Where that is
# impossible, ensure-*.sh exit 3 and say loudly what is skipped; the suites then skip with the reason.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== type check"
npx tsc --noEmit
echo "== system packages the suites need (installed from Debian's packages when missing)"
bash scripts/ensure-debian.sh chromium chromium || [ $? -eq 3 ]
bash scripts/ensure-debian.sh soffice libreoffice-calc || [ $? -eq 3 ]
bash scripts/ensure-debian.sh zsh zsh || [ $? -eq 3 ]     # the shell completion scripts
bash scripts/ensure-debian.sh fish fish || [ $? -eq 3 ]
bash scripts/ensure-postgres.sh install || [ $? -eq 3 ]
echo "== build: the library and CLI into dist/, the dashboard into web/dist (the package, CLI and browser tests use them)"
node scripts/build.mjs
echo "== tests"
npx vitest run
