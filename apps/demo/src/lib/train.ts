// Training runs: one loss, the shared model (same sizes and seed for every run), seeded batches, and
// per-family evaluation (accuracy + calibration, embedding projection, ROC) every few steps.
import * as tf from '@tensorflow/tfjs-core';
import { type AnyLossFn, logSoftmax, pickClass } from '@xent/core';
import type { Family, Plan, Role } from './adapters.js';
import { byClass, type Dataset, gather } from './datasets.js';
import { nearestNeighbourAccuracy, pca2, type ReliabilityBin, reliability, roc } from './metrics.js';
import { createMlp, type Mlp } from './model.js';
import { createRng, randomInt } from './rng.js';

export interface TrainConfig {
  readonly steps: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  readonly evalEvery: number;
}

export interface Evaluation {
  readonly step: number;
  /** Test accuracy (classification, distillation), 1-NN accuracy (metric), recall@1 (retrieval). */
  readonly accuracy: number;
  readonly ece?: number;
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

export type RunStatus = 'queued' | 'running' | 'done' | 'stopped' | 'error';

interface Batch {
  readonly x: Float32Array;
  readonly y: Int32Array;
  /** Retrieval: the positive docs of the queries in `x`. */
  readonly x2?: Float32Array;
  readonly y2?: Int32Array;
}

/** A trained teacher for distillation, shared by every run of a comparison. */
export interface Teacher {
  readonly model: Mlp;
  readonly accuracy: number;
}

export const GRID = 40;
const GRID_EXTENT = 1.25;

/** Rows for S distinct classes × M examples each, class-major (`groups` reshapes them to [S, M, D]). */
export function groupShape(batchSize: number, numClasses: number): { s: number; m: number } {
  const s = Math.max(2, Math.min(numClasses, Math.floor(batchSize / 4)));
  return { s, m: Math.max(2, Math.floor(batchSize / s)) };
}

function sampler(
  dataset: Dataset,
  family: Family,
  batchSize: number,
  seed: number,
  grouped: boolean,
): () => Batch {
  const rng = createRng(seed);
  const split = dataset.train;
  if (family === 'classification' || family === 'distillation') {
    return () => {
      const idx = Array.from({ length: batchSize }, () => randomInt(rng, split.count));
      return gather(split, dataset.dim, idx);
    };
  }
  const classes = byClass(split, dataset.numClasses).filter((list) => list.length > 1);
  if (grouped) {
    const { s, m } = groupShape(batchSize, classes.length);
    return () => {
      const order = classes.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = randomInt(rng, i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const rows = order
        .slice(0, s)
        .flatMap((c) => Array.from({ length: m }, () => classes[c]![randomInt(rng, classes[c]!.length)]!));
      return gather(split, dataset.dim, rows);
    };
  }
  return () => {
    const half = Math.max(2, Math.floor(batchSize / 2));
    const anchors: number[] = [];
    const partners: number[] = [];
    for (let i = 0; i < half; i++) {
      const list = classes[randomInt(rng, classes.length)]!;
      const a = randomInt(rng, list.length);
      let b = randomInt(rng, list.length - 1);
      if (b >= a) b++;
      anchors.push(list[a]!);
      partners.push(list[b]!);
    }
    if (family === 'retrieval') {
      const q = gather(split, dataset.dim, anchors);
      const d = gather(split, dataset.dim, partners);
      return { x: q.x, y: q.y, x2: d.x, y2: d.y };
    }
    return gather(split, dataset.dim, [...anchors, ...partners]);
  };
}

function crossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  return tf.neg(tf.mean(pickClass(logSoftmax(logits), labels))) as tf.Scalar;
}

async function classificationEval(model: Mlp, dataset: Dataset, step: number): Promise<Evaluation> {
  const test = dataset.test;
  const probs = tf.tidy(() => tf.softmax(model.forward(tf.tensor2d(test.x, [test.count, dataset.dim])).out));
  const data = await probs.data();
  probs.dispose();
  const result = reliability(data, test.y, dataset.numClasses, 10);
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
    const k = dataset.numClasses;
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
    bins: result.bins,
    ...(boundary ? { boundary } : {}),
  };
}

/** L2-normalised embeddings (evaluation compares directions, as most metric and retrieval losses do). */
function normalised(model: Mlp, x: tf.Tensor): tf.Tensor {
  const e = model.forward(x).out;
  return tf.div(e, tf.maximum(tf.norm(e, 2, 1, true), 1e-12));
}

