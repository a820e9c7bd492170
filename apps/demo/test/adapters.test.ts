import type { AnyLossSpec } from '@xent/core';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_LOSSES } from '../src/fixtures/example-losses.js';
import { planInputs } from '../src/lib/adapters.js';

const byId = (id: string) => EXAMPLE_LOSSES.find((fn) => fn.spec.id === id)!.spec;
const input = (name: string, dtype: string, shape: string[]) => ({ name, dtype, shape, description: '' });
const spec = (family: string, inputs: ReturnType<typeof input>[]) =>
  ({ family, inputs }) as unknown as Pick<AnyLossSpec, 'family' | 'inputs'>;

describe('planInputs', () => {
  it('feeds each family from the input names and dtypes', () => {
    expect(planInputs(byId('demo/focal'))).toEqual({ supported: true, roles: ['logits', 'labels'] });
    expect(planInputs(byId('demo/kd'))).toEqual({ supported: true, roles: ['student', 'teacher', 'labels'] });
    expect(planInputs(byId('demo/contrastive'))).toEqual({
      supported: true,
      roles: ['embeddings', 'labels'],
    });
    expect(planInputs(byId('demo/proxy-nca'))).toEqual({
      supported: true,
      roles: ['embeddings', 'labels', 'proxies'],
    });
    expect(planInputs(byId('demo/infonce'))).toEqual({ supported: true, roles: ['scores', 'positives'] });
    expect(planInputs(byId('demo/in-batch-hinge'))).toEqual({ supported: true, roles: ['queries', 'docs'] });
  });

  it('feeds cosine scores (normalised embeddings) to inputs described as cosine', () => {
    const cosine = spec('retrieval', [
      {
        name: 'scores',
        dtype: 'float32',
        shape: ['N', 'L'],
        description: 'point × label scores (e.g. cosine)',
      },
      input('targets', 'float32', ['N', 'L']),
    ]);
    expect(planInputs(cosine)).toEqual({ supported: true, roles: ['cosineScores', 'relevance'] });
    const raw = spec('retrieval', [input('scores', 'float32', ['N', 'N']), input('labels', 'int32', ['N'])]);
    expect(planInputs(raw)).toEqual({ supported: true, roles: ['scores', 'positives'] });
  });

  it('feeds a fused linear + cross-entropy loss with hidden features and the head matrix', () => {
    const fused = spec('classification', [
      input('embeddings', 'float32', ['N', 'D']),
      input('classifier', 'float32', ['V', 'D']),
      input('labels', 'labels', ['N', 'V']),
    ]);
    expect(planInputs(fused)).toEqual({ supported: true, roles: ['features', 'classifier', 'labels'] });
  });

  it('maps masks, auxiliary heads and prototypes', () => {
    const mw = spec('retrieval', [
      input('scores', 'float32', ['Q', 'P']),
      input('positiveMask', 'float32', ['Q', 'P']),
    ]);
    expect(planInputs(mw)).toEqual({ supported: true, roles: ['scores', 'relevance'] });
    const dualHead = spec('distillation', [
      input('mainLogits', 'float32', ['N', 'C']),
      input('auxLogits', 'float32', ['N', 'C']),
      input('teacherLogits', 'float32', ['N', 'C']),
      input('labels', 'labels', ['N', 'C']),
    ]);
    expect(planInputs(dualHead)).toEqual({
      supported: true,
      roles: ['student', 'auxiliary', 'teacher', 'labels'],
    });
    const proto = spec('metric', [
      input('queries', 'float32', ['Q', 'D']),
      input('labels', 'int32', ['Q']),
      input('prototypes', 'float32', ['C', 'D']),
    ]);
    expect(planInputs(proto)).toEqual({ supported: true, roles: ['embeddings', 'labels', 'prototypes'] });
    const ge2e = spec('retrieval', [input('embeddings', 'float32', ['S', 'M', 'D'])]);
    expect(planInputs(ge2e)).toEqual({ supported: true, roles: ['groups'] });
  });

  it('feeds binary losses the flattened logits and targets, and model-calling losses their inputs', () => {
    expect(
      planInputs(
        spec('classification', [input('logits', 'float32', ['N']), input('targets', 'float32', ['N'])]),
      ),
    ).toEqual({ supported: true, roles: ['binaryLogits', 'binaryTargets'] });
    expect(
      planInputs(
        spec('classification', [input('inputs', 'float32', ['N', 'D']), input('labels', 'int32', ['N'])]),
      ),
    ).toEqual({ supported: true, roles: ['modelInputs', 'labels'], model: true });
  });

  it('names the options the playground owns: a per-example state, K rows per class', () => {
    const state = {
      ...spec('classification', [
        input('logits', 'float32', ['N', 'C']),
        input('labels', 'labels', ['N', 'C']),
      ]),
      options: {
        state: { type: 'other', description: 'state' },
        indices: { type: 'other', description: 'indices' },
      },
    } as unknown as AnyLossSpec;
    expect(planInputs(state)).toEqual({ supported: true, roles: ['logits', 'labels'], perSample: true });
    const centres = {
      ...spec('metric', [
        input('embeddings', 'float32', ['B', 'D']),
        input('labels', 'int32', ['B']),
        input('classWeights', 'float32', ['CK', 'D']),
      ]),
      options: {
        centersPerClass: { type: 'number', integer: true, min: 1, description: 'centres per class K' },
      },
    } as unknown as AnyLossSpec;
    expect(planInputs(centres)).toEqual({
      supported: true,
      roles: ['embeddings', 'labels', 'proxies'],
      rowsPerClass: 'centersPerClass',
    });
    // `[C, D]` weights need no K, whatever the options.
    const plain = {
      ...centres,
      inputs: centres.inputs.map((i, k) => (k === 2 ? { ...i, shape: ['C', 'D'] } : i)),
    };
    expect(planInputs(plain as unknown as AnyLossSpec)).toEqual({
      supported: true,
      roles: ['embeddings', 'labels', 'proxies'],
    });
  });

  it('lists losses it cannot feed as unsupported with a reason', () => {
    // A sparse teacher's ids alone match no input set; with its log-probabilities they do.
    const sparse = planInputs(
      spec('distillation', [
        input('studentLogits', 'float32', ['N', 'C']),
        input('teacherIndices', 'int32', ['N', 'K']),
      ]),
    );
    expect(sparse).toMatchObject({ supported: false });
    expect(!sparse.supported && sparse.reason).toContain("'studentLogits', 'teacherIndices' do not match");
    expect(
      planInputs(
        spec('distillation', [
          input('studentLogits', 'float32', ['N', 'C']),
          input('teacherIndices', 'int32', ['N', 'K']),
          input('teacherLogProbs', 'float32', ['N', 'K']),
        ]),
      ),
    ).toEqual({ supported: true, roles: ['student', 'teacherTopIds', 'teacherTopLogProbs'] });
    const maps = planInputs(
      spec('distillation', [
        input('studentLogits', 'float32', ['N', 'C']),
        input('teacherFeatures', 'float32', ['N', 'H', 'W']),
      ]),
    );
    expect(!maps.supported && maps.reason).toContain("'teacherFeatures' (float32 [N, H, W])");
    expect(planInputs(spec('segmentation', [input('logits', 'float32', ['N', 'C'])]))).toEqual({
      supported: false,
      reason: "family 'segmentation' has no adapter",
    });
    const onlyLabels = planInputs(spec('metric', [input('labels', 'int32', ['N'])]));
    expect(onlyLabels.supported).toBe(false);
  });
});
