// Per-family evaluation on the test split: accuracy + calibration (+ decision regions on 2-D data),
// 1-NN accuracy + a 2-D projection of embeddings, recall@1 + mAP + ROC of query/doc scores.
import * as tf from '@tensorflow/tfjs-core';
import { l2Normalize } from '@xent/core';
import type { Dataset } from './datasets.js';
import { gather } from './datasets.js';
import {
  meanAveragePrecision,
  nearestNeighbourAccuracy,
  pca2,
  type ReliabilityBin,
  reliability,
  roc,
} from './metrics.js';
import type { Mlp } from './model.js';

export interface Evaluation {
  readonly step: number;
  /**
   * Test accuracy (classification, distillation), 1-NN accuracy (metric), recall@1 (retrieval), mean
   * average precision over the labels (multi-label).
   */
  readonly accuracy: number;
  /** Retrieval: mean average precision over the queries (every same-class doc relevant). */
  readonly meanAp?: number;
  /** Multi-label: macro F1 over the labels at threshold ½. */
  readonly f1?: number;
  readonly ece?: number;
  /** Test accuracy per class (classification, distillation). */
  readonly classAccuracy?: readonly number[];
  readonly bins?: readonly ReliabilityBin[];
  /** 2-D projection of test embeddings, row-major `[n, 2]`, with their labels. */
  readonly projection?: { readonly points: Float64Array; readonly labels: Int32Array };
  readonly roc?: { readonly fpr: readonly number[]; readonly tpr: readonly number[]; readonly auc: number };
  /** Decision regions on a `size × size` grid over [−1.25, 1.25]²: class and confidence per cell. */
  readonly boundary?: {
    readonly size: number;
    readonly classes: Uint8Array;
    readonly confidence: Float32Array;
  };
}

export const GRID = 40;
const GRID_EXTENT = 1.25;

/**
 * Mean average precision over the labels (each label's test rows ranked by score; AP = mean precision at
 * each positive; labels without a positive are skipped) and macro F1 at threshold ½. `probs` and `targets`
 * are row-major `[n, L]`.
 */
export function multiLabelScores(
  probs: ArrayLike<number>,
  targets: ArrayLike<number>,
  n: number,
  labels: number,
): { map: number; f1: number } {
  let apSum = 0;
  let apCount = 0;
  let f1Sum = 0;
  for (let l = 0; l < labels; l++) {
    const order = Array.from({ length: n }, (_, i) => i).sort(
      (a, b) => probs[b * labels + l]! - probs[a * labels + l]!,
    );
    let hits = 0;
    let precisionSum = 0;
    let tp = 0;
    let fp = 0;
    let fn = 0;
    order.forEach((i, rank) => {
      const positive = targets[i * labels + l]! > 0.5;
      const predicted = probs[i * labels + l]! >= 0.5;
      if (positive) {
        hits++;
        precisionSum += hits / (rank + 1);
      }
      if (positive && predicted) tp++;
      else if (predicted) fp++;
      else if (positive) fn++;
    });
    if (hits > 0) {
      apSum += precisionSum / hits;
      apCount++;
    }
    f1Sum += tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : 1;
  }
  return { map: apCount ? apSum / apCount : Number.NaN, f1: labels ? f1Sum / labels : Number.NaN };
}

/** Multi-label evaluation: mAP (as `accuracy`), macro F1 and the calibration of every (row, label) sigmoid. */
async function multiLabelEval(model: Mlp, dataset: Dataset, step: number): Promise<Evaluation> {
  const { test } = dataset;
  const { table, names } = dataset.multiLabel!;
  const probsT = tf.tidy(() => tf.sigmoid(model.forward(tf.tensor2d(test.x, [test.count, dataset.dim])).out));
  const probs = await probsT.data();
  probsT.dispose();
  const L = names.length;
  const targets = new Float32Array(test.count * L);
  for (let i = 0; i < test.count; i++) targets.set(table[test.y[i]!]!, i * L);
  const { map, f1 } = multiLabelScores(probs, targets, test.count, L);
  // Calibration of the binary decisions: each (row, label) as a two-class prediction (1 − p, p).
  const pairs = new Float32Array(test.count * L * 2);
  const truth = new Int32Array(test.count * L);
  for (let k = 0; k < test.count * L; k++) {
    pairs[2 * k] = 1 - probs[k]!;
    pairs[2 * k + 1] = probs[k]!;
    truth[k] = targets[k]! > 0.5 ? 1 : 0;
  }
  const calibration = reliability(pairs, truth, 2, 10);
  return { step, accuracy: map, f1, ece: calibration.ece, bins: calibration.bins };
}

