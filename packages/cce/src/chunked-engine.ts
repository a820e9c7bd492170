import { readSyncIfPossible, rowBlockWriter, takeRows } from '@xent/core';
import { chunkPlan } from './chunk-plan.js';
import { blocks, type CceEngine, type CceForward, type CceGradients, type CceSettings } from './engine.js';
import * as tf from './tf.js';

type Ranges = ReadonlyArray<readonly [number, number]>;

function capped(z: tf.Tensor, softcap: number): tf.Tensor {
  return softcap > 0 ? tf.mul(tf.tanh(tf.div(z, softcap)), softcap) : z;
}

/** `f(x)` in its own scope, then disposes `x`: keeps at most a couple of tiles alive at a time. */
function then<T extends tf.Tensor>(x: tf.Tensor, f: (x: tf.Tensor) => T): T {
  const y = tf.tidy(() => f(x));
  x.dispose();
  return y;
}

/** `sum + x` (disposing both), or `x` when there is no sum yet. */
function accumulate(sum: tf.Tensor | undefined, x: tf.Tensor): tf.Tensor {
  if (!sum) return x;
  const next = tf.add(sum, x);
  tf.dispose([sum, x]);
  return next;
}

/** Bias and soft-cap applied to raw logits (disposes `z` when it changes it). */
function finishLogits(z: tf.Tensor, bias: tf.Tensor | undefined, softcap: number): tf.Tensor {
  const biased = bias ? then(z, (x) => tf.add(x, bias)) : z;
  return softcap > 0 ? then(biased, (x) => capped(x, softcap)) : biased;
}

/**
 * Logits of one tile `[tokens, vocab]` for the forward pass, with no transpose of the classifier block
 * when the batch is narrower than D: then `(C_j·E_iᵀ)ᵀ` (E_iᵀ made once per token block, the transpose
 * is of the tile), else `E_i·C_jᵀ` through a transposed classifier block. Both feed XNNPACK plain
 * (untransposed) operands; tfjs-wasm's transpose costs about as much per float either way.
 */
function forwardTile(
  eBlock: tf.Tensor2D,
  eT: tf.Tensor2D | undefined,
  cBlock: tf.Tensor2D,
  bias: tf.Tensor1D | undefined,
  softcap: number,
): tf.Tensor {
  const z = eT
    ? then(tf.matMul(cBlock, eT), (x) => tf.transpose(x))
    : tf.tidy(() => tf.matMul(eBlock, tf.transpose(cBlock) as tf.Tensor2D));
  return finishLogits(z, bias, softcap);
}

/** Rows `[start, end)` of `x`: `x` itself when that is all of it (no copy; see {@link release}). */
function rowsOf<T extends tf.Tensor>(x: T, start: number, end: number): T {
  return start === 0 && end === x.shape[0] ? x : takeRows(x, start, end - start);
}

/** Disposes the blocks of {@link rowsOf} that are copies. */
function release(whole: tf.Tensor | undefined, ...blocks: Array<tf.Tensor | undefined>): void {
  for (const block of blocks) if (block && block !== whole) block.dispose();
}

/** The token blocks of E (E itself when there is one: no copy). */
function tokenRows(e: tf.Tensor2D, tokenBlocks: Ranges): tf.Tensor2D[] {
  if (tokenBlocks.length === 1) return [e];
  return tokenBlocks.map(([t0, t1]) => takeRows(e, t0, t1 - t0));
}

function disposeRows(e: tf.Tensor2D, rows: tf.Tensor2D[]): void {
  if (rows.length > 1 || rows[0] !== e) tf.dispose(rows);
}

/**
 * Where host reads are synchronous: per (token block i, vocabulary block j), the targets inside the
 * tile as `[vocab row, token row]` pairs local to the tile (undefined: none).
 */
function targetCells(
  targets: tf.Tensor1D,
  tokenBlocks: Ranges,
  vocabBlocks: Ranges,
): number[][][][] | undefined {
  const y = readSyncIfPossible(targets);
  if (!y) return undefined;
  const width = vocabBlocks[0]![1] - vocabBlocks[0]![0];
  const v = vocabBlocks[vocabBlocks.length - 1]![1];
  return tokenBlocks.map(([t0, t1]) => {
    const cells: number[][][] = [];
    for (let r = t0; r < t1; r++) {
      const target = y[r]!;
      if (target < 0 || target >= v) continue;
      const j = Math.floor(target / width);
      const cell = [target - j * width, r - t0];
      if (cells[j]) cells[j].push(cell);
      else cells[j] = [cell];
    }
    return cells;
  });
}

