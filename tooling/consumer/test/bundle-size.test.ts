// Tree-shaking, measured on the installed tarballs: one imported loss costs at most its budget, /register
// adds registrations rather than a second copy, and @xent/distill's main entry does not import tfjs-layers.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { budgetFor, bundledBytes, KIB, measure, residueBytes, type SizeRow } from '../src/bundle-size.js';
import { lastJson, run } from '../src/run.js';

const dir = inject('allPackages');
const LOSS_PACKAGES = ['@xent/losses', '@xent/distill', '@xent/metric', '@xent/retrieval'];
/** Packages measured here whose functions are not registry losses, with the functions to measure. */
const OTHER_FUNCTIONS: Record<string, string[]> = { '@xent/cce': ['linearCrossEntropy'] };
/**
 * Measured misses of the budget and the largest losses (BENCHMARKS.md records them), each + ~0.3 KiB: a
 * ceiling only lets them shrink. @xent/metric has none: every loss is within its 10 KiB budget
 * (tripletMarginLoss, the largest, 9.9 KiB). @xent/retrieval: infoNceLoss (ST 6's directions,
 * hardness and duplicate-aware negatives, 7.2 KiB) and mwLoss (blocked exact gradient, 5.2 KiB). @xent/cce's
 * linearCrossEntropy with its chunked engine is within the 8 KiB budget (7.9 KiB; the fused cpu kernels
 * reach only Node's `node`-condition entry, not a web bundle), so it has no ceiling.
 */
const CEILINGS: Record<string, Record<string, number>> = {
  '@xent/retrieval': { infoNceLoss: 7.5 * KIB, mwLoss: 5.6 * KIB },
};
/**
 * What a package leaves in a bundle that imports nothing from it, `sideEffects` ignored (see
 * {@link residueBytes}): top-level code a bundler cannot drop. At most a constant or two (a division,
 * `Math.log`), never a loss: a loss kept there is in the bundle of every other loss of its chunk.
 */
const RESIDUE_LIMIT = 100;
const RESIDUE_CEILINGS: Record<string, number> = {};

let rows: SizeRow[] = [];
beforeAll(async () => {
  const names = lastJson<Record<string, string[]>>(
    run(process.execPath, [join(dir, 'loss-names.mjs'), ...LOSS_PACKAGES], dir),
  );
  rows = await measure(dir, { ...names, ...OTHER_FUNCTIONS });
});

const limit = (pkg: string, what: string) => CEILINGS[pkg]?.[what] ?? CEILINGS[pkg]?.['*'] ?? budgetFor(pkg);
const overLimit = (pkg: string, losses: readonly SizeRow[]) =>
  losses
    .filter((r) => r.bytes > limit(pkg, r.what))
    .map((r) => `${r.what} ${(r.bytes / KIB).toFixed(1)} KiB > ${(limit(pkg, r.what) / KIB).toFixed(1)} KiB`);

describe('bundle size of one imported loss (esbuild, minified, tfjs and @xent/core external)', () => {
  for (const pkg of LOSS_PACKAGES) {
    it(`${pkg}: every loss within its budget, /register one copy of the package`, () => {
      const mine = rows.filter((r) => r.pkg === pkg);
      const whole = mine.find((r) => r.what === '(whole package)')!.bytes;
      const register = mine.find((r) => r.what === '/register')!.bytes;
      const losses = mine.filter((r) => !r.what.startsWith('(') && r.what !== '/register');
      expect(losses.length).toBeGreaterThan(0);
      // A second copy of the package in /register would double it.
      expect(register).toBeLessThanOrEqual(whole * 1.1);
      expect(overLimit(pkg, losses)).toEqual([]);
      // Tree-shaking works: one loss is well below the whole package.
      expect(Math.min(...losses.map((r) => r.bytes))).toBeLessThan(whole / 2);
    });
  }

  for (const [pkg, functions] of Object.entries(OTHER_FUNCTIONS)) {
    it(`${pkg}: ${functions.join(', ')} within the ceiling`, () => {
      const mine = rows.filter((r) => r.pkg === pkg && functions.includes(r.what));
      expect(mine.map((r) => r.what)).toEqual(functions);
      expect(overLimit(pkg, mine)).toEqual([]);
    });
  }

  for (const pkg of [...LOSS_PACKAGES, ...Object.keys(OTHER_FUNCTIONS)]) {
    it(`${pkg}: nothing but a constant or two survives when none of its exports is used`, async () => {
      expect(await residueBytes(dir, pkg)).toBeLessThanOrEqual(RESIDUE_CEILINGS[pkg] ?? RESIDUE_LIMIT);
    });
  }

  it('the residue measure sees a loss kept by an impure argument, and nothing of a pure module', async () => {
    const app = mkdtempSync(join(tmpdir(), 'xent-residue-'));
    try {
      const fake = (name: string, code: string) => {
        const folder = join(app, 'node_modules', '@xent', name);
        mkdirSync(folder, { recursive: true });
        const manifest = { name: `@xent/${name}`, type: 'module', sideEffects: false, exports: './index.js' };
        writeFileSync(join(folder, 'package.json'), JSON.stringify(manifest));
        writeFileSync(join(folder, 'index.js'), code);
      };
      const head = `import { defineLoss } from '@xent/core';\nconst shared = { k: { type: 'number' } };\n`;
      fake('pure', `${head}export const a = /* @__PURE__ */ defineLoss({ options: shared });`);
      fake('spread', `${head}export const a = /* @__PURE__ */ defineLoss({ options: { ...shared } });`);
      expect(await residueBytes(app, '@xent/spread')).toBeGreaterThan(0);
      expect(await residueBytes(app, '@xent/pure')).toBe(0);
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });

  it('@xent/distill: the main entry does not import tfjs-layers; /layers does', async () => {
    const main = await bundledBytes(dir, `export * from '@xent/distill';`);
    const layersFree = await import('esbuild').then((esbuild) =>
      esbuild.build({
        stdin: { contents: `export * from '@xent/distill';`, resolveDir: dir },
        bundle: true,
        write: false,
        format: 'esm',
        external: ['@tensorflow/tfjs-core', '@xent/core'],
        logLevel: 'silent',
        metafile: true,
      }),
    );
    const imports = Object.values(layersFree.metafile!.outputs).flatMap((o) => o.imports.map((i) => i.path));
    expect(imports.filter((p) => p.includes('tfjs-layers'))).toEqual([]);
    expect(main).toBeGreaterThan(0);
    const layers = await import('esbuild').then((esbuild) =>
      esbuild.build({
        stdin: { contents: `export * from '@xent/distill/layers';`, resolveDir: dir },
        bundle: true,
        write: false,
        format: 'esm',
        external: ['@tensorflow/*', '@xent/core'],
        logLevel: 'silent',
        metafile: true,
      }),
    );
    const layerImports = Object.values(layers.metafile!.outputs).flatMap((o) => o.imports.map((i) => i.path));
    expect(layerImports).toContain('@tensorflow/tfjs-layers');
  });
});
