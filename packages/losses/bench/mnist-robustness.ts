// Real-data check of the robust-loss claims: the same 784-128-10 MLP trained on MNIST with several
// losses, clean and with 40% symmetric label noise, 3 seeds; test accuracy and 15-bin ECE.
//
//   NODE_OPTIONS=--conditions=@xent/source npx tsx packages/losses/bench/mnist-robustness.ts [trainSize] [epochs] [batch] [noiseRates] [losses]
//
// Defaults: the first 12 000 training images, 3 epochs, batch 256, Adam lr 2e-3, full 10 000-image
// test set, wasm backend. Prints markdown tables (mean ± std over seeds) for BENCHMARKS.
import * as tf from '@tensorflow/tfjs';
import { machineLine } from '@xent/bench';
import { loadMnist, MNIST_PIXELS, type MnistSplit, withSymmetricNoise } from '@xent/datasets';
import { seededRandom, useBackend } from '@xent/testing';
import {
  activePassiveLoss,
  crossEntropyLoss,
  focalLoss,
  gceLoss,
  ldrKlLoss,
  polyLoss,
  squentropyLoss,
} from '../src/index.js';

type Loss = (logits: tf.Tensor, labels: tf.Tensor) => tf.Tensor;
const fast = { validate: false } as const;
const losses: Record<string, Loss> = {
  CE: (z, y) => crossEntropyLoss(z, y, fast),
  'GCE (q = 0.7)': (z, y) => gceLoss(z, y, fast),
  'NCE+RCE (α = β = 1)': (z, y) => activePassiveLoss(z, y, { ...fast, active: 'nce', passive: 'rce' }),
  'LDR-KL (λ = 1, margin 2)': (z, y) => ldrKlLoss(z, y, fast),
  'focal (γ = 2)': (z, y) => focalLoss(z, y, { ...fast, gamma: 2 }),
  'poly-1 (ε = 2)': (z, y) => polyLoss(z, y, { ...fast, epsilon: 2 }),
  squentropy: (z, y) => squentropyLoss(z, y, fast),
};

const trainSize = Number(process.argv[2] ?? 12000);
const epochs = Number(process.argv[3] ?? 3);
const batchSize = Number(process.argv[4] ?? 256);
const seeds = [1, 2, 3];
const noiseRates = (process.argv[5] ?? '0,0.4').split(',').map(Number);
/** Optional comma list of loss names (the first word of each table name: CE, GCE, NCE+RCE, …). */
const only = process.argv[6]?.split(',');
const BINS = 15;
const LEARNING_RATE = 2e-3;

interface Model {
  readonly variables: tf.Variable[];
  readonly apply: (x: tf.Tensor) => tf.Tensor;
}

function glorot(shape: [number, number], seed: number): tf.Variable {
  const limit = Math.sqrt(6 / (shape[0] + shape[1]));
  return tf.variable(tf.randomUniform(shape, -limit, limit, 'float32', seed));
}

function mlp(seed: number): Model {
  const w1 = glorot([MNIST_PIXELS, 128], seed * 2);
  const b1 = tf.variable(tf.zeros([128]));
  const w2 = glorot([128, 10], seed * 2 + 1);
  const b2 = tf.variable(tf.zeros([10]));
  return {
    variables: [w1, b1, w2, b2],
    apply: (x) => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2),
  };
}

function train(model: Model, loss: Loss, images: tf.Tensor2D, labels: tf.Tensor1D, seed: number): void {
  const optimizer = tf.train.adam(LEARNING_RATE);
  const random = seededRandom(seed * 7919);
  const order = Array.from({ length: images.shape[0] }, (_, i) => i);
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (let start = 0; start < order.length; start += batchSize) {
      tf.tidy(() => {
        const index = tf.tensor1d(order.slice(start, start + batchSize), 'int32');
        const x = tf.gather(images, index);
        const y = tf.gather(labels, index);
        optimizer.minimize(() => loss(model.apply(x), y) as tf.Scalar, false, model.variables);
      });
    }
  }
  optimizer.dispose();
}

