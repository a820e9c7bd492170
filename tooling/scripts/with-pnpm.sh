#!/usr/bin/env bash
# Runs `pnpm <args>` from the repository root with the pnpm version pinned in package.json's
# `packageManager`, installing that pnpm into .tools/ when the machine has no such pnpm (no global
# install, no root needed), after installing the workspace's dependencies.
set -euo pipefail
cd "$(dirname "$0")/../.."
want=$(node -p "require('./package.json').packageManager.split('@')[1]")
if [ "$(pnpm --version 2>/dev/null || true)" != "$want" ]; then
  if [ "$(.tools/node_modules/.bin/pnpm --version 2>/dev/null || true)" != "$want" ]; then
    echo "xent: installing pnpm $want into .tools/"
    mkdir -p .tools
    npm install --prefix .tools --no-save --no-audit --no-fund --loglevel=error "pnpm@$want" >/dev/null
  fi
  export PATH="$PWD/.tools/node_modules/.bin:$PATH"
fi
# confirmModulesPurge=false: when node_modules was installed with another store or settings, pnpm
# reinstalls it instead of asking on a terminal that a script does not have.
if [ -n "${CI:-}" ]; then
  pnpm install --frozen-lockfile --reporter=append-only --config.confirmModulesPurge=false
else
  # Quiet when it works; on failure print pnpm's own output (the cause), never only ELIFECYCLE.
  log=$(mktemp)
  if ! pnpm install --prefer-offline --reporter=append-only --config.confirmModulesPurge=false >"$log" 2>&1; then
    cat "$log" >&2
    echo "xent: 'pnpm install' failed (output above)" >&2
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
fi
exec pnpm "$@"
