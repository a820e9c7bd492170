#!/usr/bin/env bash
# Every check and test of the repository, as README command 2 and CI run them. Ends with the line
# `N passed, N failed` counted from vitest's JSON report; fails when a test fails or none ran.
set -euo pipefail
export TURBO_TELEMETRY_DISABLED=1
cd "$(dirname "$0")/../.."
bash tooling/scripts/system-deps.sh
echo "== lint"
pnpm exec biome ci . --diagnostic-level=error
echo "== build, typecheck, package exports (publint --strict, attw --pack)"
pnpm exec turbo run build typecheck check-exports --output-logs=errors-only --concurrency=2
echo "== scaffolder creates a package that builds, tests and registers (empty npm and pnpm metadata caches)"
# As on a fresh machine: pnpm's metadata cache (under XDG_CACHE_HOME) and npm's cache start empty.
fresh=$(mktemp -d)
npm_config_cache="$fresh/npm" XDG_CACHE_HOME="$fresh/xdg" bash tooling/scripts/scaffold-smoke-test.sh
rm -rf "$fresh"
echo "== plugin author outside the repository: npm create xent-plugin, install, test, build, publish checks"
bash tooling/scripts/plugin-starter-test.sh
echo "== tests (sources, and the consumer matrix: released tarballs in Node and in Chromium)"
mkdir -p .cache
status=0
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json=.cache/vitest.json || status=$?
node tooling/scripts/summarize-tests.mjs .cache/vitest.json || status=1
exit $status
