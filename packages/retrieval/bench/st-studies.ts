// Issue 14's studies, one per STUDY (all by default):
//  matryoshka — MNIST dual encoder trained with infoNceLoss vs matryoshkaLoss(infoNceLoss): retrieval
//               quality of the embeddings truncated to each dimension, 3 seeds;
//  duplicates — a batch stream with several images of the same digit as separate queries: plain
//               InfoNCE (same-digit docs are negatives) vs duplicate-aware InfoNCE (queryIds), hit@1
//               on held-out data and the share of in-batch negatives that were false negatives;
//  speed      — forward+backward time of the new losses at B=512, D=384 against one B×B matmul
//               fwd+bwd, and the memory of cachedContrastive(matryoshkaLoss(…)) vs plain autodiff.
// Run: STUDY=matryoshka npx tsx --conditions=@xent/source packages/retrieval/bench/st-studies.ts
import * as tfjs from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs-core';
import { machineLine, peakMemory, ratioTable, time } from '@xent/bench';
import { cosineSimilarity, matMulBT, seededRandom } from '@xent/core';
import { loadMnist, MNIST_PIXELS } from '@xent/datasets';
import { useBackend } from '@xent/testing';
import {
  cachedContrastive,
  cosentLoss,
  gistEmbedLoss,
  infoNceLoss,
  lambdaLoss,
  matryoshkaLoss,
  megaBatchMarginLoss,
  mrrAtK,
  ndcgAtK,
} from '../src/index.js';

const STEPS = Number(process.env.STEPS ?? 300);
const SEEDS = (process.env.SEEDS ?? '1,2,3').split(',').map(Number);
const QUERIES = Number(process.env.QUERIES ?? 200);
const GALLERY = Number(process.env.GALLERY ?? 1000);
const DIM = 64;
const DIMS = [64, 32, 16, 8];

function tower(seed: number, out = DIM) {
  const glorot = (fanIn: number, fanOut: number, s: number) =>
    tf.variable(
      tf.tidy(() =>
        tf.mul(tf.randomUniform([fanIn, fanOut], -1, 1, 'float32', s), Math.sqrt(6 / (fanIn + fanOut))),
      ),
    );
  const w1 = glorot(MNIST_PIXELS, 128, seed * 10 + 1);
  const b1 = tf.variable(tf.zeros([128]));
  const w2 = glorot(128, out, seed * 10 + 2);
  const b2 = tf.variable(tf.zeros([out]));
  return {
    variables: [w1, b1, w2, b2],
    embed: (x: tf.Tensor) => tf.tidy(() => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2)),
  };
}

function prepare() {
  const train = loadMnist('train', 10_000);
  const test = loadMnist('test', QUERIES + GALLERY);
  const byDigit = Array.from({ length: 10 }, (_, d) =>
    Array.from(train.labels).flatMap((l, i) => (l === d ? [i] : [])),
  );
  const trainTensor = tf.tensor2d(train.images, [train.count, MNIST_PIXELS]);
  return {
    labels: train.labels,
    byDigit,
    gather: (indices: number[]) => tf.tidy(() => tf.gather(trainTensor, tf.tensor1d(indices, 'int32'))),
    testQueries: tf.tensor2d(test.images.subarray(0, QUERIES * MNIST_PIXELS), [QUERIES, MNIST_PIXELS]),
    testGallery: tf.tensor2d(test.images.subarray(QUERIES * MNIST_PIXELS), [GALLERY, MNIST_PIXELS]),
    queryLabels: Array.from(test.labels.subarray(0, QUERIES)),
    galleryLabels: Array.from(test.labels.subarray(QUERIES)),
  };
}
type Data = ReturnType<typeof prepare>;

const stats = (values: number[]) => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(values.length - 1, 1));
  return `${mean.toFixed(4)} ± ${sd.toFixed(4)}`;
};

