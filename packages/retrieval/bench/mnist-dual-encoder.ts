// Dual encoder on real MNIST: a query is one image, its relevant documents are the gallery images of
// the same digit. Trains a shared 784-128-32 MLP tower with InfoNCE or the MW loss, with and without
// mined hard negatives, over 3 seeds, and reports pooled ROC-AUC, per-query AUC, recall@10, nDCG@10
// and MRR@10 on held-out test images. Run: npx tsx packages/retrieval/bench/mnist-dual-encoder.ts
import * as tfjs from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { machineLine } from '@xent/bench';
import { cosineSimilarity } from '@xent/core';
import { loadMnist, MNIST_PIXELS } from '@xent/datasets';
import { useBackend } from '@xent/testing';
import { infoNceLoss, mineHardNegatives, mrrAtK, mwLoss, ndcgAtK, recallAtK, rocAuc } from '../src/index.js';
import { createRandom } from '../src/internal/random.js';

const TRAIN = Number(process.env.TRAIN ?? 10_000);
const STEPS = Number(process.env.STEPS ?? 600);
const QUERIES = Number(process.env.QUERIES ?? 500);
const GALLERY = Number(process.env.GALLERY ?? 2000);
const SEEDS = (process.env.SEEDS ?? '1,2,3').split(',').map(Number);
const SCALE = Number(process.env.SCALE ?? 20);
const HARD = 2; // mined hard negatives per query
const REFRESH = 50; // steps between re-embeddings of the mining pool (ANCE-style stale index)
const POOL = 5000; // training images the miner searches

interface Tower {
  readonly variables: tf.Variable[];
  embed(x: tf.Tensor): tf.Tensor;
}

function tower(seed: number): Tower {
  const glorot = (fanIn: number, fanOut: number, s: number) =>
    tf.variable(
      tf.tidy(() =>
        tf.mul(tf.randomUniform([fanIn, fanOut], -1, 1, 'float32', s), Math.sqrt(6 / (fanIn + fanOut))),
      ),
    );
  const w1 = glorot(MNIST_PIXELS, 128, seed * 10 + 1);
  const b1 = tf.variable(tf.zeros([128]));
  const w2 = glorot(128, 32, seed * 10 + 2);
  const b2 = tf.variable(tf.zeros([32]));
  return {
    variables: [w1, b1, w2, b2],
    embed: (x) => tf.tidy(() => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2)),
  };
}

type Method = 'infoNce' | 'mw' | 'infoNce + mined' | 'mw + mined';

interface Result {
  auc: number;
  perQueryAuc: number;
  recall10: number;
  ndcg10: number;
  mrr10: number;
  seconds: number;
}

type Data = ReturnType<typeof prepare>;

async function run(method: Method, seed: number, data: Data): Promise<Result> {
  const start = performance.now();
  const model = tower(seed);
  const optimizer = tfjs.train.adam(1e-3);
  const next = createRandom(seed * 7919 + method.length);
  const mined = method.endsWith('mined');
  const pool = data.gather(Array.from({ length: POOL }, (_, i) => i));
  const poolLabels = Array.from(data.trainLabels.subarray(0, POOL));
  const sameDigit = Array.from({ length: 10 }, (_, d) => poolLabels.flatMap((l, i) => (l === d ? [i] : [])));
  let poolEmb: tf.Tensor | undefined;
  for (let step = 0; step < STEPS; step++) {
    // One query and one positive per digit: no false negatives inside the batch.
    const q: number[] = [];
    const p: number[] = [];
    for (let d = 0; d < 10; d++) {
      const members = data.byDigit[d]!;
      const a = members[Math.floor(next() * members.length)]!;
      let b = a;
      while (b === a) b = members[Math.floor(next() * members.length)]!;
      q.push(a);
      p.push(b);
    }
    let hard: tf.Tensor | undefined;
    if (mined) {
      if (step % REFRESH === 0) {
        poolEmb?.dispose();
        poolEmb = model.embed(pool);
      }
      const queryEmb = tf.tidy(() => model.embed(data.gather(q)));
      const positives = q.map((i) => sameDigit[data.trainLabels[i]!]!);
      const { indices } = await mineHardNegatives(queryEmb, poolEmb!, positives, { numNegatives: HARD });
      queryEmb.dispose();
      hard = tf.tidy(() => tf.gather(pool, tf.tensor1d(indices.flat(), 'int32')));
    }
    const queries = data.gather(q);
    const docs = data.gather(p);
    optimizer.minimize(
      () => {
        const qe = model.embed(queries);
        const de = model.embed(docs);
        const he = hard ? model.embed(hard) : undefined;
        if (method.startsWith('infoNce')) {
          return infoNceLoss(qe, de, { scale: SCALE, hardNegatives: he, validate: false }) as tf.Scalar;
        }
        const candidates = he ? tf.concat([de, he]) : de;
        const mask = tf.concat([tf.eye(10), tf.zeros([10, candidates.shape[0]! - 10])], 1);
        return mwLoss(cosineSimilarity(qe, candidates), mask, { scale: SCALE, validate: false }) as tf.Scalar;
      },
      false,
      model.variables,
    );
    tf.dispose([queries, docs, hard as tf.Tensor]);
  }
  poolEmb?.dispose();
  pool.dispose();
  // Evaluation on held-out test images: queries vs a disjoint gallery.
  const scores = tf.tidy(() =>
    cosineSimilarity(model.embed(data.testQueries), model.embed(data.testGallery)),
  );
  const scoreRows = (await scores.array()) as number[][];
  scores.dispose();
  const result: Result = {
    auc: rocAuc(scoreRows, data.relevance),
    perQueryAuc: rocAuc(scoreRows, data.relevance, { pairing: 'perQuery' }),
    recall10: recallAtK(scoreRows, data.relevance, { k: 10 }),
    ndcg10: ndcgAtK(scoreRows, data.relevance, { k: 10 }),
    mrr10: mrrAtK(scoreRows, data.relevance, { k: 10 }),
    seconds: (performance.now() - start) / 1000,
  };
  tf.dispose(model.variables);
  optimizer.dispose();
  return result;
}

