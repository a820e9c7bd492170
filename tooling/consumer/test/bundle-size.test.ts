// Tree-shaking, measured on the installed tarballs: one imported loss costs at most its budget, /register
// adds registrations rather than a second copy, and @xent/distill's main entry does not import tfjs-layers.
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { budgetFor, bundledBytes, KIB, measure, type SizeRow } from '../src/bundle-size.js';
import { lastJson, run } from '../src/run.js';

const dir = inject('allPackages');
const LOSS_PACKAGES = ['@xent/losses', '@xent/distill', '@xent/metric', '@xent/retrieval'];
/**
 * Measured misses of the budget (BENCHMARKS.md records them): each ceiling only stops growth.
 * @xent/metric: tripletMarginLoss carries three all-triplet paths (host sorted, device blocked, explicit
 * lists; 15.0 KiB), multiSimilarityLoss a host and a device path (11.5 KiB), generalizedLiftedStructureLoss
 * the tuple, reference-set and mask machinery with its own (10.1 KiB). @xent/retrieval: infoNceLoss carries ST 6's directions,
 * hardness and duplicate-aware negatives (9.9 KiB); mwLoss its blocked exact gradient (8.2 KiB).
 */
const CEILINGS: Record<string, Record<string, number>> = {
  '@xent/metric': {
    tripletMarginLoss: 15.3 * KIB,
    multiSimilarityLoss: 11.8 * KIB,
    generalizedLiftedStructureLoss: 10.4 * KIB,
  },
  '@xent/retrieval': { infoNceLoss: 10.5 * KIB, mwLoss: 8.5 * KIB },
};

let rows: SizeRow[] = [];
beforeAll(async () => {
  const names = lastJson<Record<string, string[]>>(
    run(process.execPath, [join(dir, 'loss-names.mjs'), ...LOSS_PACKAGES], dir),
  );
  rows = await measure(dir, names);
});

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
      const limit = (what: string) => CEILINGS[pkg]?.[what] ?? CEILINGS[pkg]?.['*'] ?? budgetFor(pkg);
      const over = losses
        .filter((r) => r.bytes > limit(r.what))
        .map((r) => `${r.what} ${(r.bytes / KIB).toFixed(1)} KiB > ${(limit(r.what) / KIB).toFixed(1)} KiB`);
      expect(over).toEqual([]);
      // Tree-shaking works: one loss is well below the whole package.
      expect(Math.min(...losses.map((r) => r.bytes))).toBeLessThan(whole / 2);
    });
  }

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
