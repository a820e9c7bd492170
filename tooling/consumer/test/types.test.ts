// Strict TypeScript consumers of the installed tarballs: module node16 (an ESM and a CJS file) and
// moduleResolution bundler. skipLibCheck is on, as in most projects: tfjs 4.22's own declarations fail without it (hash_util's `Long`, tfjs-layers' config types).
import { createRequire } from 'node:module';
import { describe, expect, inject, it } from 'vitest';
import { run } from '../src/run.js';

const dir = inject('allPackages');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

describe('TypeScript consumers', () => {
  for (const config of ['tsconfig.node16.json', 'tsconfig.bundler.json']) {
    it(`type-checks with ${config}`, () => {
      expect(() => run(process.execPath, [tsc, '-p', config], dir)).not.toThrow();
    });
  }
});
