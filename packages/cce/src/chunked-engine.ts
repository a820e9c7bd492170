import { accumulateSum, consume, readSyncIfPossible, rowBlockWriter, takeRows } from '@xent/core';
import { chunkPlan } from './chunk-plan.js';
import type { CceEngine, CceForward, CceGradients, CceSettings } from './engine.js';
import * as tf from './tf.js';

function capped(z: tf.Tensor, softcap: number): tf.Tensor {
  return softcap > 0 ? tf.mul(tf.tanh(tf.div(z, softcap)), softcap) : z;
}

/** Bias and soft-cap applied to raw logits (disposes `z` when it changes it). */
function finishLogits(z: tf.Tensor, bias: tf.Tensor | undefined, softcap: number): tf.Tensor {
  const biased = bias ? consume(z, (x) => tf.add(x, bias)) : z;
  return softcap > 0 ? consume(biased, (x) => capped(x, softcap)) : biased;
}

/** Rows `[start, end)` of `x`: `x` itself when that is all of it (no copy; see {@link release}). */
function rowsOf<T extends tf.Tensor>(x: T, start: number, end: number): T {
  return start === 0 && end === x.shape[0] ? x : takeRows(x, start, end - start);
}

/** Disposes the blocks of {@link rowsOf} that are copies. */
function release(whole: tf.Tensor | undefined, ...blocks: Array<tf.Tensor | undefined>): void {
  for (const block of blocks) if (block && block !== whole) block.dispose();
}

/**
 * The chunked composite path: tfjs ops over `[tokenBlock, vocabBlock]` tiles (sizes from
 * {@link chunkPlan}). Forward keeps each tile's per-row log-sum-exp and merges them once at the end
 * (one log-sum-exp over the tiles); their largest value per tile minus the row's LSE, log Σ_tile p ≥
 * log max_tile p, is kept (`aux`) so the backward pass can skip tiles whose softmax is below the filter
 * threshold without recomputing them. Peak extra memory is a few tiles and one classifier block plus
 * the gradients.
 *
 * On tfjs-wasm every block is cut with core's `takeRows` (wasm's `slice` copies the whole input through
 * the host: V²·D for the classifier), E is cut into token blocks once, and both passes work on
 * transposed tiles `ẑᵀ = C_j·E_iᵀ` (E_iᵀ made once per token block), so XNNPACK gets plain operands,
 * `dC_j = Gᵀ·E_i` needs no transpose and the classifier block is never transposed: only the tile, once
 * per pass (for the forward's row statistics, and for `dE_i = G·C_j`).
 */