function prepare() {
  const train = loadMnist('train', TRAIN);
  const test = loadMnist('test', QUERIES + GALLERY);
  const byDigit = Array.from({ length: 10 }, (_, d) =>
    Array.from(train.labels).flatMap((l, i) => (l === d ? [i] : [])),
  );
  const trainTensor = tf.tensor2d(train.images, [train.count, MNIST_PIXELS]);
  const testQueries = tf.tensor2d(test.images.subarray(0, QUERIES * MNIST_PIXELS), [QUERIES, MNIST_PIXELS]);
  const testGallery = tf.tensor2d(test.images.subarray(QUERIES * MNIST_PIXELS), [GALLERY, MNIST_PIXELS]);
  const relevance = Array.from({ length: QUERIES }, (_, i) =>
    Array.from({ length: GALLERY }, (_, j) => (test.labels[i] === test.labels[QUERIES + j] ? 1 : 0)),
  );
  return {
    trainLabels: train.labels,
    byDigit,
    gather: (indices: number[]) => tf.tidy(() => tf.gather(trainTensor, tf.tensor1d(indices, 'int32'))),
    testQueries,
    testGallery,
    relevance,
  };
}

const stats = (values: number[]) => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(values.length - 1, 1));
  return `${mean.toFixed(4)} ± ${sd.toFixed(4)}`;
};

async function main() {
  await useBackend('wasm');
  const data = prepare();
  const relevantCounts = data.relevance.map((row) => row.filter((r) => r > 0).length);
  const maxRecall = relevantCounts.reduce((acc, r) => acc + Math.min(10, r) / r, 0) / relevantCounts.length;
  console.log(machineLine());
  console.log(
    `train pool ${TRAIN} images, ${STEPS} steps × 10 pairs (one per digit), ${HARD} mined negatives/query from ${POOL} images ` +
      `(pool re-embedded every ${REFRESH} steps), scale ${SCALE}, Adam 1e-3; eval ${QUERIES} test queries × ${GALLERY} test gallery; ` +
      `best possible recall@10 = ${maxRecall.toFixed(4)}`,
  );
  const methods = (process.env.METHODS?.split(',') ?? [
    'infoNce',
    'mw',
    'infoNce + mined',
    'mw + mined',
  ]) as Method[];
  const rows: string[] = [
    '| method | ROC-AUC (pooled) | ROC-AUC (per query) | recall@10 | nDCG@10 | MRR@10 | s/run |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const method of methods) {
    const results: Result[] = [];
    for (const seed of SEEDS) {
      const r = await run(method, seed, data);
      console.log(method, seed, JSON.stringify(r));
      results.push(r);
    }
    const col = (key: keyof Result) => stats(results.map((r) => r[key]));
    rows.push(
      `| ${method} | ${col('auc')} | ${col('perQueryAuc')} | ${col('recall10')} | ${col('ndcg10')} | ${col('mrr10')} | ${col('seconds')} |`,
    );
  }
  console.log(`\n${rows.join('\n')}`);
}

await main();
