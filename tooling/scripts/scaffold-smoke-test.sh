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
  cp "$saved" pnpm-lock.yaml && rm -f "$saved" "$saved.log"
  pnpm install --prefer-offline --reporter=append-only >/dev/null 2>&1 || true
}
trap cleanup EXIT
node tooling/scripts/new-loss-package.mjs "$name"
# --prefer-offline, not --offline: a fresh machine's frozen install fills pnpm's store but not its
# metadata cache, so --offline fails there (ERR_PNPM_NO_OFFLINE_META). Errors stay visible.
pnpm install --prefer-offline --no-frozen-lockfile --reporter=append-only >"$saved.log" 2>&1 || {
  cat "$saved.log" >&2; echo "scaffold smoke test: pnpm install of the scaffolded package failed" >&2; exit 1; }
pnpm --filter "@xent/$name" run build >"$saved.log" 2>&1 || {
  cat "$saved.log" >&2; echo "scaffold smoke test: build of the scaffolded package failed" >&2; exit 1; }
test -f "packages/$name/dist/index.js" && test -f "packages/$name/dist/register.cjs"
pnpm exec vitest run --project "$name" --reporter=dot
