import * as tf from '@tensorflow/tfjs';
import { expectCloseAsync, gradCheckAsync, randomInts, randomNormal } from '@xent/testing';
import { describeBackends } from '@xent/testing/vitest';
import { expect, it } from 'vitest';
import {
  angularLoss,
  arcFaceLoss,
  contrastiveLoss,
  fastApLoss,
  generalizedLiftedStructureLoss,
  histogramLoss,
  instanceLoss,
  intraPairVarianceLoss,
  liftedStructureLoss,
  metrixMultiSimilarityLoss,
  multiSimilarityLoss,
  ncaLoss,
  softTripleLoss,
  supConLoss,
  tcmLoss,
  tripletMarginLoss,
} from '../src/index.js';
import pml from './fixtures/pml-classification.json';
import pmlInstance from './fixtures/pml-instance-histogram.json';
import pmlPairs from './fixtures/pml-pair-losses.json';
import pmlRef from './fixtures/pml-reference-sets.json';
import { contrastiveRef, metrixMsRef, msRef, supConRef, tcmRef, tripletRef } from './reference.js';

const x = randomNormal([5, 3], 7) as number[][];
const labels = [0, 0, 1, 1, 2];

// A few tiny cases per backend, with asynchronous reads only (WebGPU in Node cannot read synchronously).
describeBackends(['wasm', 'webgpu'], () => {
  it('triplet (blocked all-triplet path), contrastive, multi-similarity, TCM, SupCon match the loops', async () => {
    await expectCloseAsync(
      tripletMarginLoss(x, labels, { margin: 0.3 }),
      tripletRef(x, labels, { margin: 0.3 }),
    );
    await expectCloseAsync(contrastiveLoss(x, labels), contrastiveRef(x, labels));
    await expectCloseAsync(multiSimilarityLoss(x, labels), msRef(x, labels));
    await expectCloseAsync(tcmLoss(x, labels, { marginMinus: 0 }), tcmRef(x, labels, { marginMinus: 0 }));
    await expectCloseAsync(supConLoss(x, labels), supConRef(x, labels));
  });
  it('gradients of the triplet and multi-similarity losses', async () => {
    await gradCheckAsync({
      fn: (e) => tripletMarginLoss(e, labels, { margin: 0.3, swap: true }),
      reference: (e) => tripletRef(e, labels, { margin: 0.3, swap: true }),
      at: [x],
    });
    await gradCheckAsync({
      fn: (e) => multiSimilarityLoss(e, labels, { beta: 10 }),
      reference: (e) => msRef(e, labels, { beta: 10 }),
      at: [x],
    });
  });
  it('Metrix multi-similarity (paired similarities, per-anchor sums) matches its loop, with gradients', async () => {
    const mixed = randomNormal([6, 3], 8) as number[][];
    const anchors = [0, 0, 1, 3, 3, 4];
    const targets = [0.2, 1, 0.6, 0, 0.5, 0.9];
    await expectCloseAsync(
      metrixMultiSimilarityLoss(x, mixed, anchors, targets),
      metrixMsRef(x, mixed, anchors, targets),
    );
    await gradCheckAsync({
      fn: (e, u) => metrixMultiSimilarityLoss(e, u, anchors, targets, { beta: 10 }),
      reference: (e, u) => metrixMsRef(e as number[][], u as number[][], anchors, targets, { beta: 10 }),
      at: [x, mixed],
    });
  });
  it('ArcFace and SoftTriple match PML (values, gradients w.r.t. embeddings and class weights)', async () => {
    const cases = [
      [arcFaceLoss, pml.classWeights, { scale: 8 }, pml.cases.arcFace],
      [softTripleLoss, pml.subCenterWeights, { centersPerClass: 3, la: 5 }, pml.cases.softTriple],
    ] as const;
    for (const [loss, weights, options, expected] of cases) {
      const call = (e: tf.Tensor, w: tf.Tensor) =>
        (loss as (...args: unknown[]) => tf.Tensor)(e, pml.labels, w, { ...options, validate: false });
      const [ge, gw] = tf.grads(call)([tf.tensor(pml.embeddings), tf.tensor(weights)]);
      await expectCloseAsync(call(tf.tensor(pml.embeddings), tf.tensor(weights)), expected.loss, {
        rtol: 1e-4,
      });
      await expectCloseAsync(ge!, expected.gradEmbeddings, { atol: 1e-4, rtol: 1e-4 });
      await expectCloseAsync(gw!, expected.gradClassWeights, { atol: 1e-4, rtol: 1e-4 });
    }
  });
  it('lifted structure (both), NCA, angular, intra-pair variance, FastAP match PML', async () => {
    const cases = [
      [liftedStructureLoss, pmlPairs.cases.liftedStructure],
      [generalizedLiftedStructureLoss, pmlPairs.cases.generalizedLiftedStructure],
      [ncaLoss, pmlPairs.cases.nca],
      [intraPairVarianceLoss, pmlPairs.cases.intraPairVariance],
      [fastApLoss, pmlPairs.cases.fastAp],
      [angularLoss, pmlPairs.cases.angular],
    ] as const;
    for (const [loss, expected] of cases) {
      const data = loss === angularLoss ? pmlPairs.unitEmbeddings : pmlPairs.embeddings;
      const f = (e: tf.Tensor) =>
        (loss as (...args: unknown[]) => tf.Tensor)(e, pmlPairs.labels, { validate: false });
      await expectCloseAsync(f(tf.tensor(data)), expected.loss, { atol: 1e-5, rtol: 1e-4 });
      if (loss !== angularLoss)
        await expectCloseAsync(tf.grad(f)(tf.tensor(data)), expected.grad, { atol: 1e-5, rtol: 1e-4 });
    }
  });
  it('instance and histogram losses (scatter-add histograms) and NCA on a reference set match PML', async () => {
    for (const name of ['instanceGamma8', 'histogram10'] as const) {
      const expected = pmlInstance.cases[name];
      const loss = (name === 'histogram10' ? histogramLoss : instanceLoss) as (
        ...args: unknown[]
      ) => tf.Tensor;
      const f = (e: tf.Tensor) => loss(e, expected.labels, { ...expected.options, validate: false });
      await expectCloseAsync(f(tf.tensor(pmlInstance.embeddings)), expected.loss, { atol: 1e-5, rtol: 1e-4 });
      await expectCloseAsync(tf.grad(f)(tf.tensor(pmlInstance.embeddings)), expected.grad, {
        atol: 1e-5,
        rtol: 1e-4,
      });
    }
    const nca = (q: tf.Tensor) =>
      ncaLoss(q, pmlRef.queryLabels, {
        softmaxScale: 2,
        refEmbeddings: pmlRef.reference,
        refLabels: pmlRef.referenceLabels,
        validate: false,
      });
    await expectCloseAsync(nca(tf.tensor(pmlRef.queries)), pmlRef.losses.nca.loss, {
      atol: 1e-5,
      rtol: 1e-4,
    });
    await expectCloseAsync(tf.grad(nca)(tf.tensor(pmlRef.queries)), pmlRef.losses.nca.gradQueries, {
      atol: 1e-5,
      rtol: 1e-4,
    });
  });
  it('no positive pairs: 0 with a zero gradient, no NaN', async () => {
    const distinct = [0, 1, 2, 3, 4];
    await expectCloseAsync(tripletMarginLoss(x, distinct), 0);
    const g = tf.grad((e: tf.Tensor) => multiSimilarityLoss(e, distinct))(tf.tensor(x));
    await expectCloseAsync(g, tf.zeros([5, 3]));
  });
});

describeBackends(['wasm'], () => {
  it('all-triplet path at B = 512 stays far below a B³ tensor (tf.profile peak)', async () => {
    const size = 512;
    const e = tf.tensor(randomNormal([size, 16], 9) as number[][]);
    const y = tf.tensor1d(randomInts(size, 8, 9), 'int32');
    const profile = await tf.profile(() => {
      const g = tf.grad((t: tf.Tensor) => tripletMarginLoss(t, y, { validate: false }))(e);
      return g;
    });
    const dense = size ** 3 * 4;
    expect(profile.peakBytes).toBeLessThan(dense / 2);
    tf.dispose([e, y, profile.result as tf.Tensor]);
  });
});