/**
 * `b_n` at `(y_n, n)` of a transposed `[vocab, tokens]` tile, else 0: a scatter of the tile's targets
 * where they are known on the host (a broadcast `equal` costs ~50× a plain op on tfjs-wasm), else a
 * comparison.
 */
function targetTile(
  cells: number[][] | undefined,
  known: boolean,
  v0: number,
  v1: number,
  y: tf.Tensor,
  b: tf.Tensor,
) {
  const width = v1 - v0;
  const rows = b.shape[1]!;
  return tf.tidy(() => {
    if (!known) {
      const hot = tf.cast(tf.equal(tf.reshape(tf.range(v0, v1, 1, 'int32'), [width, 1]), y), 'float32');
      return tf.mul(hot, b);
    }
    const at = tf.tensor2d(cells!.flat(), [cells!.length, 2], 'int32');
    const values = tf.gather(
      tf.reshape(b, [rows]),
      tf.tensor1d(
        cells!.map((cell) => cell[1]!),
        'int32',
      ),
    );
    return tf.scatterND(at, values, [width, rows]);
  });
}

/**
 * The chunked composite path: tfjs ops over `[tokenBlock, vocabBlock]` tiles (sizes from
 * {@link chunkPlan}), merged by online log-sum-exp. Forward keeps each tile's largest log-softmax value (`aux`)
 * so the backward pass can skip tiles whose softmax is below the filter threshold without recomputing
 * them. Peak extra memory is a few tiles and one classifier block plus the gradients.
 *
 * On tfjs-wasm every block is cut with core's `takeRows` (wasm's `slice` copies the whole input through
 * the host: V²·D for the classifier), E is cut into token blocks once, and the backward pass works on
 * transposed tiles `Gᵀ = f(C_j·E_iᵀ)` so that `dC_j = Gᵀ·E_i` needs no transpose and the classifier block
 * is never transposed (only the tile, once, for `dE_i = G·C_j`).
 */
