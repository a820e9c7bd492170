#!/usr/bin/env node
// npm create xent-plugin <package-name> [--dir <folder>] [--loss <camelName>] [--id <package>/<loss>]
//
// Writes a standalone loss plugin: a sample loss built with @xent/core's defineLoss, its conformance
// test (float64 reference, gradients, leaks, bad inputs) on cpu and wasm, tsup build (ESM + CJS +
// types), publint and attw checks; then `npm install`, `npm test`, `npm run build`,
// `npm run check-exports`.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pluginNames, standaloneFiles } from './scaffold.mjs';

const USAGE =
  'usage: npm create xent-plugin <package-name> [-- --dir <folder>] [--loss <camelName>] [--id <package>/<loss>]\n' +
  '  <package-name>: my-loss, or @acme/my-loss';

function fail(message) {
  console.error(`create-xent-plugin: ${message}\n${USAGE}`);
  process.exit(2);
}

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
const flags = {};
const positional = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg.startsWith('--')) {
    const [key, inline] = arg.slice(2).split('=', 2);
    if (!['dir', 'loss', 'id'].includes(key)) fail(`unknown option --${key}`);
    const value = inline ?? args[++i];
    if (value === undefined) fail(`--${key} needs a value`);
    flags[key] = value;
  } else positional.push(arg);
}
if (positional.length !== 1) fail('give one package name');

let names;
try {
  names = pluginNames(positional[0], { loss: flags.loss, id: flags.id });
} catch (error) {
  fail(error.message);
}
const target = resolve(flags.dir ?? names.directory);
if (existsSync(target) && readdirSync(target).length > 0) fail(`${target} exists and is not empty`);

for (const [path, text] of Object.entries(standaloneFiles(names))) {
  const file = join(target, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}
const where = relative(process.cwd(), target) || '.';
console.log(`created ${where}: ${names.packageName}, loss ${names.lossName} (id '${names.id}')

next:
  cd ${where}
  npm install
  npm test                 # conformance on cpu and wasm (XENT_REQUIRE_BACKENDS=1 in CI)
  npm run build && npm run check-exports
Writing a plugin: https://github.com/xent-js/xent/blob/main/docs/writing-a-plugin.md`);
