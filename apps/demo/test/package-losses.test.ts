// The workspace's own losses in the playground: every registered loss has a formula (that KaTeX renders)
// and a "when to use" line, the presets name trainable losses, and the adapters added for the losses that
// used to be greyed out (binary, model-calling, per-example state, [C·K, D] class weights) train them.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { type AnyLossFn, registry } from '@xent/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { planInputs } from '../src/lib/adapters.js';
import { spirals } from '../src/lib/datasets.js';
import { EXPLANATIONS } from '../src/lib/explain/index.js';
import { multiLabelReady, PRESETS, presetById } from '../src/lib/presets.js';
import { probeLoss } from '../src/lib/probe.js';
import { applyScenario, CLEAN } from '../src/lib/scenario.js';
import { parseState } from '../src/lib/state.js';
import { Run, trainTeacher } from '../src/lib/train.js';
import { registerVariants } from '../src/lib/variants.js';
import { formulaHtml } from '../src/ui/formula.js';

const packages = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'packages');
const config = { steps: 4, batchSize: 16, learningRate: 0.01, seed: 3, evalEvery: 2 };

beforeAll(async () => {
  for (const name of readdirSync(packages)) {
    const entry = join(packages, name, 'src', 'register.ts');
    try {
      readdirSync(join(packages, name, 'src'));
    } catch {
      continue;
    }
    if (readdirSync(join(packages, name, 'src')).includes('register.ts'))
      await import(pathToFileURL(entry).href);
  }
  registerVariants();
  await tf.setBackend('cpu');
}, 60_000);

const byName = (name: string): AnyLossFn => {
  const fn = registry.list().find((f) => f.spec.name === name);
  if (!fn) throw new Error(`${name} is not registered`);
  return fn;
};

async function train(name: string, options: Record<string, unknown> = {}, multiLabel = false) {
  const loss = byName(name);
  const plan = planInputs(loss.spec);
  if (!plan.supported) throw new Error(plan.reason);
  expect(probeLoss(loss, plan)).toBeUndefined();
  const family = loss.spec.family as 'classification' | 'metric';
  const data = applyScenario(spirals(), family, { ...CLEAN, multiLabel }, 1);
  const before = tf.memory().numTensors;
  const run = new Run(loss, options, plan, family, data, config);
  while (!run.finished) await run.trainStep();
  return { run, plan, before };
}

describe('explanations', () => {
  it('every registered loss has a formula KaTeX renders and a when-to-use line', () => {
    const names = registry.list().map((fn) => fn.spec.name);
    expect(names.length).toBeGreaterThan(60);
    const missing = names.filter((name) => !EXPLANATIONS[name]);
    expect(missing).toEqual([]);
    for (const [name, e] of Object.entries(EXPLANATIONS)) {
      expect(() => formulaHtml(e.tex), name).not.toThrow();
      expect(e.when.length, name).toBeGreaterThan(20);
      if (e.preset) expect(presetById(e.preset), `${name} → ${e.preset}`).toBeDefined();
    }
  });

  it('every preset names registered, trainable losses (per-label ones under multi-label)', () => {
    for (const preset of PRESETS) {
      const state = parseState(new URLSearchParams(preset.params));
      for (const name of state.losses) {
        const fn = byName(name);
        expect(fn.spec.family).toBe(state.family);
        const plan = planInputs(fn.spec);
        expect(plan.supported, name).toBe(true);
        if (state.scenario.multiLabel && plan.supported)
          expect(multiLabelReady(name, plan.roles), name).toBe(true);
      }
      // Each preset's losses point back to it (the card's link loads this comparison).
      expect(
        state.losses.some((name) => EXPLANATIONS[name]?.preset === preset.id),
        preset.id,
      ).toBe(true);
    }
    expect(multiLabelReady('crossEntropyLoss', ['logits', 'labels'])).toBe(false);
  });
});