// Quality of the first `dim` dimensions on held-out test images.
async function evaluate(model: ReturnType<typeof tower>, data: Data, dim: number) {
  const scores = tf.tidy(() => {
    const q = tf.slice(model.embed(data.testQueries), [0, 0], [-1, dim]);
    const g = tf.slice(model.embed(data.testGallery), [0, 0], [-1, dim]);
    return cosineSimilarity(q, g);
  });
  const rows = (await scores.array()) as number[][];
  scores.dispose();
  const relevance = data.queryLabels.map((l) => data.galleryLabels.map((m) => (l === m ? 1 : 0)));
  const hit1 =
    rows.reduce((acc, row, i) => {
      let best = 0;
      for (let j = 1; j < row.length; j++) if (row[j]! > row[best]!) best = j;
      return acc + (data.galleryLabels[best] === data.queryLabels[i] ? 1 : 0);
    }, 0) / rows.length;
  return { hit1, ndcg10: ndcgAtK(rows, relevance, { k: 10 }), mrr10: mrrAtK(rows, relevance, { k: 10 }) };
}

async function matryoshkaStudy(data: Data) {
  console.log(
    `\n## matryoshka: ${STEPS} Adam steps (1e-3), batches of 10 pairs (one per digit), 784-128-${DIM} tower, InfoNCE scale 20; eval ${QUERIES}×${GALLERY} test images`,
  );
  const loss = (q: tf.Tensor, d: tf.Tensor) => infoNceLoss(q, d, { scale: 20, validate: false });
  const methods = { plain: loss, matryoshka: matryoshkaLoss(loss, { dims: DIMS }) };
  const table: string[] = ['| trained with | dim | hit@1 | nDCG@10 | MRR@10 |', '|---|---|---|---|---|'];
  for (const [name, fn] of Object.entries(methods)) {
    const perDim = new Map<number, { hit1: number; ndcg10: number; mrr10: number }[]>();
    for (const seed of SEEDS) {
      const model = tower(seed);
      const optimizer = tfjs.train.adam(1e-3);
      const next = seededRandom(seed * 7919);
      for (let step = 0; step < STEPS; step++) {
        const q: number[] = [];
        const p: number[] = [];
        for (let digit = 0; digit < 10; digit++) {
          const members = data.byDigit[digit]!;
          q.push(members[Math.floor(next() * members.length)]!);
          p.push(members[Math.floor(next() * members.length)]!);
        }
        const [xq, xp] = [data.gather(q), data.gather(p)];
        optimizer.minimize(() => fn(model.embed(xq), model.embed(xp)) as tf.Scalar, false, model.variables);
        tf.dispose([xq, xp]);
      }
      for (const dim of DIMS) {
        const r = await evaluate(model, data, dim);
        perDim.set(dim, [...(perDim.get(dim) ?? []), r]);
      }
      tf.dispose(model.variables);
      optimizer.dispose();
    }
    for (const dim of DIMS) {
      const rs = perDim.get(dim)!;
      table.push(
        `| ${name} | ${dim} | ${stats(rs.map((r) => r.hit1))} | ${stats(rs.map((r) => r.ndcg10))} | ${stats(rs.map((r) => r.mrr10))} |`,
      );
    }
  }
  console.log(table.join('\n'));
}