export const chunkedEngine: CceEngine = {
  forward(e, c, targets, bias, settings): CceForward {
    const [n, d] = e.shape;
    const v = c.shape[0];
    const plan = chunkPlan(n, v, d, settings);
    const tokenBlocks = blocks(n, plan.tokenBlock);
    const vocabBlocks = blocks(v, plan.vocabBlock);
    const eRows = tokenRows(e, tokenBlocks);
    const eT = plan.tokenBlock < d ? eRows.map((x) => tf.transpose(x) as tf.Tensor2D) : undefined;
    const maxima: tf.Tensor[] = tokenBlocks.map(() => tf.zeros([0]));
    const sums: tf.Tensor[] = tokenBlocks.map(() => tf.zeros([0]));
    const logitSums: tf.Tensor[] = tokenBlocks.map(() => tf.zeros([0]));
    const tileMax: tf.Tensor[][] = tokenBlocks.map(() => []);
    for (const [v0, v1] of vocabBlocks) {
      const cBlock = rowsOf(c, v0, v1);
      const bc = bias ? rowsOf(bias, v0, v1) : undefined;
      tokenBlocks.forEach(([t0, t1], i) => {
        const zh = forwardTile(eRows[i]!, eT?.[i], cBlock, bc, settings.softcap);
        const m = tf.max(zh, 1);
        // exp(ẑ − m) summed per row, one tile alive at a time besides ẑ.
        const s = then(
          then(
            tf.tidy(() => tf.sub(zh, tf.expandDims(m, 1))),
            (x) => tf.exp(x),
          ),
          (x) => tf.sum(x, 1),
        );
        const z = settings.needSum ? tf.sum(zh, 1) : tf.zeros([t1 - t0]);
        zh.dispose();
        const next = tf.tidy(() => {
          if (v0 === 0) return [tf.clone(m), tf.clone(s), tf.clone(z)];
          const mm = tf.maximum(maxima[i]!, m);
          const ss = tf.add(
            tf.mul(sums[i]!, tf.exp(tf.sub(maxima[i]!, mm))),
            tf.mul(s, tf.exp(tf.sub(m, mm))),
          );
          return [mm, ss, tf.add(logitSums[i]!, z)];
        });
        tf.dispose([s, z, maxima[i]!, sums[i]!, logitSums[i]!]);
        [maxima[i], sums[i], logitSums[i]] = next as [tf.Tensor, tf.Tensor, tf.Tensor];
        tileMax[i]!.push(m);
      });
      release(c, cBlock);
      release(bias, bc);
    }
    disposeRows(e, eRows);
    if (eT) tf.dispose(eT);
    const result = tf.tidy(() => {
      const m = tf.concat(maxima, 0);
      const lse = tf.add(m, tf.log(tf.concat(sums, 0))) as tf.Tensor1D;
      const ids = tf.clipByValue(targets, 0, v - 1);
      const dot = tf.sum(tf.mul(e, tf.gather(c, ids)), 1);
      const zy = capped(bias ? tf.add(dot, tf.gather(bias, ids)) : dot, settings.softcap);
      const inRange = tf.logicalAnd(tf.greaterEqual(targets, 0), tf.less(targets, v));
      // Per tile (i, j): max over its rows of (row max − LSE), its largest log-softmax value: T·J numbers
      // (not N·J), packed column-major into ⌈T·J / N⌉ columns of N rows for the op's [N, 2 + k] value.
      const top = tf.concat(
        tileMax.map((row, i) => {
          const [t0, t1] = tokenBlocks[i]!;
          return tf.max(tf.sub(tf.stack(row, 1), tf.expandDims(tf.slice(lse, [t0], [t1 - t0]), 1)), 0);
        }),
        0,
      );
      const columns = Math.ceil(top.size / n);
      const aux = tf.transpose(tf.reshape(tf.pad(top, [[0, columns * n - top.size]]), [columns, n]));
      return {
        lse,
        targetLogit: tf.where(inRange, zy, tf.zerosLike(zy)) as tf.Tensor1D,
        logitSum: tf.concat(logitSums, 0) as tf.Tensor1D,
        aux,
      };
    });
    tf.dispose([...maxima, ...sums, ...logitSums, ...tileMax.flat()]);
    return result;
  },

  backward(e, c, targets, bias, lse, coef, aux, settings): CceGradients {
    const [n, d] = e.shape;
    const v = c.shape[0];
    const plan = chunkPlan(n, v, d, settings);
    const tokenBlocks = blocks(n, plan.tokenBlock);
    const vocabBlocks = blocks(v, plan.vocabBlock);
    const skip = skippedTiles(targets, coef, aux, tokenBlocks, vocabBlocks, settings);
    const cells = targetCells(targets, tokenBlocks, vocabBlocks);
    const eRows = tokenRows(e, tokenBlocks);
    // Per token block, once: Eᵢᵀ and the row vectors as [1, rows] rows of the transposed tiles.
    const perRow = tokenBlocks.map(([t0, t1], i) =>
      tf.tidy(() => {
        const rows = t1 - t0;
        const k = tf.transpose(tf.slice(coef, [t0, 0], [rows, 3]));
        return {
          eT: tf.transpose(eRows[i]!) as tf.Tensor2D,
          lse: tf.reshape(tf.slice(lse, [t0], [rows]), [1, rows]),
          a: tf.slice(k, [0, 0], [1, rows]),
          b: tf.slice(k, [1, 0], [1, rows]),
          c: tf.slice(k, [2, 0], [1, rows]),
          y: tf.reshape(tf.slice(targets, [t0], [rows]), [1, rows]),
        };
      }),
    );
    const dETransposed = d < plan.tokenBlock;
    const dE: Array<tf.Tensor | undefined> = tokenBlocks.map(() => undefined);
    const dC = rowBlockWriter(v, [d]);
    const dB: tf.Tensor[] = [];
    vocabBlocks.forEach(([v0, v1], j) => {
      const width = v1 - v0;
      const cBlock = rowsOf(c, v0, v1);
      // dE = G·C_j needs one transpose: of the classifier block when D is below the token block.
      const ct = dETransposed ? (tf.transpose(cBlock) as tf.Tensor2D) : undefined;
      const bc = bias ? tf.tidy(() => tf.reshape(rowsOf(bias, v0, v1), [width, 1])) : undefined;
      let dCBlock: tf.Tensor | undefined;
      let dBBlock: tf.Tensor | undefined;
      tokenBlocks.forEach((_, i) => {
        if (skip?.[i]?.[j]) return;
        const row = perRow[i]!;
        // Gᵀ = (a·p − c − b·onehot)·(1 − (ẑ/s)²) as a [vocab, tokens] tile, at most two tiles alive
        // besides ẑᵀ.
        const zh = finishLogits(tf.matMul(cBlock, row.eT), bc, settings.softcap);
        let g = then(
          then(
            tf.tidy(() => tf.sub(zh, row.lse)),
            (x) => tf.exp(x),
          ),
          (x) => tf.mul(x, row.a),
        );
        if (settings.needSum) g = then(g, (x) => tf.sub(x, row.c));
        const here = cells?.[i]?.[j];
        if (here || !cells) {
          const hot = targetTile(here, cells !== undefined, v0, v1, row.y, row.b);
          g = then(g, (x) => tf.sub(x, hot));
          hot.dispose();
        }
        if (settings.softcap > 0) {
          const s = settings.softcap;
          const factor = tf.tidy(() => tf.sub(1, tf.square(tf.div(zh, s))));
          g = then(g, (x) => tf.mul(x, factor));
          factor.dispose();
        }
        zh.dispose();
        dCBlock = accumulate(dCBlock, tf.matMul(g as tf.Tensor2D, eRows[i]!));
        if (bias) dBBlock = accumulate(dBBlock, tf.sum(g, 1));
        if (ct) {
          dE[i] = accumulate(dE[i], tf.matMul(ct, g as tf.Tensor2D)); // dEᵀ
          g.dispose();
        } else {
          const gT = then(g, (x) => tf.transpose(x) as tf.Tensor2D);
          dE[i] = accumulate(dE[i], tf.matMul(gT, cBlock));
          gT.dispose();
        }
      });
      release(c, cBlock);
      tf.dispose([ct, bc]);
      dC.write(v0, dCBlock ?? tf.zeros([width, d]));
      dB.push(dBBlock ?? tf.zeros([width]));
    });
    disposeRows(e, eRows);
    tf.dispose(perRow.flatMap((r) => [r.eT, r.lse, r.a, r.b, r.c, r.y]));
    const dEBlocks = dE.map((x, i) => {
      const rows = tokenBlocks[i]![1] - tokenBlocks[i]![0];
      if (!x) return tf.zeros([rows, d]);
      return dETransposed ? then(x, (t) => tf.transpose(t)) : x;
    });
    const dEmbeddings = (dEBlocks.length === 1 ? dEBlocks[0]! : tf.concat(dEBlocks, 0)) as tf.Tensor2D;
    if (dEBlocks.length > 1) tf.dispose(dEBlocks);
    const dClassifier = dC.finish() as tf.Tensor2D;
    const dBias = bias ? (tf.concat(dB, 0) as tf.Tensor1D) : undefined;
    if (dB.length > 1 || !bias) tf.dispose(dB);
    return dBias ? { dEmbeddings, dClassifier, dBias } : { dEmbeddings, dClassifier };
  },
};

