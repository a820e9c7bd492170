#!/usr/bin/env bash
# Packs @xent/core into a tarball, installs it with npm into an empty temporary project next to
# @tensorflow/tfjs, and runs a primitive from it, through both ESM import and CJS require.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$root/packages/core" && pnpm pack --pack-destination "$work" >/dev/null)
tarball=$(ls "$work"/xent-core-*.tgz)
tfjs=$(node -p "require('$root/packages/core/package.json').devDependencies['@tensorflow/tfjs']" 2>/dev/null)
[ "$tfjs" = "catalog:" ] && tfjs=$(sed -n "s/^  '@tensorflow\/tfjs': //p" "$root/pnpm-workspace.yaml")
mkdir "$work/app" && cd "$work/app"
npm init -y >/dev/null
npm install --no-audit --no-fund --prefer-offline --loglevel=error "$tarball" "@tensorflow/tfjs@$tfjs" >/dev/null
cat > check.mjs <<'JS'
import * as tf from '@tensorflow/tfjs';
import { logSumExp, XentError } from '@xent/core';
const value = logSumExp(tf.tensor([[1, 2, 3]])).dataSync()[0];
const expected = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
if (Math.abs(value - expected) > 1e-5) throw new Error(`logSumExp gave ${value}, expected ${expected}`);
if (typeof XentError !== 'function') throw new Error('XentError missing');
console.log(`esm ok: logSumExp = ${value.toFixed(6)}`);
JS
cat > check.cjs <<'JS'
require('@tensorflow/tfjs');
const { logSumExp } = require('@xent/core');
const tf = require('@tensorflow/tfjs');
const value = logSumExp(tf.tensor([[0, 0]])).dataSync()[0];
if (Math.abs(value - Math.log(2)) > 1e-6) throw new Error(`cjs logSumExp gave ${value}`);
console.log(`cjs ok: logSumExp = ${value.toFixed(6)}`);
JS
node check.mjs 2>&1 | grep -v -i 'tfjs-node\|speed things up\|^=\|^$\|Hi there\|tensorflow.org\|node-gyp' || true
node check.mjs >/dev/null 2>&1 && node check.cjs 2>&1 | grep ok
