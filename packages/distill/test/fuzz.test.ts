import '../src/register.js';
import { registry } from '@xent/core';
import { type FuzzConfig, fuzzLoss } from '@xent/testing';
import { describeBackends } from '@xent/testing/vitest';
import { expect, it } from 'vitest';

// issue 13: the spec-generated fuzz suite over every registered loss of this package, on cpu and
// wasm. XENT_FUZZ_RUNS=200 for a long run.
const configs: Record<string, FuzzConfig> = {};

describeBackends(['cpu', 'wasm'], () => {
  for (const loss of registry.list()) {
    it(`${loss.spec.name} keeps the input contract on random valid and invalid inputs`, () => {
      const report = fuzzLoss(loss, configs[loss.spec.id] ?? {});
      expect(report.accepted).toBeGreaterThan(0);
    });
  }
});