export async function classificationEval(model: Mlp, dataset: Dataset, step: number): Promise<Evaluation> {
  if (dataset.multiLabel) return multiLabelEval(model, dataset, step);
  const test = dataset.test;
  const probs = tf.tidy(() => tf.softmax(model.forward(tf.tensor2d(test.x, [test.count, dataset.dim])).out));
  const data = await probs.data();
  probs.dispose();
  const result = reliability(data, test.y, dataset.numClasses, 10);
  const k = dataset.numClasses;
  const hits = new Array<number>(k).fill(0);
  const totals = new Array<number>(k).fill(0);
  for (let i = 0; i < test.count; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (data[i * k + c]! > data[i * k + best]!) best = c;
    totals[test.y[i]!]!++;
    if (best === test.y[i]) hits[best]!++;
  }
  const classAccuracy = hits.map((h, c) => (totals[c]! > 0 ? h / totals[c]! : Number.NaN));
  let boundary: Evaluation['boundary'];
  if (dataset.planar) {
    const grid = new Float32Array(GRID * GRID * 2);
    for (let r = 0; r < GRID; r++) {
      for (let c = 0; c < GRID; c++) {
        grid[(r * GRID + c) * 2] = -GRID_EXTENT + ((c + 0.5) / GRID) * 2 * GRID_EXTENT;
        grid[(r * GRID + c) * 2 + 1] = GRID_EXTENT - ((r + 0.5) / GRID) * 2 * GRID_EXTENT;
      }
    }
    const gridProbs = tf.tidy(() => tf.softmax(model.forward(tf.tensor2d(grid, [GRID * GRID, 2])).out));
    const p = await gridProbs.data();
    gridProbs.dispose();
    const classes = new Uint8Array(GRID * GRID);
    const confidence = new Float32Array(GRID * GRID);
    for (let i = 0; i < GRID * GRID; i++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (p[i * k + c]! > p[i * k + best]!) best = c;
      classes[i] = best;
      confidence[i] = p[i * k + best]!;
    }
    boundary = { size: GRID, classes, confidence };
  }
  return {
    step,
    accuracy: result.accuracy,
    ece: result.ece,
    classAccuracy,
    bins: result.bins,
    ...(boundary ? { boundary } : {}),
  };
}

/** L2-normalised embeddings (evaluation compares directions, as most metric and retrieval losses do). */
function normalised(model: Mlp, x: tf.Tensor): tf.Tensor {
  return l2Normalize(model.forward(x).out);
}

async function embed(model: Mlp, x: Float32Array, rows: number, dim: number): Promise<Float32Array> {
  const out = tf.tidy(() => normalised(model, tf.tensor2d(x, [rows, dim])));
  const data = (await out.data()) as Float32Array;
  out.dispose();
  return data;
}

export async function metricEval(model: Mlp, dataset: Dataset, step: number): Promise<Evaluation> {
  const rows = Math.min(500, dataset.test.count);
  const { x, y } = gather(
    dataset.test,
    dataset.dim,
    Array.from({ length: rows }, (_, i) => i),
  );
  const e = await embed(model, x, rows, dataset.dim);
  const d = dataset.embeddingDim;
  return {
    step,
    accuracy: nearestNeighbourAccuracy(e, y, d),
    projection: { points: pca2(e, rows, d), labels: y },
  };
}

export async function retrievalEval(model: Mlp, dataset: Dataset, step: number): Promise<Evaluation> {
  const nq = Math.min(150, Math.floor(dataset.test.count / 3));
  const nd = Math.min(300, dataset.test.count - nq);
  const q = gather(
    dataset.test,
    dataset.dim,
    Array.from({ length: nq }, (_, i) => i),
  );
  const d = gather(
    dataset.test,
    dataset.dim,
    Array.from({ length: nd }, (_, i) => nq + i),
  );
  const scoresT = tf.tidy(() => {
    const eq = normalised(model, tf.tensor2d(q.x, [nq, dataset.dim]));
    const ed = normalised(model, tf.tensor2d(d.x, [nd, dataset.dim]));
    return tf.matMul(eq, ed, false, true);
  });
  const scores = await scoresT.data();
  scoresT.dispose();
  const relevant = new Uint8Array(nq * nd);
  let hits = 0;
  for (let i = 0; i < nq; i++) {
    let best = 0;
    for (let j = 0; j < nd; j++) {
      relevant[i * nd + j] = q.y[i] === d.y[j] ? 1 : 0;
      if (scores[i * nd + j]! > scores[i * nd + best]!) best = j;
    }
    if (q.y[i] === d.y[best]) hits++;
  }
  return {
    step,
    accuracy: hits / nq,
    meanAp: meanAveragePrecision(scores, relevant, nq, nd),
    roc: roc(scores, relevant),
  };
}
