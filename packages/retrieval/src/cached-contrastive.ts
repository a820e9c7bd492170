import * as tf from '@tensorflow/tfjs-core';
import {
  invalidOption,
  type OptionSchema,
  resolveOptions,
  type TensorInput,
  toTensor,
  XentError,
} from '@xent/core';

/** Arguments of {@link cachedContrastive}. */
export interface CachedContrastiveOptions {
  /** Model inputs of the queries, `[N, …]`. */
  readonly queryInputs: TensorInput;
  /** Model inputs of the documents, `[M, …]`. */
  readonly docInputs: TensorInput;
  /** The query encoder: inputs `[b, …]` → embeddings `[b, D]` (reads tf.Variables). */
  readonly embedQueries: (inputs: tf.Tensor) => tf.Tensor;
  /** The document encoder. @defaultValue embedQueries (a shared encoder) */
  readonly embedDocs?: (inputs: tf.Tensor) => tf.Tensor;
  /**
   * The batch loss of all embeddings, e.g. `(q, d) => infoNceLoss(q, d)` or
   * `(q, d) => mwLoss(cosineSimilarity(q, d), mask)`. It sees the whole batch, so every in-batch
   * negative counts.
   */
  readonly loss: (queries: tf.Tensor, docs: tf.Tensor) => tf.Tensor;
  /** Rows embedded at once with a graph; bounds activation memory. @defaultValue 32 */
  readonly miniBatchSize?: number;
  /** Variables to differentiate. @defaultValue every trainable variable the encoders read */
  readonly variables?: readonly tf.Variable[];
}

/** The loss value and the gradient of every variable, ready for `optimizer.applyGradients`. */
export interface CachedContrastiveResult {
  readonly value: tf.Scalar;
  readonly grads: tf.NamedTensorMap;
}

const FN = 'cachedContrastive';

const OPTIONS: OptionSchema<CachedContrastiveOptions> = {
  queryInputs: { type: 'other', required: true, description: 'model inputs of the queries [N, …]' },
  docInputs: { type: 'other', required: true, description: 'model inputs of the documents [M, …]' },
  embedQueries: { type: 'other', plugin: 'function', required: true, description: 'the query encoder' },
  embedDocs: { type: 'other', plugin: 'function', description: 'the document encoder' },
  loss: { type: 'other', plugin: 'function', required: true, description: 'the batch loss (queries, docs)' },
  miniBatchSize: { type: 'number', min: 1, integer: true, description: 'rows per mini-batch' },
  variables: { type: 'other', description: 'variables to differentiate' },
};

function embedWithoutGraph(embed: (x: tf.Tensor) => tf.Tensor, inputs: tf.Tensor, size: number): tf.Tensor {
  return tf.tidy(() => {
    const rows = inputs.shape[0]!;
    const parts: tf.Tensor[] = [];
    for (let start = 0; start < rows; start += size) {
      const chunk = tf.slice(inputs, start, Math.min(size, rows - start));
      parts.push(embed(chunk));
    }
    return parts.length === 1 ? parts[0]! : tf.concat(parts);
  });
}

function addInto(total: tf.NamedTensorMap, part: tf.NamedTensorMap): void {
  for (const [name, grad] of Object.entries(part)) {
    const previous = total[name];
    if (previous === undefined) total[name] = grad;
    else {
      total[name] = tf.add(previous, grad);
      tf.dispose([previous, grad]);
    }
  }
}

