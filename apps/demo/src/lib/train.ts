// Training runs: one loss, the shared model (same sizes and seed for every run), seeded batches, and
// per-family evaluation every few steps.
import * as tf from '@tensorflow/tfjs-core';
import { type AnyLossFn, cosineSimilarity } from '@xent/core';
import { type Family, type Plan, type Role, TEACHER_TOP_K } from './adapters.js';
import { type Dataset, outputWidth } from './datasets.js';
import { classificationEval, type Evaluation, metricEval, retrievalEval } from './evaluate.js';
import { createMlp, type Mlp } from './model.js';
import { type SampleState, sampleState } from './sample-state.js';
import { type Batch, groupShape, sampler } from './sampler.js';
import type { Teacher } from './teacher.js';

export type { Evaluation } from './evaluate.js';
export { groupShape } from './sampler.js';
export { type Teacher, trainTeacher } from './teacher.js';

export interface TrainConfig {
  readonly steps: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  readonly evalEvery: number;
  /** Retrieval: fraction of batch pairs that repeat the previous pair's doc (see the scenario). */
  readonly duplicates?: number;
}

export type RunStatus = 'queued' | 'running' | 'done' | 'stopped' | 'error';

let nextRunId = 0;

/** One loss trained on the shared model. Call {@link step} until {@link finished}. */
export class Run {
  readonly id = `run-${nextRunId++}`;
  readonly losses: number[] = [];
  readonly evaluations: Evaluation[] = [];
  status: RunStatus = 'queued';
  error: string | undefined;
  step = 0;
  /** Milliseconds spent in training steps (evaluation excluded), for steps/s. */
  trainMs = 0;
  /** Wall-clock start and end of the run (ms, performance.now()); end stays undefined while it runs. */
  startedAt: number | undefined;
  endedAt: number | undefined;
  private readonly model: Mlp;
  private readonly proxies: tf.Variable | undefined;
  /** Second student head `[H, C]` for dual-head distillation losses. */
  private readonly auxHead: tf.Variable | undefined;
  private readonly optimizer: tf.Optimizer;
  private readonly next: () => Batch;
  private readonly roles: readonly Role[];
  /** Per-example state over the training set (losses whose plan asks for it, e.g. ALDR-KL's λᵢ). */
  readonly state: SampleState | undefined;
  /** Options the playground fills itself (see the plan): the model function, the per-example state. */
  private readonly owned: (batch: Batch) => Record<string, unknown>;

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
    const out = metricLike ? dataset.embeddingDim : outputWidth(dataset);
    this.model = createMlp([dataset.dim, ...dataset.hidden, out], config.seed);
    // `[C·K, D]` class weights (K centres per class) where the spec says so, else `[C, D]`.
    const perClass = plan.rowsPerClass
      ? Number(
          options[plan.rowsPerClass] ?? (loss.spec.defaults as Record<string, unknown>)[plan.rowsPerClass],
        )
      : 1;
    const proxyRows = dataset.numClasses * (Number.isInteger(perClass) && perClass > 0 ? perClass : 1);
    this.proxies = this.roles.includes('proxies')
      ? tf.tidy(() => tf.variable(tf.randomNormal([proxyRows, out], 0, 1, 'float32', config.seed + 7)))
      : undefined;
    this.state = plan.perSample
      ? sampleState(
          dataset.train.count,
          Number(options.lambda ?? (loss.spec.defaults as { lambda?: number }).lambda ?? 1),
        )
      : undefined;
    this.owned = (batch) => ({
      ...(plan.model ? { model: (input: tf.Tensor) => this.model.forward(input).out } : {}),
      ...(this.state ? { state: this.state, indices: tf.tensor1d(batch.rows!, 'int32') } : {}),
      ...(plan.batchIds ? { docRows: Array.from(batch.docRows!), queryClasses: Array.from(batch.y) } : {}),
    });
    const hidden = dataset.hidden[dataset.hidden.length - 1]!;
    this.auxHead = this.roles.includes('auxiliary')
      ? tf.tidy(() =>
          tf.variable(tf.randomNormal([hidden, out], 0, Math.sqrt(2 / hidden), 'float32', config.seed + 11)),
        )
      : undefined;
    this.optimizer = tf.train.adam(config.learningRate);
    this.next = sampler(
      dataset,
      family,
      config.batchSize,
      config.seed,
      this.roles.includes('groups'),
      config.duplicates ?? 0,
    );
  }

  get finished(): boolean {
    return this.status === 'done' || this.status === 'stopped' || this.status === 'error';
  }

  get progress(): number {
    return this.step / this.config.steps;
  }

  stop(): void {
    if (!this.finished) {
      this.status = 'stopped';
      this.endedAt = performance.now();
    }
  }

  /**
   * Training steps per second (NaN before the first step). Browsers may round `performance.now()` to a
   * millisecond or coarser (Firefox; more with fingerprinting protection), so fast steps can add up to 0 ms:
   * the wall time of the run (start to end, evaluations included) then stands in, and a finished run
   * always shows a rate.
   */
  get stepsPerSecond(): number {
    if (this.step === 0) return Number.NaN;
    const ms = this.trainMs > 0 ? this.trainMs : this.wallSeconds * 1000;
    return ms > 0 ? (this.step / ms) * 1000 : Number.NaN;
  }

  /** Wall time from the first step to the end (or now), in seconds. */
  get wallSeconds(): number {
    if (this.startedAt === undefined) return 0;
    return ((this.endedAt ?? performance.now()) - this.startedAt) / 1000;
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
    // Scored pairs: pair i keeps doc i when i is even, takes doc i + 1 (mod N) when odd.
    const pairedDoc = () =>
      tf.tensor1d(
        Array.from({ length: rows }, (_, i) => (i % 2 ? (i + 1) % rows : i)),
        'int32',
      );
    const { multiLabel } = dataset;
    // Targets `[N, C]`: one-hot of the class, or the multi-hot labels of the multi-label task.
    const targets = () =>
      multiLabel
        ? tf.gather(tf.tensor2d(multiLabel.table as number[][]), y)
        : tf.oneHot(y, dataset.numClasses).toFloat();
    const teacherScale = this.teacher?.temperature ?? 1;
    // The sparse teacher: top-k of the teacher's log-softmax (computed once per step).
    let top: { values: tf.Tensor; indices: tf.Tensor } | undefined;
    const teacherTop = () => {
      top ??= tf.topk(tf.logSoftmax(feed.teacher()), TEACHER_TOP_K);
      return top;
    };
    const feed: Record<Role, () => tf.Tensor> = {
      logits: () => fwd().out,
      student: () => fwd().out,
      features: () => fwd().hidden,
      classifier: () => tf.transpose(this.model.head),
      labels: () =>
        retrieval && this.roles.includes('embeddings')
          ? tf.concat([y, tf.tensor1d(batch.y2!, 'int32')])
          : multiLabel
            ? targets()
            : y,
      onehot: targets,
      teacher: () => {
        const logits = this.teacher!.model.forward(x).out;
        return teacherScale === 1 ? logits : tf.div(logits, teacherScale);
      },
      teacherTopIds: () => teacherTop().indices,
      teacherTopLogProbs: () => teacherTop().values,
      binaryLogits: () => tf.reshape(fwd().out, [-1]),
      binaryTargets: () => tf.reshape(targets(), [-1]),
      modelInputs: () => x,
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
      cosineScores: () => cosineSimilarity(qd().q, qd().d),
      positives: () => tf.range(0, rows, 1, 'int32'),
      pairFirst: () => qd().q,
      pairSecond: () => tf.gather(qd().d, pairedDoc()),
      pairScores: () =>
        tf.cast(tf.equal(y, tf.gather(tf.tensor1d(batch.y2!, 'int32'), pairedDoc())), 'float32'),
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
    let value = this.loss(...args, { ...this.options, ...this.owned(batch), validate });
    if (value.rank > 0) value = tf.mean(value);
    return value as tf.Scalar;
  }

  /** One optimiser step; returns the loss value. Throws (and records) the loss's error. */
  async trainStep(): Promise<number> {
    if (this.finished) return Number.NaN;
    this.status = 'running';
    this.startedAt ??= performance.now();
    try {
      const started = performance.now();
      const batch = this.next();
      const vars = [
        ...this.model.params,
        ...(this.proxies ? [this.proxies] : []),
        ...(this.auxHead ? [this.auxHead] : []),
      ];
      const value = this.optimizer.minimize(() => this.lossOf(batch), true, vars);
      const loss = (await value!.data())[0]!;
      value!.dispose();
      this.trainMs += performance.now() - started;
      if (!Number.isFinite(loss)) throw new Error(`the loss became ${loss} at step ${this.step + 1}`);
      this.losses.push(loss);
      this.step++;
      if (this.step % this.config.evalEvery === 0 || this.step === this.config.steps) await this.evaluate();
      if (this.step >= this.config.steps) {
        this.status = 'done';
        this.endedAt = performance.now();
      }
      return loss;
    } catch (error) {
      this.status = 'error';
      this.endedAt = performance.now();
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
    this.state?.dispose();
    this.optimizer.dispose();
  }
}
