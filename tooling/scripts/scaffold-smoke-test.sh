#!/usr/bin/env bash
# Proves the scaffolder: creates a package in packages/, links it, builds it, runs its tests (the
# conformance suite and its registration), then removes it and restores the lockfile.
set -euo pipefail
cd "$(dirname "$0")/../.."
name="scaffold-check-$$"
saved=$(mktemp)
cp pnpm-lock.yaml "$saved"
cleanup() {
  rm -rf "packages/$name"
  cp "$saved" pnpm-lock.yaml && rm -f "$saved"
  pnpm install --offline --reporter=silent >/dev/null 2>&1 || true
}
trap cleanup EXIT
node tooling/scripts/new-loss-package.mjs "$name"
pnpm install --offline --no-frozen-lockfile --reporter=silent
pnpm --filter "@xent/$name" run build >/dev/null
test -f "packages/$name/dist/index.js" && test -f "packages/$name/dist/register.cjs"
pnpm exec vitest run --project "$name" --reporter=dot