describe('adapters for the losses that were greyed out', () => {
  it('AnyLoss and the binary losses train on flattened one-vs-rest (and multi-label) targets', async () => {
    for (const [name, multiLabel] of [
      ['anyLoss', false],
      ['anyLoss', true],
      ['binaryCrossEntropyLoss', true],
      ['hingeLoss', false],
    ] as const) {
      const { run, plan, before } = await train(name, {}, multiLabel);
      expect(plan.supported && plan.roles).toEqual(['binaryLogits', 'binaryTargets']);
      expect(run.losses.every(Number.isFinite), name).toBe(true);
      if (multiLabel) expect(run.evaluations.at(-1)!.f1).toBeGreaterThanOrEqual(0);
      run.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('CoSENT, AnglE and CosineSimilarity train on scored pairs (related and unrelated)', async () => {
    for (const name of ['cosentLoss', 'angleLoss', 'cosineSimilarityLoss']) {
      const { run, plan, before } = await train(name);
      expect(plan.supported && plan.roles, name).toEqual(['pairFirst', 'pairSecond', 'pairScores']);
      // CoSENT and AnglE are exactly 0 when every gold score is equal: the pairs hold both kinds.
      expect(
        run.losses.every((v) => Number.isFinite(v) && v > 0),
        name,
      ).toBe(true);
      expect(run.evaluations.at(-1)!.meanAp, name).toBeGreaterThan(0);
      run.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('adversarial comp-sum gets the run’s model and its inputs', async () => {
    const { run, before } = await train('adversarialCompSumLoss', { steps: 2 });
    expect(run.losses).toHaveLength(4);
    expect(run.losses.every(Number.isFinite)).toBe(true);
    run.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('ALDR-KL gets a per-example λ state over the training rows, which it updates', async () => {
    const { run, before } = await train('aldrKlLoss');
    const lambdas = run.state!.lambdas.dataSync();
    expect(lambdas).toHaveLength(spirals().train.count);
    // Rows drawn in the 4 batches moved away from λ₀ = 1; the others did not.
    const moved = Array.from(lambdas).filter((v) => Math.abs(v - 1) > 1e-6).length;
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThanOrEqual(4 * 16);
    run.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('SoftTriple and sub-center ArcFace get [C·K, D] class weights', async () => {
    // With [C, D] = [3, D] weights, K = 4 would not divide the rows: the loss throws SHAPE_MISMATCH.
    for (const [name, option] of [
      ['softTripleLoss', 'centersPerClass'],
      ['subCenterArcFaceLoss', 'subCenters'],
    ] as const) {
      const { run, before } = await train(name, { [option]: 4 });
      expect(run.status, `${name}: ${run.error}`).toBe('done');
      run.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});

describe('teacher strength', () => {
  it("sparseKdLoss gets the teacher's top-3 ids and log-probabilities", async () => {
    const data = applyScenario(spirals(7, 5), 'distillation', CLEAN, 1);
    const teacher = await trainTeacher(data, { ...config, learningRate: 0.02 }, 20, () => {});
    const loss = byName('sparseKdLoss');
    const plan = planInputs(loss.spec);
    if (!plan.supported) throw new Error(plan.reason);
    expect(plan.roles).toEqual(['student', 'teacherTopIds', 'teacherTopLogProbs']);
    expect(probeLoss(loss, plan)).toBeUndefined();
    const seen: { ids: Int32Array; logp: Float32Array; shape: number[] }[] = [];
    const spy = Object.assign(
      (student: tf.Tensor, ids: tf.Tensor, logp: tf.Tensor, options: object) => {
        seen.push({
          ids: ids.dataSync() as Int32Array,
          logp: logp.dataSync() as Float32Array,
          shape: ids.shape,
        });
        return loss(student, ids, logp, options);
      },
      { spec: loss.spec },
    ) as unknown as AnyLossFn;
    const before = tf.memory().numTensors;
    const run = new Run(spy, {}, plan, 'distillation', data, config, teacher);
    while (!run.finished) await run.trainStep();
    expect(run.losses.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    run.dispose();
    expect(tf.memory().numTensors).toBe(before);
    for (const { ids, logp, shape } of seen) {
      expect(shape).toEqual([config.batchSize, 3]);
      for (let r = 0; r < shape[0]!; r++) {
        const row = Array.from(ids.slice(3 * r, 3 * r + 3));
        expect(new Set(row).size).toBe(3);
        expect(row.every((c) => c >= 0 && c < 5)).toBe(true);
        const lp = Array.from(logp.slice(3 * r, 3 * r + 3));
        expect(lp[0]!).toBeGreaterThanOrEqual(lp[1]!);
        expect(lp[1]!).toBeGreaterThanOrEqual(lp[2]!);
        // Top 3 of 5 classes: less than the whole mass, the rest is the tail bucket.
        expect(lp.reduce((a, v) => a + Math.exp(v), 0)).toBeLessThan(1);
      }
    }
    teacher.model.dispose();
  }, 60_000);

  it('stops the teacher at its target accuracy and keeps its temperature', async () => {
    const data = spirals();
    const full = await trainTeacher(data, { ...config, learningRate: 0.02 }, 200, () => {});
    const weak = await trainTeacher(data, { ...config, learningRate: 0.02 }, 200, () => {}, undefined, {
      targetAccuracy: 0.5,
      temperature: 2,
    });
    expect(full.steps).toBe(200);
    expect(weak.steps).toBeLessThan(200);
    expect(weak.steps % 5).toBe(0);
    expect(weak.accuracy).toBeGreaterThanOrEqual(0.5);
    expect(weak.accuracy).toBeLessThan(full.accuracy);
    expect(weak.temperature).toBe(2);
    full.model.dispose();
    weak.model.dispose();
  }, 60_000);
});