/** Test accuracy and expected calibration error (15 equal-width confidence bins). */
async function evaluate(model: Model, images: tf.Tensor2D, labels: Int32Array) {
  const probs = tf.tidy(() => tf.softmax(model.apply(images)));
  const [confidence, predicted] = tf.tidy(() => [tf.max(probs, -1), tf.argMax(probs, -1)]);
  const conf = await confidence!.data();
  const pred = await predicted!.data();
  tf.dispose([probs, confidence!, predicted!]);
  const count = new Array<number>(BINS).fill(0);
  const correctIn = new Array<number>(BINS).fill(0);
  const confIn = new Array<number>(BINS).fill(0);
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    const hit = pred[i] === labels[i] ? 1 : 0;
    correct += hit;
    const bin = Math.min(BINS - 1, Math.floor(conf[i]! * BINS));
    count[bin]!++;
    correctIn[bin]! += hit;
    confIn[bin]! += conf[i]!;
  }
  let ece = 0;
  for (let b = 0; b < BINS; b++) {
    if (count[b]! > 0) ece += Math.abs(correctIn[b]! - confIn[b]!) / labels.length;
  }
  return { accuracy: correct / labels.length, ece };
}

const meanStd = (xs: number[], scale = 100) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length - 1));
  return `${(mean * scale).toFixed(2)} ± ${(std * scale).toFixed(2)}`;
};

async function main(): Promise<void> {
  if (!(await useBackend('wasm'))) throw new Error('wasm backend unavailable');
  const started = performance.now();
  console.log(machineLine());
  const trainSplit = loadMnist('train', trainSize);
  const testSplit = loadMnist('test');
  const testImages = tf.tensor2d(testSplit.images, [testSplit.count, MNIST_PIXELS]);
  const trainImages = tf.tensor2d(trainSplit.images, [trainSplit.count, MNIST_PIXELS]);
  const results: Record<string, Record<number, { accuracy: number[]; ece: number[] }>> = {};
  for (const rate of noiseRates) {
    for (const seed of seeds) {
      const split: MnistSplit = rate === 0 ? trainSplit : withSymmetricNoise(trainSplit, rate, seed);
      const labels = tf.tensor1d(split.labels, 'int32');
      for (const [name, loss] of Object.entries(losses)) {
        if (only && !only.includes(name.split(' ')[0]!)) continue;
        const t0 = performance.now();
        const model = mlp(seed);
        train(model, loss, trainImages, labels, seed);
        const { accuracy, ece } = await evaluate(model, testImages, testSplit.labels);
        tf.dispose(model.variables);
        results[name] ??= {};
        const byRate = results[name]!;
        byRate[rate] ??= { accuracy: [], ece: [] };
        const entry = byRate[rate]!;
        entry.accuracy.push(accuracy);
        entry.ece.push(ece);
        console.error(
          `noise ${rate} seed ${seed} ${name}: acc ${(accuracy * 100).toFixed(2)}%, ECE ${(ece * 100).toFixed(2)}% (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
        );
      }
      labels.dispose();
    }
  }
  const label = (rate: number) => (rate === 0 ? 'clean' : `${rate * 100}% noise`);
  const header = `| loss | ${noiseRates.map((r) => `${label(r)} acc % | ${label(r)} ECE %`).join(' | ')} |`;
  const rows = Object.entries(results).map(([name, byRate]) => {
    const cells = noiseRates.map((r) => `${meanStd(byRate[r]!.accuracy)} | ${meanStd(byRate[r]!.ece)}`);
    return `| ${name} | ${cells.join(' | ')} |`;
  });
  console.log(
    [
      `MNIST ${trainSize} train images (first ${trainSize} of the 60k), ${epochs} epochs, batch ${batchSize}, Adam ${LEARNING_RATE},`,
      `784-128-10 ReLU MLP (same Glorot init per seed for every loss), seeds ${seeds.join(', ')}, test on all 10 000;`,
      'symmetric noise: each training label replaced with probability 0.4 by a uniformly drawn other class.',
      '',
      header,
      `|---|${noiseRates.map(() => '---|---').join('|')}|`,
      ...rows,
      '',
      `Total ${((performance.now() - started) / 1000).toFixed(0)} s.`,
    ].join('\n'),
  );
  tf.dispose([trainImages, testImages]);
}

await main();
