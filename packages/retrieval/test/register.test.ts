import { registry } from '@xent/core';
import { describe, expect, it } from 'vitest';
import '../src/register.js';

describe('@xent/retrieval/register', () => {
  it('registers every loss under the retrieval family with a complete spec', () => {
    const ids = [
      'xent/mw',
      'xent/info-nce',
      'xent/decoupled-softmax',
      'xent/soft-top-k',
      'xent/sigmoid',
      'xent/debiased-contrastive',
      'xent/decoupled-contrastive',
      'xent/ge2e',
      'xent/margin-mse',
      'xent/cosent',
      'xent/angle',
      'xent/cosine-similarity',
      'xent/gist-embed',
      'xent/rank-net',
      'xent/list-net',
      'xent/list-mle',
      'xent/p-list-mle',
      'xent/lambda',
      'xent/mega-batch-margin',
    ];
    for (const id of ids) {
      const loss = registry.get(id);
      expect(loss.spec.family).toBe('retrieval');
      expect(loss.spec.reference?.url).toMatch(/^https:\/\/(arxiv\.org\/abs\/|doi\.org\/|auai\.org\/)/);
    }
    expect(registry.list({ family: 'retrieval' }).length).toBe(ids.length);
  });
});
