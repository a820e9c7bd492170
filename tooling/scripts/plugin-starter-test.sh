#!/usr/bin/env bash
# Proves the path of a plugin author outside the repository, on a fresh machine:
#   1. packs @xent/core, @xent/testing and create-xent-plugin with `pnpm pack` (workspace ranges
#      rewritten to real versions);
#   2. in an empty folder outside the workspace, runs the packed `create-xent-plugin` as
#      `npm create xent-plugin` would (an unscoped `my-loss` and a scoped `@acme/brier-score`);
#   3. installs each with npm from the registry (an empty npm cache in the temp folder, never
#      --offline), @xent/core and @xent/testing from the tarballs;
#   4. runs its typecheck, its tests on cpu and wasm (XENT_REQUIRE_BACKENDS: a missing backend fails),
#      its build, publint --strict and attw --profile node16, and an ESM and a CJS consumer that
#      import the package and its ./register entry by name;
#   5. removes the wasm backend: the tests skip it loudly (naming the package to install), and fail
#      with XENT_REQUIRE_BACKENDS=1.
# Every failing step prints its command and the end of its log. XENT_KEEP_TMP=1 keeps the temp folder.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/xent-plugin-starter.XXXXXX")
cleanup() { if [ "${XENT_KEEP_TMP:-0}" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi; }
trap cleanup EXIT
mkdir -p "$tmp/logs" "$tmp/tarballs" "$tmp/work"
export npm_config_cache="$tmp/npm-cache" npm_config_update_notifier=false npm_config_fund=false \
  npm_config_audit=false npm_config_loglevel=error
# No workspace, pnpm or turbo settings may leak into the author's folder.
unset npm_config_workspace npm_config_workspaces npm_config_offline npm_config_prefer_offline || true

steps=0
step() {
  local name=$1
  shift
  steps=$((steps + 1))
  local log="$tmp/logs/$steps-$(printf '%s' "$name" | tr -c 'A-Za-z0-9.-' '_').log"
  echo "== plugin starter: $name"
  if ! "$@" >"$log" 2>&1; then
    echo "FAILED: $name: $*" >&2
    tail -n 80 "$log" >&2
    exit 1
  fi
}

pnpm_bin=pnpm
[ -x "$root/.tools/node_modules/.bin/pnpm" ] && pnpm_bin="$root/.tools/node_modules/.bin/pnpm"
cd "$root"
# test-all.sh has just built every package (XENT_PREBUILT=1); alone, this script builds what it packs.
if [ "${XENT_PREBUILT:-0}" != 1 ]; then
  step "build @xent/core and @xent/testing" "$pnpm_bin" --filter @xent/core --filter @xent/testing run build
fi
for pkg in core testing create-xent-plugin; do
  step "pack $pkg" "$pnpm_bin" --dir "packages/$pkg" pack --pack-destination "$tmp/tarballs"
done
core=$(ls "$tmp"/tarballs/xent-core-*.tgz)
testing=$(ls "$tmp"/tarballs/xent-testing-*.tgz)
create=$(ls "$tmp"/tarballs/create-xent-plugin-*.tgz)
for tarball in "$core" "$testing" "$create"; do
  if tar -xOzf "$tarball" package/package.json | grep -q '"\(workspace\|catalog\):'; then
    echo "FAILED: $(basename "$tarball") still holds workspace:/catalog: ranges" >&2
    exit 1
  fi
done

# npm install with @xent/core and @xent/testing from the tarballs (not published yet), then the
# scaffold's own ranges back in package.json (publint rejects file: dependencies).
install_with_tarballs() {
  local core_range testing_range
  core_range=$(npm pkg get 'dependencies.@xent/core' | tr -d '"')
  testing_range=$(npm pkg get 'devDependencies.@xent/testing' | tr -d '"')
  npm pkg set "dependencies.@xent/core=file:$core" "devDependencies.@xent/testing=file:$testing"
  npm install "$@"
  npm pkg set "dependencies.@xent/core=$core_range" "devDependencies.@xent/testing=$testing_range"
}

cd "$tmp/work"
step "npm create xent-plugin my-loss" npm exec --yes --package "$create" -- create-xent-plugin my-loss
step "npm create xent-plugin @acme/brier-score" \
  npm exec --yes --package "$create" -- create-xent-plugin @acme/brier-score
node - <<'JS'
const fs = require('node:fs');
const check = (dir, name, loss, id) => {
  const pkg = JSON.parse(fs.readFileSync(`${dir}/package.json`, 'utf8'));
  const text = JSON.stringify(pkg);
  if (pkg.name !== name) throw new Error(`${dir}: name ${pkg.name}`);
  if (/workspace:|catalog:/.test(text)) throw new Error(`${dir}: workspace:/catalog: ranges`);
  if (pkg.devDependencies.typescript !== '5.9.3') throw new Error(`${dir}: typescript ${pkg.devDependencies.typescript}`);
  if (!pkg.devDependencies['@tensorflow/tfjs-backend-wasm']) throw new Error(`${dir}: no wasm backend`);
  const source = fs.readFileSync(`${dir}/src/${loss.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.ts`, 'utf8');
  if (!source.includes(`export const ${loss} =`) || !source.includes(`id: '${id}'`))
    throw new Error(`${dir}: expected ${loss} with id ${id}`);
};
check('my-loss', 'my-loss', 'myLoss', 'my-loss/my-loss');
check('brier-score', '@acme/brier-score', 'brierScoreLoss', '@acme/brier-score/brier-score-loss');
console.log('scaffolds named as expected');
JS

cd "$tmp/work/my-loss"
step "npm install (my-loss)" install_with_tarballs
step "typecheck (my-loss)" npm run typecheck
step "tests on cpu and wasm (my-loss)" env XENT_REQUIRE_BACKENDS=cpu,wasm npm test
step "build (my-loss)" npm run build
step "publint + attw (my-loss)" npm run check-exports
cat > consumer.mjs <<'JS'
import * as tf from '@tensorflow/tfjs';
import { registry } from '@xent/core';
import { myLoss } from 'my-loss';
await import('my-loss/register');
if (registry.get('my-loss/my-loss') !== myLoss) throw new Error('ESM: ./register registered another copy');
const value = myLoss(tf.tensor2d([[2, 0, 0]]), [0]).dataSync()[0];
const p = Math.exp(2) / (Math.exp(2) + 2);
const expected = (1 - p) ** 2 + 2 * ((1 - p) / 2) ** 2;
if (Math.abs(value - expected) > 1e-5) throw new Error(`ESM: ${value}, expected ${expected}`);
const optimizer = tf.train.sgd(0.5);
const w = tf.variable(tf.zeros([2, 3]));
const x = tf.tensor2d([[1, 0], [0, 1]]);
const before = myLoss(tf.matMul(x, w), [2, 1]).dataSync()[0];
for (let i = 0; i < 20; i++) optimizer.minimize(() => myLoss(tf.matMul(x, w), [2, 1]));
const after = myLoss(tf.matMul(x, w), [2, 1]).dataSync()[0];
if (!(after < before)) throw new Error(`ESM: training did not lower the loss (${before} -> ${after})`);
console.log(`esm ok: ${value.toFixed(6)}, trained ${before.toFixed(4)} -> ${after.toFixed(4)}`);
JS
cat > consumer.cjs <<'JS'
const tf = require('@tensorflow/tfjs');
const { registry } = require('@xent/core');
const { myLoss } = require('my-loss');
require('my-loss/register');
if (registry.get('my-loss/my-loss') !== myLoss) throw new Error('CJS: ./register registered another copy');
const value = myLoss(tf.tensor2d([[0, 0]]), [1], { reduction: 'none' }).dataSync()[0];
if (Math.abs(value - 0.5) > 1e-6) throw new Error(`CJS: ${value}, expected 0.5`);
console.log(`cjs ok: ${value}`);
JS
step "ESM consumer (my-loss)" node consumer.mjs
step "CJS consumer (my-loss)" node consumer.cjs

cd "$tmp/work/brier-score"
# The first install filled the npm cache from the registry: the same versions come from it.
step "npm install (@acme/brier-score)" install_with_tarballs --prefer-offline
step "typecheck (@acme/brier-score)" npm run typecheck
step "tests on cpu and wasm (@acme/brier-score)" env XENT_REQUIRE_BACKENDS=cpu,wasm npm test
step "build + publint + attw (@acme/brier-score)" sh -c 'npm run build && npm run check-exports'
# Without the wasm backend: a loud skip naming the package, and a failure under XENT_REQUIRE_BACKENDS.
step "remove the wasm backend (@acme/brier-score)" npm uninstall --prefer-offline @tensorflow/tfjs-backend-wasm
step "a missing wasm backend is skipped, naming its package" sh -c \
  'npm test > missing-wasm.log 2>&1; status=$?; cat missing-wasm.log; [ $status = 0 ] &&
   grep -q "npm install -D @tensorflow/tfjs-backend-wasm" missing-wasm.log'
step "XENT_REQUIRE_BACKENDS=1 fails on the missing backend" sh -c \
  'if XENT_REQUIRE_BACKENDS=1 npm test > required.log 2>&1; then cat required.log; exit 1; fi
   cat required.log; grep -q "required by XENT_REQUIRE_BACKENDS" required.log'

echo "plugin starter: $steps steps passed in ${SECONDS}s (npm $(npm -v), node $(node -v))"
