#!/usr/bin/env node
// Scaffolds a loss plugin package.
//
//   pnpm new-loss-package <name> [--dir packages] [--id xent/<name>] [--loss <camelName>]
//   pnpm new-loss-package <name|@scope/name> --standalone [--dir .] [--id …] [--loss …]
//
// In the repository (the default): `@xent/<name>` in `<dir>/<name>`, on the workspace's shared
// configs (tooling/templates/loss-package). With --standalone (or any package name outside @xent): a
// plain npm package, the same as `npm create xent-plugin <name>` (packages/create-xent-plugin), for
// authors outside the repository. Both get the same sample loss and conformance test, from
// packages/create-xent-plugin/template: the loss is the camel-cased name with `Loss` appended unless it
// ends so already (`brier-score` → `brierScoreLoss`, `my-loss` → `myLoss`).
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  fill,
  pluginNames,
  sampleFiles,
  standaloneFiles,
} from '../../packages/create-xent-plugin/bin/scaffold.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const template = join(root, 'tooling', 'templates', 'loss-package');

function usage(message) {
  console.error(
    `${message}\nusage: pnpm new-loss-package <kebab-name> [--dir packages] [--id xent/name] [--loss camelName]\n` +
      '       pnpm new-loss-package <name|@scope/name> --standalone [--dir .] [--id …] [--loss …]',
  );
  process.exit(2);
}

const args = process.argv.slice(2);
const valued = new Set(['--dir', '--id', '--loss', '--scope']);
const name = args.find((a, i) => !a.startsWith('--') && !valued.has(args[i - 1]));
const flag = (key, fallback) => {
  const index = args.indexOf(`--${key}`);
  return index >= 0 ? args[index + 1] : fallback;
};
if (!name) usage('give a package name');
// --scope @acme my-loss is kept for compatibility: it means the standalone @acme/my-loss.
const scope = flag('scope');
const packageName = scope && !name.startsWith('@') ? `${scope}/${name}` : name;
const inRepo =
  !args.includes('--standalone') && (!packageName.startsWith('@') || packageName.startsWith('@xent/'));

let names;
try {
  if (inRepo) {
    const short = packageName.replace(/^@xent\//, '');
    if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(short)) usage(`name must be kebab-case, got '${short}'`);
    names = pluginNames(`@xent/${short}`, { loss: flag('loss'), id: flag('id', `xent/${short}`) });
  } else {
    names = pluginNames(packageName, { loss: flag('loss'), id: flag('id') });
  }
} catch (error) {
  usage(error.message);
}

const target = resolve(
  inRepo ? root : process.cwd(),
  flag('dir', inRepo ? 'packages' : '.'),
  names.directory,
);
if (existsSync(target) && readdirSync(target).length > 0) usage(`${target} exists and is not empty`);

const write = (files) => {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(target, path)), { recursive: true });
    writeFileSync(join(target, path), text);
  }
};
if (inRepo) {
  mkdirSync(target, { recursive: true });
  cpSync(template, target, { recursive: true });
  for (const file of readdirSync(target)) {
    const path = join(target, file);
    const text = fill(readFileSync(path, 'utf8'), names).replaceAll('__NAME__', names.directory);
    writeFileSync(path, text);
    if (file.endsWith('.tmpl')) renameSync(path, path.slice(0, -'.tmpl'.length));
  }
  write(sampleFiles(names));
} else {
  write(standaloneFiles(names));
}
const where = relative(process.cwd(), target) || '.';
console.log(`created ${where} (${names.packageName}, loss ${names.lossName}, id '${names.id}')`);
console.log(
  inRepo
    ? `next: pnpm install, then edit src/, run \`pnpm exec vitest run --project ${names.directory}\`; see CONTRIBUTING.md`
    : `next: cd ${where} && npm install && npm test && npm run build && npm run check-exports; see docs/writing-a-plugin.md`,
);
