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