async function embed(model: Mlp, x: Float32Array, rows: number, dim: number): Promise<Float32Array> {
  const out = tf.tidy(() => normalised(model, tf.tensor2d(x, [rows, dim])));
  const data = (await out.data()) as Float32Array;
  out.dispose();
  return data;
}

async function metricEval(model: Mlp, dataset: Dataset, step: number): Promise<Evaluation> {
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

async function retrievalEval(model: Mlp, dataset: Dataset, step: number): Promise<Evaluation> {
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
  return { step, accuracy: hits / nq, roc: roc(scores, relevant) };
}

/** Trains the distillation teacher (a wider MLP, cross-entropy) and reports its test accuracy. */
export async function trainTeacher(
  dataset: Dataset,
  config: TrainConfig,
  steps: number,
  onProgress: (done: number) => void,
  shouldStop: () => boolean = () => false,
): Promise<Teacher> {
  const model = createMlp([dataset.dim, ...dataset.teacherHidden, dataset.numClasses], config.seed + 1000);
  const optimizer = tf.train.adam(config.learningRate);
  const next = sampler(dataset, 'classification', config.batchSize, config.seed + 1000, false);
  for (let step = 0; step < steps && !shouldStop(); step++) {
    const batch = next();
    const loss = optimizer.minimize(
      () =>
        crossEntropy(
          model.forward(tf.tensor2d(batch.x, [batch.y.length, dataset.dim])).out,
          tf.tensor1d(batch.y, 'int32'),
        ),
      true,
      model.params,
    );
    await loss?.data();
    loss?.dispose();
    if (step % 5 === 0) onProgress(step + 1);
    if (step % 10 === 0) await tf.nextFrame();
  }
  optimizer.dispose();
  onProgress(steps);
  const evaluation = await classificationEval(model, dataset, steps);
  return { model, accuracy: evaluation.accuracy };
}

let nextRunId = 0;

/** One loss trained on the shared model. Call {@link step} until {@link finished}. */
export class Run {
  readonly id = `run-${nextRunId++}`;
  readonly losses: number[] = [];
  readonly evaluations: Evaluation[] = [];
  status: RunStatus = 'queued';
  error: string | undefined;
  step = 0;
  private readonly model: Mlp;
  private readonly proxies: tf.Variable | undefined;
  /** Second student head `[H, C]` for dual-head distillation losses. */
  private readonly auxHead: tf.Variable | undefined;
  private readonly optimizer: tf.Optimizer;
  private readonly next: () => Batch;
  private readonly roles: readonly Role[];

  constructor(
    readonly loss: AnyLossFn,
    readonly options: Readonly<Record<string, unknown>>,
    plan: Extract<Plan, { supported: true }>,
    readonly family: Family,
    readonly dataset: Dataset,
    readonly config: TrainConfig,
    readonly teacher?: Teacher,
  ) {
    this.roles = plan.roles;
    const metricLike = family === 'metric' || family === 'retrieval';
    const out = metricLike ? dataset.embeddingDim : dataset.numClasses;
    this.model = createMlp([dataset.dim, ...dataset.hidden, out], config.seed);
    this.proxies = this.roles.includes('proxies')
      ? tf.tidy(() =>
          tf.variable(tf.randomNormal([dataset.numClasses, out], 0, 1, 'float32', config.seed + 7)),
        )
      : undefined;
    const hidden = dataset.hidden[dataset.hidden.length - 1]!;
    this.auxHead = this.roles.includes('auxiliary')
      ? tf.tidy(() =>
          tf.variable(tf.randomNormal([hidden, out], 0, Math.sqrt(2 / hidden), 'float32', config.seed + 11)),
        )
      : undefined;
    this.optimizer = tf.train.adam(config.learningRate);
    this.next = sampler(dataset, family, config.batchSize, config.seed, this.roles.includes('groups'));
  }

  get finished(): boolean {
    return this.status === 'done' || this.status === 'stopped' || this.status === 'error';
  }

  get progress(): number {
    return this.step / this.config.steps;
  }

  stop(): void {
    if (!this.finished) this.status = 'stopped';
  }

  private lossOf(batch: Batch): tf.Scalar {
    const { dataset } = this;
    const rows = batch.y.length;
    const x = tf.tensor2d(batch.x, [rows, dataset.dim]);
    const y = tf.tensor1d(batch.y, 'int32');
    let forward: { hidden: tf.Tensor; out: tf.Tensor } | undefined;
    const fwd = () => {
      forward ??= this.model.forward(x);
      return forward;
    };
    let pair: { q: tf.Tensor; d: tf.Tensor } | undefined;
    const qd = () => {
      pair ??= {
        q: fwd().out,
        d: this.model.forward(tf.tensor2d(batch.x2!, [batch.y2!.length, dataset.dim])).out,
      };
      return pair;
    };
    const retrieval = this.family === 'retrieval';
    const feed: Record<Role, () => tf.Tensor> = {
      logits: () => fwd().out,
      student: () => fwd().out,
      features: () => fwd().hidden,
      classifier: () => tf.transpose(this.model.head),
      labels: () =>
        retrieval && this.roles.includes('embeddings') ? tf.concat([y, tf.tensor1d(batch.y2!, 'int32')]) : y,
      onehot: () => tf.oneHot(y, dataset.numClasses).toFloat(),
      teacher: () => this.teacher!.model.forward(x).out,
      embeddings: () => (retrieval ? tf.concat([qd().q, qd().d]) : fwd().out),
      proxies: () => this.proxies!,
      auxiliary: () => tf.matMul(fwd().hidden, this.auxHead!),
      groups: () => {
        const { s, m } = groupShape(this.config.batchSize, dataset.numClasses);
        return tf.reshape(fwd().out, [s, m, -1]);
      },
      prototypes: () => {
        // Class means of the batch embeddings (zero rows for classes absent from the batch).
        const onehot = tf.oneHot(y, dataset.numClasses).toFloat();
        const counts = tf.maximum(tf.sum(onehot, 0), 1);
        return tf.div(tf.matMul(onehot, fwd().out, true, false), tf.reshape(counts, [-1, 1]));
      },
      queries: () => qd().q,
      docs: () => qd().d,
      scores: () => tf.matMul(qd().q, qd().d, false, true),
      positives: () => tf.range(0, rows, 1, 'int32'),
      relevance: () =>
        tf.cast(
          tf.equal(tf.reshape(y, [rows, 1]), tf.reshape(tf.tensor1d(batch.y2!, 'int32'), [1, -1])),
          'float32',
        ),
    };
    const args = this.roles.map((role) => feed[role]());
    // Data checks (NaN, label range) read tensors synchronously: once, and never on webgpu, where a
    // synchronous read in the browser goes through a canvas and can lose the device.
    const validate = this.step === 0 && tf.getBackend() !== 'webgpu';
    let value = this.loss(...args, { ...this.options, validate });
    if (value.rank > 0) value = tf.mean(value);
    return value as tf.Scalar;
  }

  /** One optimiser step; returns the loss value. Throws (and records) the loss's error. */
  async trainStep(): Promise<number> {
    if (this.finished) return Number.NaN;
    this.status = 'running';
    try {
      const batch = this.next();
      const vars = [
        ...this.model.params,
        ...(this.proxies ? [this.proxies] : []),
        ...(this.auxHead ? [this.auxHead] : []),
      ];
      const value = this.optimizer.minimize(() => this.lossOf(batch), true, vars);
      const loss = (await value!.data())[0]!;
      value!.dispose();
      if (!Number.isFinite(loss)) throw new Error(`the loss became ${loss} at step ${this.step + 1}`);
      this.losses.push(loss);
      this.step++;
      if (this.step % this.config.evalEvery === 0 || this.step === this.config.steps) await this.evaluate();
      if (this.step >= this.config.steps) this.status = 'done';
      return loss;
    } catch (error) {
      this.status = 'error';
      this.error = error instanceof Error ? error.message : String(error);
      throw error;
    }
  }

  async evaluate(): Promise<Evaluation> {
    const evaluation =
      this.family === 'metric'
        ? await metricEval(this.model, this.dataset, this.step)
        : this.family === 'retrieval'
          ? await retrievalEval(this.model, this.dataset, this.step)
          : await classificationEval(this.model, this.dataset, this.step);
    this.evaluations.push(evaluation);
    return evaluation;
  }

  dispose(): void {
    this.model.dispose();
    this.proxies?.dispose();
    this.auxHead?.dispose();
    this.optimizer.dispose();
  }
}