/**
 * GradCache (Gao et al., 2021): the exact gradient of a contrastive loss over a large batch with the
 * activation memory of a mini-batch. (1) Embed queries and documents in mini-batches without a graph;
 * (2) compute the loss on all embeddings and its gradient ∂L/∂E with respect to the embeddings only;
 * (3) for each mini-batch, re-embed with a graph and backpropagate the surrogate Σ E_mb ⊙ ∂L/∂E_mb
 * into the encoder variables, summing the variable gradients.
 *
 * Exact when the encoders are deterministic (no dropout or other randomness between the passes).
 * Costs about two forward passes. The caller applies `grads` and disposes `value` and `grads`.
 *
 * @see https://arxiv.org/abs/2101.06983
 * @example
 * const { value, grads } = cachedContrastive({ queryInputs, docInputs, embedQueries: encode,
 *   loss: (q, d) => infoNceLoss(q, d), miniBatchSize: 16 });
 * optimizer.applyGradients(grads); tf.dispose([value, ...Object.values(grads)]);
 */
export function cachedContrastive(options: CachedContrastiveOptions): CachedContrastiveResult {
  const { miniBatchSize } = resolveOptions(FN, OPTIONS, options, { miniBatchSize: 32 });
  const variableList = options.variables;
  if (
    variableList !== undefined &&
    !(Array.isArray(variableList) && variableList.every((v) => v instanceof tf.Variable))
  ) {
    invalidOption(FN, 'variables', 'an array of tf.Variable', variableList);
  }
  const embedQueries = options.embedQueries;
  const embedDocs = options.embedDocs ?? embedQueries;
  const queryInputs = toTensor(options.queryInputs, FN, 'options.queryInputs');
  let docInputs: tf.Tensor;
  try {
    docInputs = toTensor(options.docInputs, FN, 'options.docInputs');
  } catch (error) {
    if (queryInputs !== options.queryInputs) queryInputs.dispose();
    throw error;
  }
  const owned = [queryInputs, docInputs].filter(
    (t, i) => t !== (i === 0 ? options.queryInputs : options.docInputs),
  );
  try {
    for (const [name, t] of [
      ['queryInputs', queryInputs],
      ['docInputs', docInputs],
    ] as const) {
      if (t.rank === 0 || t.shape[0] === 0) {
        throw new XentError('EMPTY_BATCH', {
          fn: FN,
          argument: name,
          expected: 'at least one row',
          received: `[${t.shape.join(', ')}]`,
        });
      }
    }
    // Stage 1: embeddings without a graph.
    const queries = embedWithoutGraph(embedQueries, queryInputs, miniBatchSize);
    const docs = embedWithoutGraph(embedDocs, docInputs, miniBatchSize);
    // Stage 2: loss and ∂L/∂embeddings.
    let value: tf.Scalar;
    let gradQ: tf.Tensor;
    let gradD: tf.Tensor;
    try {
      const result = tf.valueAndGrads((q: tf.Tensor, d: tf.Tensor) => options.loss(q, d) as tf.Scalar)([
        queries,
        docs,
      ]);
      value = result.value;
      [gradQ, gradD] = result.grads as [tf.Tensor, tf.Tensor];
    } finally {
      tf.dispose([queries, docs]);
    }
    // Stage 3: per mini-batch, backpropagate the cached embedding gradients into the variables.
    const grads: tf.NamedTensorMap = {};
    try {
      const variables = options.variables as tf.Variable[] | undefined;
      const backprop = (embed: (x: tf.Tensor) => tf.Tensor, inputs: tf.Tensor, cached: tf.Tensor) => {
        const rows = inputs.shape[0]!;
        for (let start = 0; start < rows; start += miniBatchSize) {
          const size = Math.min(miniBatchSize, rows - start);
          const part = tf.variableGrads(
            () =>
              tf.tidy(() =>
                tf.sum(tf.mul(embed(tf.slice(inputs, start, size)), tf.slice(cached, start, size))),
              ) as tf.Scalar,
            variables,
          );
          part.value.dispose();
          addInto(grads, part.grads);
        }
      };
      backprop(embedQueries, queryInputs, gradQ);
      backprop(embedDocs, docInputs, gradD);
    } catch (error) {
      tf.dispose([value, ...Object.values(grads)]);
      throw error;
    } finally {
      tf.dispose([gradQ, gradD]);
    }
    return { value, grads };
  } finally {
    tf.dispose(owned);
  }
}
