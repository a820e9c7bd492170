#!/usr/bin/env node
// Scaffolds a loss plugin package from tooling/templates/loss-package.
//
//   pnpm new-loss-package <name> [--scope @acme] [--dir packages] [--id acme/<name>]
//
// <name> is kebab-case (`brier-score`); the package is `<scope>/<name>` (default scope @xent), the loss
// `<camelName>Loss` with id `<scope without @>/<name>`, in `<dir>/<name>`. The package builds, tests
// (the xent conformance suite against a float64 reference) and registers its sample loss as created.
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const template = join(root, 'tooling', 'templates', 'loss-package');

function usage(message) {
  console.error(
    `${message}\nusage: pnpm new-loss-package <kebab-name> [--scope @acme] [--dir packages] [--id acme/name]`,
  );
  process.exit(2);
}

const args = process.argv.slice(2);
const name = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
const flag = (key, fallback) => {
  const index = args.indexOf(`--${key}`);
  return index >= 0 ? args[index + 1] : fallback;
};
if (!name || !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name))
  usage(`name must be kebab-case, got '${name ?? ''}'`);
const scope = flag('scope', '@xent');
if (!/^@[a-z0-9-]+$/.test(scope)) usage(`scope must look like @acme, got '${scope}'`);
const target = resolve(root, flag('dir', 'packages'), name);
if (existsSync(target)) usage(`${relative(root, target)} exists already`);

const camel = name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
const pascal = camel[0].toUpperCase() + camel.slice(1);
const workspaceVersion = (file) => JSON.parse(readFileSync(join(root, file), 'utf8')).version;
const tfjs =
  readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8').match(/'@tensorflow\/tfjs': (\S+)/)?.[1] ??
  '^4.22.0';
const replacements = {
  __PACKAGE__: `${scope}/${name}`,
  __NAME__: name,
  __CAMEL__: camel,
  __PASCAL__: pascal,
  __TITLE__: name
    .split('-')
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join(' '),
  __ID__: flag('id', `${scope.slice(1)}/${name}`),
  __CORE_VERSION__: scope === '@xent' ? 'workspace:^' : `^${workspaceVersion('packages/core/package.json')}`,
  __TESTING_VERSION__:
    scope === '@xent' ? 'workspace:*' : `^${workspaceVersion('packages/testing/package.json')}`,
  __TFJS_VERSION__: scope === '@xent' ? 'catalog:' : tfjs,
};
const fill = (text) =>
  Object.entries(replacements).reduce((t, [key, value]) => t.replaceAll(key, value), text);

mkdirSync(target, { recursive: true });
cpSync(template, target, { recursive: true });
const walk = (dir) =>
  readdirSync(dir).flatMap((entry) =>
    statSync(join(dir, entry)).isDirectory() ? walk(join(dir, entry)) : [join(dir, entry)],
  );
for (const file of walk(target)) {
  writeFileSync(file, fill(readFileSync(file, 'utf8')));
  if (!file.endsWith('.tmpl')) continue;
  const base = file.slice(0, -'.tmpl'.length);
  const leaf = base.slice(dirname(base).length + 1);
  renameSync(file, leaf.startsWith('loss.') ? join(dirname(base), `${name}-${leaf}`) : base);
}
console.log(
  `created ${relative(root, target)} (${replacements.__PACKAGE__}, loss ${camel}Loss, id '${replacements.__ID__}')`,
);
console.log(
  `next: pnpm install, then edit src/, run \`pnpm vitest run --project ${name}\`; see CONTRIBUTING.md`,
);