export const chunkedEngine: CceEngine = {
  forward(e, c, targets, bias, settings): CceForward {
    const [n, d] = e.shape;
    const v = c.shape[0];
    const { tokenBlocks, vocabBlocks } = chunkPlan(n, v, d, settings);
    const eT = tokenBlocks.map(([t0, t1]) => tf.tidy(() => tf.transpose(rowsOf(e, t0, t1)) as tf.Tensor2D));
    // Per token block: each tile's row LSEs [rows] (and Σẑ, summed over the tiles, when needed).
    const tileLse: tf.Tensor[][] = tokenBlocks.map(() => []);
    const logitSums: Array<tf.Tensor | undefined> = [];
    for (const [v0, v1] of vocabBlocks) {
      const cBlock = rowsOf(c, v0, v1);
      const bc = bias ? rowsOf(bias, v0, v1) : undefined;
      eT.forEach((x, i) => {
        // The tile (C_j·E_iᵀ)ᵀ: XNNPACK gets plain (untransposed) operands, E_iᵀ is made once per token
        // block and the classifier block is never transposed here.
        const zh = finishLogits(
          consume(tf.matMul(cBlock, x), (t) => tf.transpose(t)),
          bc,
          settings.softcap,
        );
        tileLse[i]!.push(tf.logSumExp(zh, 1));
        if (settings.needSum) logitSums[i] = accumulateSum(logitSums[i], tf.sum(zh, 1));
        zh.dispose();
      });
      release(c, cBlock);
      release(bias, bc);
    }
    tf.dispose(eT);
    const result = tf.tidy(() => {
      const stacked = tileLse.map((row) => tf.stack(row, 1)); // [rows, tiles]
      const lses = stacked.map((x) => tf.logSumExp(x, 1));
      const ids = tf.clipByValue(targets, 0, v - 1);
      const dot = tf.sum(tf.mul(e, tf.gather(c, ids)), 1);
      const zy = capped(bias ? tf.add(dot, tf.gather(bias, ids)) : dot, settings.softcap);
      // Per tile (i, j): max over its rows of (tile LSE − LSE): T·J numbers (not N·J), packed row-major
      // into ⌈T·J / N⌉ columns of N rows for the op's [N, 3 + k] value.
      // No filter statistic for one vocabulary block: each tile holds its rows' targets (none is skipped).
      const top =
        vocabBlocks.length > 1 &&
        tf.concat(
          stacked.map((x, i) => tf.max(tf.sub(x, tf.expandDims(lses[i]!, 1)), 0)),
          0,
        );
      const columns = top ? Math.ceil(top.size / n) : 0;
      return {
        lse: tf.concat(lses, 0) as tf.Tensor1D,
        // 0 where the target is outside [0, V) (its clipped id differs).
        targetLogit: tf.mul(zy, tf.cast(tf.equal(ids, targets), 'float32')) as tf.Tensor1D,
        logitSum: (settings.needSum ? tf.concat(logitSums as tf.Tensor[], 0) : tf.zeros([n])) as tf.Tensor1D,
        ...(top && { aux: tf.reshape(tf.pad(top, [[0, columns * n - top.size]]), [n, columns]) }),
      };
    });
    tf.dispose([tileLse, logitSums as tf.Tensor[]]);
    return result;
  },

  backward(e, c, targets, bias, lse, coef, aux, settings): CceGradients {
    const [n, d] = e.shape;
    const v = c.shape[0];
    const { tokenBlocks, vocabBlocks } = chunkPlan(n, v, d, settings);
    const skip = skippedTiles(targets, aux, tokenBlocks, vocabBlocks, settings);
    const eRows = tokenBlocks.map(([t0, t1]) => rowsOf(e, t0, t1));
    // Per token block, once: Eᵢᵀ, the row vectors (LSE, a, b, c) as [1, rows] rows of the transposed
    // tiles, and the targets.
    const vectors = tf.concat([tf.reshape(lse, [1, n]), tf.transpose(coef)]);
    const perRow = tokenBlocks.map(([t0, t1], i) =>
      tf.tidy(() => [
        tf.transpose(eRows[i]!) as tf.Tensor2D,
        ...[0, 1, 2, 3].map((r) => tf.slice(vectors, [r, t0], [1, t1 - t0])),
        tf.slice(targets, t0, t1 - t0),
      ]),
    );
    vectors.dispose();
    const dE: Array<tf.Tensor | undefined> = [];
    const dC = rowBlockWriter(v, [d]);
    const dB = bias && rowBlockWriter(v, []);
    vocabBlocks.forEach(([v0, v1], j) => {
      const width = v1 - v0;
      const cBlock = rowsOf(c, v0, v1);
      const bc = bias ? tf.tidy(() => tf.reshape(rowsOf(bias, v0, v1), [width, 1])) : undefined;
      let dCBlock: tf.Tensor | undefined;
      let dBBlock: tf.Tensor | undefined;
      perRow.forEach(([eT, rowLse, a, b, k, y], i) => {
        if (skip?.[i]?.[j]) return;
        // Gᵀ = (a·p − c − b·onehot)·(1 − (ẑ/s)²) as a [vocab, tokens] tile: at most three tiles alive
        // (four with a softcap, whose factor is made first so that ẑᵀ goes at once).
        const zh = finishLogits(tf.matMul(cBlock, eT as tf.Tensor2D), bc, settings.softcap);
        const s = settings.softcap;
        const factor = s > 0 ? tf.tidy(() => tf.sub(1, tf.square(tf.div(zh, s)))) : undefined;
        let g = consume(
          consume(
            consume(zh, (x) => tf.sub(x, rowLse!)),
            (x) => tf.exp(x),
          ),
          (x) => tf.mul(x, a!),
        );
        if (settings.needSum) g = consume(g, (x) => tf.sub(x, k!));
        // b_n at (y_n − v0, n): a one-hot of the local ids (rows whose target is outside the block get
        // none; tfjs's oneHot needs a depth ≥ 2).
        const hot = consume(
          tf.tidy(() => {
            const h = tf.oneHot(tf.sub(y!, tf.tensor1d([v0], 'int32')) as tf.Tensor1D, Math.max(width, 2));
            return tf.transpose(width < 2 ? tf.slice(h, [0, 0], [y!.size, 1]) : h);
          }),
          (x) => tf.mul(x, b!),
        );
        g = consume(g, (x) => tf.sub(x, hot));
        hot.dispose();
        if (factor) {
          g = consume(g, (x) => tf.mul(x, factor));
          factor.dispose();
        }
        dCBlock = accumulateSum(dCBlock, tf.matMul(g as tf.Tensor2D, eRows[i]!));
        if (bias) dBBlock = accumulateSum(dBBlock, tf.sum(g, 1));
        // dE_i += G·C_j: the tile's one transpose (the classifier block is never transposed).
        dE[i] = accumulateSum(
          dE[i],
          consume(g, (x) => tf.matMul(tf.transpose(x) as tf.Tensor2D, cBlock)),
        );
      });
      release(c, cBlock);
      bc?.dispose();
      dC.write(v0, dCBlock ?? tf.zeros([width, d]));
      dB?.write(v0, dBBlock ?? tf.zeros([width]));
    });
    release(e, ...eRows);
    tf.dispose(perRow);
    const dEWriter = rowBlockWriter(n, [d]);
    tokenBlocks.forEach(([t0, t1], i) => {
      dEWriter.write(t0, dE[i] ?? tf.zeros([t1 - t0, d]));
    });
    const grads = { dEmbeddings: dEWriter.finish() as tf.Tensor2D, dClassifier: dC.finish() as tf.Tensor2D };
    return dB ? { ...grads, dBias: dB.finish() as tf.Tensor1D } : grads;
  },
};

/**
 * `skip[i][j]`: each row's softmax mass in token block i × vocab block j is below ε (by the forward
 * pass's per-tile largest log Σ softmax), hence every value, and no row of the block has its target there. Undefined when
 * filtering is off or reads are asynchronous.
 */
function skippedTiles(
  targets: tf.Tensor1D,
  aux: tf.Tensor | undefined,
  tokenBlocks: ReadonlyArray<readonly [number, number]>,
  vocabBlocks: ReadonlyArray<readonly [number, number]>,
  settings: CceSettings,
): boolean[][] | undefined {
  const y = readSyncIfPossible(targets);
  const m = settings.filterEps > 0 && aux && readSyncIfPossible(aux);
  if (!y || !m) return undefined;
  const logEps = Math.log(settings.filterEps);
  return tokenBlocks.map(([t0, t1], i) =>
    vocabBlocks.map(([v0, v1], j) => {
      if (m[i * vocabBlocks.length + j]! >= logEps) return false;
      for (let r = t0; r < t1; r++) if (y[r]! >= v0 && y[r]! < v1) return false;
      return true;
    }),
  );
}
