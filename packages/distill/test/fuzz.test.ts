import '../src/register.js';
import { registry } from '@xent/core';
import { fuzzEveryLoss } from '@xent/testing/vitest';

// issue 13: the spec-generated fuzz suite over every registered loss of this package, on cpu and
// wasm. XENT_FUZZ_RUNS=200 for a long run.
// sparseKdLoss: valid random inputs need distinct top-k ids and normalised log-probabilities, which a
// spec cannot describe; its invalid inputs are still fuzzed (divergences.test.ts covers valid ones).
fuzzEveryLoss(registry.list(), { 'xent/sparse-kd': { minAccepted: 0 } });
