import * as tf from '@tensorflow/tfjs-core';
import {
  type Miner,
  type OptionSchema,
  type PairIndices,
  readSyncIfPossible,
  resolveOptions,
  sameLabelMask,
  type TensorInput,
  type TripletIndices,
  toTensor,
  XentError,
} from '@xent/core';
import type { ReferenceOptions, TupleOptions } from '../internal/tuples.js';
import { pairIndices, tripletIndices } from '../miners/host-matrix.js';
import { withHostRoutes } from './host-routes.js';

/** A pair/triplet loss that accepts a reference set and explicit indices (e.g. {@link contrastiveLoss}). */
export type ReferenceLoss<O> = (
  embeddings: TensorInput,
  labels: TensorInput,
  options?: O & TupleOptions & ReferenceOptions,
) => tf.Tensor;

/** Options of {@link crossBatchMemory}. */
export interface CrossBatchMemoryOptions {
  /** Embedding size D of the stored rows. */
  readonly embeddingSize: number;
  /** Rows the ring buffer keeps (the batch size at most per call). @defaultValue 1024 */
  readonly memorySize?: number;
  /** Mines the batch (queries) against the memory; without it every pair is used. @defaultValue none */
  readonly miner?: Miner;
}

/** The explicit state of a {@link crossBatchMemory}: two non-trainable variables and a cursor. */
export interface CrossBatchMemoryState {
  /** float32 `[memorySize, D]`: past embeddings (detached); rows ≥ `size` are unused until the buffer fills. */
  readonly embeddings: tf.Variable;
  /** int32 `[memorySize]`: their labels. */
  readonly labels: tf.Variable;
  /** Rows in use: grows to `memorySize`, then stays. */
  readonly size: number;
  /** The row the next enqueued embedding goes to. */
  readonly next: number;
}

/** A loss bound to its memory bank. */
export interface CrossBatchMemory<O> {
  /**
   * Enqueues the batch (detached), then returns the loss of the batch's rows (queries, differentiable)
   * against the whole memory (reference, constant), without the pairs of an item with its own copy.
   * `options` go to the wrapped loss; `indices`, `miner` and the reference options are set here.
   */
  loss(embeddings: TensorInput, labels: TensorInput, options?: O): tf.Tensor;
  readonly state: CrossBatchMemoryState;
  /** Empties the memory (keeps the variables). */
  reset(): void;
  /** Disposes the two variables; the object is unusable afterwards. */
  dispose(): void;
}

const FN = 'crossBatchMemory';

/** Drops the positive pairs (and triplets) whose positive is the anchor's own slot (PML's `remove_self_comparisons`). */
function withoutSelf(tuples: PairIndices | TripletIndices, slots: number[]): PairIndices | TripletIndices {
  const anchors = (tuples.kind === 'pairs' ? tuples.anchorsPositive : tuples.anchors).dataSync();
  const positives = tuples.positives.dataSync();
  const keep: number[] = [];
  anchors.forEach((a, k) => {
    if (positives[k] !== slots[a]) keep.push(k);
  });
  const pick = (t: tf.Tensor) => Array.from(t.dataSync()).filter((_, k) => keep.includes(k));
  const result =
    tuples.kind === 'pairs'
      ? pairIndices(
          pick(tuples.anchorsPositive),
          pick(tuples.positives),
          Array.from(tuples.anchorsNegative.dataSync()),
          Array.from(tuples.negatives.dataSync()),
        )
      : tripletIndices(pick(tuples.anchors), pick(tuples.positives), pick(tuples.negatives));
  tf.dispose(Object.values(tuples).filter((v): v is tf.Tensor => v instanceof tf.Tensor));
  return result;
}

/**
 * The all-pairs masks of a call, bool `[B, M]`: positive where the labels agree except at each row's
 * own slot, negative where they differ. On the host where the labels are readable (cpu, wasm): one loop
 * and two uploads instead of ~8 `[B, M]` device ops.
 */
function hostPairMasks(labels: tf.Tensor, refLabels: tf.Tensor, slots: number[]) {
  const ids = readSyncIfPossible(labels);
  if (!ids) return undefined;
  const refIds = refLabels.dataSync();
  const [rows, cols] = [ids.length, refIds.length];
  const pos = new Uint8Array(rows * cols);
  const neg = new Uint8Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      if (ids[i] !== refIds[j]) neg[i * cols + j] = 1;
      else if (j !== slots[i]) pos[i * cols + j] = 1;
    }
  return {
    positiveMask: tf.tensor2d(pos, [rows, cols], 'bool'),
    negativeMask: tf.tensor2d(neg, [rows, cols], 'bool'),
  };
}

/** {@link hostPairMasks} as device ops (webgl, webgpu). */
function devicePairMasks(labels: tf.Tensor, refLabels: tf.Tensor, slots: number[]) {
  // core's label grid: an [B, 1] vs [1, M] comparison takes tfjs-wasm's slow both-broadcast path.
  const same = tf.cast(sameLabelMask(labels, refLabels), 'float32');
  // Each row's own slot (i, slots[i]) set to 0 by a scatter (a broadcast equality grid would take that
  // slow path too).
  const own = tf.tensor2d(
    slots.flatMap((slot, i) => [i, slot]),
    [slots.length, 2],
    'int32',
  );
  return {
    positiveMask: tf.tensorScatterUpdate(same, own, tf.zeros([slots.length])),
    negativeMask: tf.sub(1, same),
  };
}

const OPTIONS: OptionSchema<CrossBatchMemoryOptions> = {
  embeddingSize: {
    type: 'number',
    min: 1,
    max: 16777216, // 2²⁴ as a literal (esbuild keeps a module-level `2 ** 24`)
    integer: true,
    required: true,
    description: 'embedding size D',
  },
  memorySize: { type: 'number', min: 1, max: 16777216, integer: true, description: 'rows the memory holds' },
  miner: { type: 'other', plugin: 'miner', description: 'a Miner' },
};