/**
 * `skip[i][j]`: every softmax value of token block i × vocab block j is below ε (by the forward pass's
 * per-tile largest log-softmax value) and no row that carries gradient (non-zero coefficients) has its
 * target there.
 * Undefined when filtering is off or reads are asynchronous.
 */
function skippedTiles(
  targets: tf.Tensor1D,
  coef: tf.Tensor2D,
  aux: tf.Tensor | undefined,
  tokenBlocks: ReadonlyArray<readonly [number, number]>,
  vocabBlocks: ReadonlyArray<readonly [number, number]>,
  settings: CceSettings,
): boolean[][] | undefined {
  if (settings.filterEps <= 0 || !aux) return undefined;
  const y = readSyncIfPossible(targets);
  const m = readSyncIfPossible(aux);
  const k = readSyncIfPossible(coef);
  if (!y || !m || !k) return undefined;
  const logEps = Math.log(settings.filterEps);
  const tiles = vocabBlocks.length;
  const [n, columns] = aux.shape as [number, number];
  return tokenBlocks.map(([t0, t1], i) =>
    vocabBlocks.map(([v0, v1], j) => {
      // The tile's largest log-softmax value (forward: packed column-major, see there).
      const flat = i * tiles + j;
      if (m[(flat % n) * columns + Math.floor(flat / n)]! >= logEps) return false;
      for (let r = t0; r < t1; r++) {
        if (k[3 * r] === 0 && k[3 * r + 1] === 0 && k[3 * r + 2] === 0) continue;
        const target = y[r]!;
        if (target >= v0 && target < v1) return false;
      }
      return true;
    }),
  );
}