async function duplicatesStudy(data: Data) {
  const batch = 16;
  console.log(
    `\n## duplicates: ${STEPS} Adam steps (1e-3), batches of ${batch} pairs with digits drawn at random (so several queries share a digit), 784-128-${DIM} tower, InfoNCE scale 20`,
  );
  const table: string[] = [
    '| loss | in-batch negatives that were false (training stream) | hit@1 | nDCG@10 | MRR@10 |',
    '|---|---|---|---|---|',
  ];
  for (const mode of ['plain', 'queryIds (mask)', 'queryIds (positive)'] as const) {
    const results: { hit1: number; ndcg10: number; mrr10: number; falseNeg: number }[] = [];
    for (const seed of SEEDS) {
      const model = tower(seed);
      const optimizer = tfjs.train.adam(1e-3);
      const next = seededRandom(seed * 104729);
      let negatives = 0;
      let falseNegatives = 0;
      for (let step = 0; step < STEPS; step++) {
        const digits = Array.from({ length: batch }, () => Math.floor(next() * 10));
        const q = digits.map((d) => data.byDigit[d]![Math.floor(next() * data.byDigit[d]!.length)]!);
        const p = digits.map((d) => data.byDigit[d]![Math.floor(next() * data.byDigit[d]!.length)]!);
        for (let i = 0; i < batch; i++) {
          for (let j = 0; j < batch; j++) {
            if (i === j || (mode !== 'plain' && digits[i] === digits[j])) continue;
            negatives++;
            if (digits[i] === digits[j]) falseNegatives++;
          }
        }
        const [xq, xp] = [data.gather(q), data.gather(p)];
        const options =
          mode === 'plain'
            ? {}
            : {
                queryIds: digits,
                duplicates: mode === 'queryIds (mask)' ? ('mask' as const) : ('positive' as const),
              };
        optimizer.minimize(
          () =>
            infoNceLoss(model.embed(xq), model.embed(xp), {
              scale: 20,
              validate: false,
              ...options,
            }) as tf.Scalar,
          false,
          model.variables,
        );
        tf.dispose([xq, xp]);
      }
      results.push({ ...(await evaluate(model, data, DIM)), falseNeg: falseNegatives / negatives });
      tf.dispose(model.variables);
      optimizer.dispose();
    }
    table.push(
      `| ${mode} | ${stats(results.map((r) => r.falseNeg))} | ${stats(results.map((r) => r.hit1))} | ${stats(results.map((r) => r.ndcg10))} | ${stats(results.map((r) => r.mrr10))} |`,
    );
  }
  console.log(table.join('\n'));
}

