// Every package as npm users get it, in Node: installed from its tarball into an empty project (with
// @xent/core's tarball and @tensorflow/tfjs from the registry), imported as ESM on cpu and wasm and as
// CJS, its /register proven effective, a model trained through optimizer.minimize; toLayersLoss with
// model.fit; cce's fused kernels counted in tfjs's profile.
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { NODE_FIXTURES } from '../src/paths.js';
import { consumerProject, TFJS } from '../src/projects.js';
import { lastJson, run } from '../src/run.js';

const staged = inject('staged');

interface Report {
  readonly format: string;
  readonly version: string;
  readonly backend: string;
  readonly checked: readonly string[];
  readonly failures: readonly string[];
  readonly training?: { readonly id: string; readonly first: number; readonly last: number };
  readonly fusedKernels?: Record<string, number>;
}

const script = (dir: string, file: string, env: Record<string, string>) =>
  lastJson<Report>(run(process.execPath, [join(dir, file)], dir, env));

const LOSS_PACKAGES = ['@xent/losses', '@xent/distill', '@xent/metric', '@xent/retrieval'];

// Library packages; create-xent-plugin (a scaffolder, no library) has its own end-to-end check,
// tooling/scripts/plugin-starter-test.sh.
for (const name of Object.keys(staged.tarballs)
  .filter((n) => n.startsWith('@xent/'))
  .sort()) {
  describe.sequential(`${name} installed from its tarball`, () => {
    let dir = '';
    beforeAll(() => {
      dir = consumerProject(
        staged,
        name.replace('@xent/', ''),
        [name],
        [`@tensorflow/tfjs@${TFJS}`, `@tensorflow/tfjs-backend-wasm@${TFJS}`],
        [NODE_FIXTURES],
      );
    });

    for (const backend of ['cpu', 'wasm']) {
      it(`ESM on ${backend}`, () => {
        const report = script(dir, 'check.mjs', { XENT_PACKAGE: name, XENT_BACKEND: backend });
        expect(report.failures).toEqual([]);
        expect(report.backend).toBe(backend);
        expect(report.version).toBe(staged.versions[name]);
        expect(report.checked.length).toBeGreaterThan(0);
        if (LOSS_PACKAGES.includes(name)) expect(report.training!.last).toBeLessThan(report.training!.first);
        if (name === '@xent/cce' && backend === 'cpu') {
          expect(report.fusedKernels!.forward).toBeGreaterThan(0);
          expect(report.fusedKernels!.backward).toBeGreaterThanOrEqual(2);
        }
      });
    }

    it('CJS (require) on cpu', () => {
      const report = script(dir, 'check.cjs', { XENT_PACKAGE: name });
      expect(report.failures).toEqual([]);
      expect(report.checked.length).toBeGreaterThan(0);
      if (name === '@xent/cce') expect(report.fusedKernels!.auto).toBeGreaterThan(0);
    });

    if (name === '@xent/losses') {
      it('toLayersLoss in model.compile trains with model.fit', () => {
        const report = script(dir, 'layers.mjs', {});
        expect(report.failures).toEqual([]);
      });
    }
  });
}
