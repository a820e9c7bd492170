// What one import costs a bundled app: esbuild bundles `export { x } from '@xent/pkg'` from the installed
// tarball, minified, with tfjs and @xent/core external (the package's own bytes).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

export const KIB = 1024;

/** Budget of issue "Ship what we test": one loss ≤ 8 KiB of its package, a metric loss ≤ 10 KiB. */
export function budgetFor(pkg: string): number {
  return (pkg === '@xent/metric' ? 10 : 8) * KIB;
}

/** Minified bytes of an ES module `code` bundled from `dir`'s node_modules. */
export async function bundledBytes(dir: string, code: string): Promise<number> {
  const result = await build({
    stdin: { contents: code, resolveDir: dir, loader: 'js' },
    bundle: true,
    minify: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    external: ['@tensorflow/*', '@xent/core'],
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.contents.length;
}

/**
 * Minified bytes left of `pkg`'s main entry in a bundle that uses none of its exports, with the package's
 * `sideEffects` declaration ignored: whatever top-level code a bundler cannot prove pure (a spread, a
 * property read, an unannotated call, a division in a `defineLoss` argument). Every byte of it, and every
 * loss it references, lands in every bundle that imports anything from the same chunk.
 */
export async function residueBytes(dir: string, pkg: string): Promise<number> {
  const result = await build({
    stdin: { contents: `import '${pkg}';`, resolveDir: dir, loader: 'js' },
    bundle: true,
    minify: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    external: ['@tensorflow/*'],
    logLevel: 'silent',
    plugins: [
      {
        name: 'ignore-side-effects-field',
        setup(b) {
          b.onResolve({ filter: /.*/ }, async (args) => {
            if (args.pluginData === 'resolving') return undefined;
            if (args.path.startsWith('@xent/') && args.path !== pkg)
              return { path: args.path, external: true };
            if (args.path !== pkg && !args.importer.includes(`/node_modules/${pkg}/`)) return undefined;
            const resolved = await b.resolve(args.path, {
              kind: args.kind,
              resolveDir: args.resolveDir,
              importer: args.importer,
              pluginData: 'resolving',
            });
            return resolved.external ? resolved : { path: resolved.path, sideEffects: true };
          });
        },
      },
    ],
  });
  // The import statements of tfjs and @xent/core are not the package's code.
  return residueCode(result.outputFiles[0]!.text).length;
}

/** A minified bundle without its import statements. */
export function residueCode(minified: string): string {
  return minified.replace(/import\s*(?:[^;"']*?from\s*)?["'][^"']+["'];?/g, '').trim();
}

export interface SizeRow {
  readonly pkg: string;
  readonly what: string;
  readonly bytes: number;
}

/** One row per exported loss, plus the whole package and its /register entry. */
export async function measure(dir: string, losses: Record<string, readonly string[]>): Promise<SizeRow[]> {
  const rows: SizeRow[] = [];
  for (const [pkg, names] of Object.entries(losses)) {
    rows.push({ pkg, what: '(whole package)', bytes: await bundledBytes(dir, `export * from '${pkg}';`) });
    const manifest = JSON.parse(readFileSync(join(dir, 'node_modules', pkg, 'package.json'), 'utf8'));
    if (manifest.exports['./register']) {
      rows.push({ pkg, what: '/register', bytes: await bundledBytes(dir, `import '${pkg}/register';`) });
    }
    for (const name of names) {
      rows.push({ pkg, what: name, bytes: await bundledBytes(dir, `export { ${name} } from '${pkg}';`) });
    }
  }
  return rows;
}