async function speedStudy() {
  const b = 512;
  const d = 384;
  const q = tf.randomNormal([b, d], 0, 1, 'float32', 1);
  const p = tf.randomNormal([b, d], 0, 1, 'float32', 2);
  const gq = tf.randomNormal([b, 128], 0, 1, 'float32', 3);
  const gd = tf.randomNormal([b, 128], 0, 1, 'float32', 4);
  const scores = tf.randomUniform([b], 0, 1, 'float32', 5);
  const ids = Array.from({ length: b }, (_, i) => i % 400);
  const listLogits = tf.randomNormal([64, 8], 0, 1, 'float32', 6);
  const listLabels = tf.floor(tf.randomUniform([64, 8], 0, 4, 'float32', 7));
  const fwdBwd = (fn: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor) => () => {
    const [gx, gy] = tf.grads((x: tf.Tensor, y: tf.Tensor) => fn(x, y))([q, p]);
    return [gx!, gy!];
  };
  const cases: [string, () => tf.Tensor[]][] = [
    ['one B×B matmul fwd+bwd (core matMulBT)', fwdBwd((x, y) => tf.sum(matMulBT(x, y)))],
    [
      'one B×B matmul fwd+bwd (tf.matMul, transposeB)',
      fwdBwd((x, y) => tf.sum(tf.matMul(x, y, false, true))),
    ],
    ['infoNceLoss (plain)', fwdBwd((x, y) => infoNceLoss(x, y, { validate: false }))],
    [
      'infoNceLoss + docIds (duplicate-aware)',
      fwdBwd((x, y) => infoNceLoss(x, y, { docIds: ids, validate: false })),
    ],
    [
      'infoNceLoss, 4 directions, hardness',
      fwdBwd((x, y) =>
        infoNceLoss(x, y, {
          directions: ['query_to_doc', 'doc_to_query', 'query_to_query', 'doc_to_doc'],
          hardnessMode: 'all_negatives',
          hardnessStrength: 1,
          validate: false,
        }),
      ),
    ],
    ['gistEmbedLoss (guide G=128)', fwdBwd((x, y) => gistEmbedLoss(x, y, gq, gd, { validate: false }))],
    ['cosentLoss', fwdBwd((x, y) => cosentLoss(x, y, scores, { validate: false }))],
    ['megaBatchMarginLoss', fwdBwd((x, y) => megaBatchMarginLoss(x, y, { validate: false }))],
    [
      'matryoshkaLoss(infoNceLoss, dims 384/256/128/64)',
      fwdBwd(
        matryoshkaLoss((x: tf.Tensor, y: tf.Tensor) => infoNceLoss(x, y, { validate: false }), {
          dims: [384, 256, 128, 64],
        }),
      ),
    ],
  ];
  const rows = [];
  for (const [name, fn] of cases) {
    const t = await time(fn, { warmup: 1, iterations: 5 });
    rows.push({ name, values: { 'ms (median)': t.median } });
  }
  ratioTable(`speed: B=${b}, D=${d}, forward + backward to both embedding inputs`, rows);
  const lambdaTime = await time(
    () => tf.grads((x: tf.Tensor) => lambdaLoss(x, listLabels, { validate: false }))([listLogits]),
    { warmup: 1, iterations: 5 },
  );
  console.log(`lambdaLoss [64, 8] fwd+bwd: ${lambdaTime.median.toFixed(1)} ms (host-side ranking)`);

  // Memory: matryoshka InfoNCE through cachedContrastive vs plain autodiff, 256-1024-384 tower.
  const xq = tf.randomNormal([b, 256], 0, 1, 'float32', 8);
  const xd = tf.randomNormal([b, 256], 0, 1, 'float32', 9);
  const w1 = tf.variable(tf.randomNormal([256, 1024], 0, 0.05, 'float32', 10));
  const w2 = tf.variable(tf.randomNormal([1024, d], 0, 0.05, 'float32', 11));
  const embed = (x: tf.Tensor) => tf.tidy(() => tf.matMul(tf.relu(tf.matMul(x, w1)), w2));
  const loss = matryoshkaLoss((a: tf.Tensor, c: tf.Tensor) => infoNceLoss(a, c, { validate: false }), {
    dims: [384, 256, 128, 64],
  });
  const plain = () => {
    const { value, grads } = tf.variableGrads(() => loss(embed(xq), embed(xd)) as tf.Scalar, [w1, w2]);
    return [value, ...Object.values(grads)];
  };
  const cached = (miniBatchSize: number) => () => {
    const { value, grads } = cachedContrastive({
      queryInputs: xq,
      docInputs: xd,
      embedQueries: embed,
      loss,
      miniBatchSize,
      variables: [w1, w2],
    });
    return [value, ...Object.values(grads)];
  };
  const memoryRows = [];
  for (const [name, fn] of [
    ['plain autodiff', plain],
    ['cachedContrastive, mini-batch 64', cached(64)],
    ['cachedContrastive, mini-batch 16', cached(16)],
  ] as const) {
    const t = await time(fn, { warmup: 1, iterations: 2 });
    const m = await peakMemory(fn);
    memoryRows.push({
      name,
      values: {
        'ms (median)': t.median,
        'peak tensor bytes': m.peakTensorBytes,
        'peak RSS bytes': m.peakRssBytes,
      },
    });
  }
  ratioTable(
    `memory: matryoshkaLoss(infoNceLoss, dims 384/256/128/64), B=${b}, 256-1024-384 tower, loss + variable gradients`,
    memoryRows,
  );
}

await useBackend('wasm');
console.log(machineLine());
const studies = (process.env.STUDY ?? 'matryoshka,duplicates,speed').split(',');
if (studies.includes('speed')) await speedStudy();
if (studies.includes('matryoshka') || studies.includes('duplicates')) {
  const data = prepare();
  if (studies.includes('matryoshka')) await matryoshkaStudy(data);
  if (studies.includes('duplicates')) await duplicatesStudy(data);
}
