import '../src/register.js';
import { registry } from '@xent/core';
import { fuzzEveryLoss } from '@xent/testing/vitest';

// issue 13: the spec-generated fuzz suite over every registered loss of this package, on cpu and
// wasm. XENT_FUZZ_RUNS=200 for a long run.
// SoftTriple and sub-center ArcFace take K rows per class; the fuzz draws [C, D] weights (K = 1).
fuzzEveryLoss(registry.list(), {
  'xent/soft-triple': { options: { centersPerClass: 1 } },
  'xent/sub-center-arcface': { options: { subCenters: 1 } },
});
