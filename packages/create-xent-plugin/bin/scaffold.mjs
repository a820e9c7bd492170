// Scaffolding logic of create-xent-plugin, shared with the monorepo's `pnpm new-loss-package`.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The template folder: sample loss, test and README (shared), plus the standalone config files. */
export const TEMPLATE = join(here, '..', 'template');

/**
 * Tool versions a standalone plugin pins. TypeScript stays on 5.9: TypeScript 6/7 break tsup's
 * declaration build.
 */
export const TOOL_VERSIONS = {
  '@arethetypeswrong/cli': '0.18.5',
  '@tensorflow/tfjs': '4.22.0',
  '@tensorflow/tfjs-backend-wasm': '4.22.0',
  '@tensorflow/tfjs-core': '4.22.0',
  '@types/node': '^20.19.0',
  publint: '0.3.25',
  tsup: '8.5.1',
  typescript: '5.9.3',
  vitest: '4.1.12',
};

const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;
const LOSS_NAME = /^[a-z][A-Za-z0-9]*$/;

const words = (text) =>
  text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
const camel = (ws) => ws.map((w, i) => (i === 0 ? w : w[0].toUpperCase() + w.slice(1))).join('');

/**
 * Names for a plugin package: `packageName` unscoped (`taylor-ce`) or scoped (`@acme/taylor-ce`). The
 * loss is the camel-cased short name with `Loss` appended unless it ends so already (`my-loss` →
 * `myLoss`, `taylor-ce` → `taylorCeLoss`), or `loss` when given; its id is `<package>/<loss in
 * kebab-case>` (the id rule accepts scoped packages), or `id` when given.
 */