/**
 * Cross-batch memory (Wang et al., "Cross-Batch Memory for Embedding Learning", CVPR 2020; PML's
 * `CrossBatchMemory`): a ring buffer of the last `memorySize` embeddings and labels, detached, that
 * every call enlarges the pool of pairs with — the batch's rows are the anchors, the memory (which
 * already holds the current batch) the positives and negatives, minus each row's pair with its own
 * copy. Works with the losses that take `refEmbeddings`/`refLabels` and `indices`
 * (contrastive, triplet, multi-similarity, circle, SupCon, NT-Xent, generalized lifted structure,
 * intra-pair variance). Its state is explicit (two
 * non-trainable variables): calls do not grow `tf.memory().numTensors`; `dispose()` frees it.
 * Reads labels and mined indices on the host (cpu, wasm, webgl; not WebGPU in Node).
 *
 * @param loss the wrapped pair/triplet loss.
 * @returns `{ loss, state, reset, dispose }`.
 * @see https://arxiv.org/abs/1912.06798
 * @example
 * const xbm = crossBatchMemory(contrastiveLoss, { embeddingSize: 64, memorySize: 1024 });
 * optimizer.minimize(() => xbm.loss(model.apply(x) as tf.Tensor, y) as tf.Scalar);
 * xbm.dispose(); // when training is done
 */
export function crossBatchMemory<O extends object>(
  loss: ReferenceLoss<O>,
  options: CrossBatchMemoryOptions,
): CrossBatchMemory<O> {
  const { embeddingSize, miner, memorySize } = resolveOptions(FN, OPTIONS, options, { memorySize: 1024 });
  if (typeof loss !== 'function')
    throw new XentError('INVALID_OPTION', {
      fn: FN,
      argument: 'loss',
      expected: 'a loss function',
      received: typeof loss,
    });
  const memory = tf.variable(tf.zeros([memorySize, embeddingSize]), false, undefined, 'float32');
  const memoryLabels = tf.variable(tf.zeros([memorySize], 'int32'), false, undefined, 'int32');
  let size = 0;
  let next = 0;
  let disposed = false;

  const enqueue = (embeddings: tf.Tensor, labels: tf.Tensor): number[] => {
    const batch = embeddings.shape[0]!;
    const slots = Array.from({ length: batch }, (_, i) => (next + i) % memorySize);
    tf.tidy(() => {
      const where = tf.tensor2d(slots, [batch, 1], 'int32');
      memory.assign(tf.tensorScatterUpdate(memory, where, tf.clone(embeddings)));
      memoryLabels.assign(tf.tensorScatterUpdate(memoryLabels, where, labels));
    });
    next = (next + batch) % memorySize;
    size = Math.min(memorySize, size + batch);
    return slots;
  };

  return {
    loss(embeddingsInput, labelsInput, lossOptions) {
      if (disposed)
        throw new XentError('INVALID_OPTION', {
          fn: FN,
          argument: 'this',
          expected: 'a live memory',
          received: 'disposed',
        });
      return tf.tidy(() => {
        const embeddings = toTensor(embeddingsInput, FN, 'embeddings', 'float32');
        const labels = toTensor(labelsInput, FN, 'labels', 'int32');
        const batch = embeddings.shape[0]!;
        if (
          embeddings.rank !== 2 ||
          embeddings.shape[1] !== embeddingSize ||
          batch > memorySize ||
          batch === 0
        )
          throw new XentError('SHAPE_MISMATCH', {
            fn: FN,
            argument: 'embeddings',
            expected: `float32 [B, ${embeddingSize}] with 1 ≤ B ≤ memorySize = ${memorySize}`,
            received: `${embeddings.dtype} [${embeddings.shape.join(', ')}]`,
          });
        if (labels.rank !== 1 || labels.shape[0] !== batch)
          throw new XentError('SHAPE_MISMATCH', {
            fn: FN,
            argument: 'labels',
            expected: `int32 [${batch}]`,
            received: `${labels.dtype} [${labels.shape.join(', ')}]`,
          });
        // Enqueue first (detached: the memory is a non-trainable variable), as PML does.
        const slots = enqueue(
          tf.tidy(() => tf.clone(embeddings)),
          labels,
        );
        const refEmbeddings = size === memorySize ? memory : tf.slice(memory, 0, size);
        const refLabels = size === memorySize ? memoryLabels : tf.slice(memoryLabels, 0, size);
        const reference = { refEmbeddings, refLabels };
        // The wrapped loss reduces [B, M] pair parts: on cpu/wasm its reducer (and the contrastive
        // formula) run on the host in one pass with a closed-form gradient, installed for this call only.
        if (miner) {
          const mined = miner.mine(embeddings, labels, { embeddings: refEmbeddings, labels: refLabels });
          const indices = withoutSelf(mined, slots);
          return withHostRoutes(() =>
            loss(embeddings, labels, { ...(lossOptions as O), ...reference, indices }),
          );
        }
        // Every pair: same label except each row's own slot; different labels.
        const { positiveMask, negativeMask } =
          hostPairMasks(labels, refLabels, slots) ?? devicePairMasks(labels, refLabels, slots);
        return withHostRoutes(() =>
          loss(embeddings, labels, {
            ...(lossOptions as O),
            ...reference,
            positiveMask,
            negativeMask,
          }),
        );
      });
    },
    get state() {
      return { embeddings: memory, labels: memoryLabels, size, next };
    },
    reset() {
      size = 0;
      next = 0;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      memory.dispose();
      memoryLabels.dispose();
    },
  };
}
