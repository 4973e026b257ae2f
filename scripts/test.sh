#!/usr/bin/env bash
# The one command that runs every test: provision the engine and tools, type-check, then jest
# (unit, integration against the real engine and registry, end-to-end in Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/provision.sh
npx tsc -p tsconfig.json
export DD_REQUIRE_REAL_ENGINE=${DD_REQUIRE_REAL_ENGINE:-1}
exec node --disable-warning=ExperimentalWarning --experimental-vm-modules node_modules/jest/bin/jest.js "$@"