export function pluginNames(packageName, { loss, id } = {}) {
  if (typeof packageName !== 'string' || !PACKAGE_NAME.test(packageName) || packageName.length > 214) {
    throw new Error(
      `package name must be an npm name like 'my-loss' or '@acme/my-loss' (lowercase), got '${packageName ?? ''}'`,
    );
  }
  const short = packageName.replace(/^@[^/]+\//, '');
  let lossName = loss;
  if (lossName === undefined) {
    const base = camel(words(short.replace(/^xent-/, '')));
    lossName = /Loss$|^loss$/.test(base) ? base : `${base}Loss`;
    if (!LOSS_NAME.test(lossName)) lossName = `plugin${lossName[0].toUpperCase()}${lossName.slice(1)}`;
  }
  if (!LOSS_NAME.test(lossName))
    throw new Error(`loss name must be camelCase like 'taylorLoss', got '${lossName}'`);
  const kebab = words(lossName).join('-');
  const lossId = id ?? `${packageName}/${kebab}`;
  if (!/^(@[a-z0-9._-]+\/)?[a-z0-9._-]+\/[a-z0-9._-]+$/.test(lossId)) {
    throw new Error(
      `id must be '<package>/<loss>' in lowercase a-z 0-9 . _ - (scoped packages too), got '${lossId}'`,
    );
  }
  const pascal = lossName[0].toUpperCase() + lossName.slice(1);
  return {
    packageName,
    directory: short,
    lossName,
    optionsName: `${pascal}Options`,
    fileName: kebab,
    id: lossId,
    title: words(short)
      .map((w) => w[0].toUpperCase() + w.slice(1))
      .join(' '),
  };
}

/** Fills `__PLACEHOLDERS__` in a template text. */
export function fill(text, names) {
  const values = {
    __PACKAGE__: names.packageName,
    __LOSS__: names.lossName,
    __OPTIONS__: names.optionsName,
    __FILE__: names.fileName,
    __ID__: names.id,
    __TITLE__: names.title,
  };
  return Object.entries(values).reduce((t, [key, value]) => t.replaceAll(key, value), text);
}

const read = (...parts) => readFileSync(join(TEMPLATE, ...parts), 'utf8');

/**
 * The sample plugin's sources, test and README (shared by the standalone starter and the monorepo's
 * scaffolder): path → contents.
 */
export function sampleFiles(names) {
  return {
    [`src/${names.fileName}.ts`]: fill(read('src', 'loss.ts.tmpl'), names),
    'src/index.ts': fill(read('src', 'index.ts.tmpl'), names),
    'src/register.ts': fill(read('src', 'register.ts.tmpl'), names),
    [`test/${names.fileName}.test.ts`]: fill(read('test', 'loss.test.ts.tmpl'), names),
    'README.md': fill(read('README.md.tmpl'), names),
  };
}

/** Versions of @xent/core and @xent/testing to depend on: this package's own (rewritten by pack). */
export function xentVersions() {
  const own = JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8'));
  const version = (name, folder) => {
    const range = own.devDependencies?.[name] ?? '';
    if (!range.startsWith('workspace:')) return range || 'latest';
    // Run from the repository: the sibling package's version.
    const sibling = join(here, '..', '..', folder, 'package.json');
    return existsSync(sibling) ? `^${JSON.parse(readFileSync(sibling, 'utf8')).version}` : 'latest';
  };
  return { core: version('@xent/core', 'core'), testing: version('@xent/testing', 'testing') };
}

/** The standalone package.json: plain npm, no `workspace:`/`catalog:` ranges. */
export function standalonePackageJson(names, versions = xentVersions()) {
  const sorted = (deps) => Object.fromEntries(Object.entries(deps).sort(([a], [b]) => a.localeCompare(b)));
  const t = TOOL_VERSIONS;
  return {
    name: names.packageName,
    version: '0.1.0',
    description: `${names.title}: a loss plugin for xent and TensorFlow.js.`,
    keywords: ['tensorflow', 'tfjs', 'loss', 'xent', 'xent-plugin'],
    license: 'MIT',
    type: 'module',
    sideEffects: ['./dist/register.js', './dist/register.cjs'],
    main: './dist/index.cjs',
    module: './dist/index.js',
    types: './dist/index.d.cts',
    exports: {
      '.': {
        import: { types: './dist/index.d.ts', default: './dist/index.js' },
        require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
      },
      './register': {
        import: { types: './dist/register.d.ts', default: './dist/register.js' },
        require: { types: './dist/register.d.cts', default: './dist/register.cjs' },
      },
      './package.json': './package.json',
    },
    files: ['dist'],
    ...(names.packageName.startsWith('@') ? { publishConfig: { access: 'public' } } : {}),
    engines: { node: '>=20' },
    scripts: {
      build: 'tsup',
      test: 'vitest run',
      typecheck: 'tsc --noEmit',
      'check-exports': 'publint --strict && attw --pack . --profile node16',
      prepublishOnly: 'npm run typecheck && npm test && npm run build && npm run check-exports',
    },
    dependencies: { '@xent/core': versions.core },
    peerDependencies: { '@tensorflow/tfjs-core': '^4.22.0' },
    devDependencies: sorted({
      '@arethetypeswrong/cli': t['@arethetypeswrong/cli'],
      '@tensorflow/tfjs': t['@tensorflow/tfjs'],
      '@tensorflow/tfjs-backend-wasm': t['@tensorflow/tfjs-backend-wasm'],
      '@tensorflow/tfjs-core': t['@tensorflow/tfjs-core'],
      '@types/node': t['@types/node'],
      '@xent/testing': versions.testing,
      publint: t.publint,
      tsup: t.tsup,
      typescript: t.typescript,
      vitest: t.vitest,
    }),
  };
}

/** Every file of a standalone plugin: path → contents. */
export function standaloneFiles(names, versions) {
  const config = (file) => read(`${file}.tmpl`);
  return {
    'package.json': `${JSON.stringify(standalonePackageJson(names, versions), null, 2)}\n`,
    'tsconfig.json': config('tsconfig.json'),
    'tsup.config.ts': config('tsup.config.ts'),
    'vitest.config.ts': config('vitest.config.ts'),
    'test/setup.ts': read('test', 'setup.ts.tmpl'),
    '.gitignore': config('gitignore'),
    ...sampleFiles(names),
  };
}
