import * as tf from '@tensorflow/tfjs-core';
import { readSyncIfPossible } from '@xent/core';
import { blocks, type CceEngine, type CceForward, type CceGradients, type CceSettings } from './engine.js';

const DEFAULT_VOCAB_BLOCK = 512;
const DEFAULT_TOKEN_BLOCK = 2048;

function capped(z: tf.Tensor, softcap: number): tf.Tensor {
  return softcap > 0 ? tf.mul(tf.tanh(tf.div(z, softcap)), softcap) : z;
}

/** `f(x)` in its own scope, then disposes `x`: keeps at most a couple of tiles alive at a time. */
function then<T extends tf.Tensor>(x: tf.Tensor, f: (x: tf.Tensor) => T): T {
  const y = tf.tidy(() => f(x));
  x.dispose();
  return y;
}

/** Logits of one tile, `[tokens, vocab]`, from a pre-transposed classifier chunk `[D, vocab]`. */
function tileLogits(e: tf.Tensor2D, ct: tf.Tensor2D, bias: tf.Tensor1D | undefined, softcap: number) {
  let z: tf.Tensor = tf.matMul(e, ct); // no transposes: XNNPACK on wasm
  if (bias) z = then(z, (x) => tf.add(x, bias));
  return softcap > 0 ? then(z, (x) => capped(x, softcap)) : z;
}

/** Copies row blocks into one tensor: through the host where reads are synchronous (no 2× peak). */
function assembleRows(pieces: tf.Tensor2D[], rows: number, cols: number): tf.Tensor2D {
  if (pieces.length === 1) return pieces[0]!;
  const host = new Float32Array(rows * cols);
  let offset = 0;
  for (const [i, piece] of pieces.entries()) {
    const data = readSyncIfPossible(piece);
    if (data === undefined) {
      const joined = tf.concat(pieces.slice(i), 0);
      tf.dispose(pieces.slice(i));
      if (offset === 0) return joined as tf.Tensor2D;
      const head = tf.tensor2d(host.subarray(0, offset), [offset / cols, cols]);
      const all = tf.concat([head, joined], 0) as tf.Tensor2D;
      tf.dispose([head, joined]);
      return all;
    }
    host.set(data as Float32Array, offset);
    offset += data.length;
    piece.dispose();
  }
  return tf.tensor2d(host, [rows, cols]);
}

/**
 * The chunked composite path: tfjs ops over `[tokenBlock, vocabBlock]` tiles, merged by online
 * log-sum-exp. Forward keeps per-tile row maxima (`aux [N, tiles]`) so the backward pass can skip
 * tiles whose softmax is below the filter threshold without recomputing them. Peak extra memory is a
 * few `tokenBlock × vocabBlock` tiles plus the gradients.
 */
export const chunkedEngine: CceEngine = {
  forward(e, c, targets, bias, settings): CceForward {
    const [n, d] = e.shape;
    const v = c.shape[0];
    const tokenBlocks = blocks(n, settings.tokenBlock ?? DEFAULT_TOKEN_BLOCK);
    const vocabBlocks = blocks(v, settings.vocabBlock ?? DEFAULT_VOCAB_BLOCK);
    const maxima: tf.Tensor[] = tokenBlocks.map(() => tf.zeros([0]));
    const sums: tf.Tensor[] = tokenBlocks.map(() => tf.zeros([0]));
    const logitSums: tf.Tensor[] = tokenBlocks.map(() => tf.zeros([0]));
    const tileMax: tf.Tensor[][] = tokenBlocks.map(() => []);
    for (const [v0, v1] of vocabBlocks) {
      const ct = tf.tidy(() => tf.transpose(tf.slice(c, [v0, 0], [v1 - v0, d])) as tf.Tensor2D);
      const bc = bias ? tf.slice(bias, [v0], [v1 - v0]) : undefined;
      tokenBlocks.forEach(([t0, t1], i) => {
        const eBlock = tf.slice(e, [t0, 0], [t1 - t0, d]) as tf.Tensor2D;
        const zh = tileLogits(eBlock, ct, bc, settings.softcap);
        eBlock.dispose();
        const next = tf.tidy(() => {
          const m = tf.max(zh, 1);
          const s = tf.tidy(() => tf.sum(tf.exp(tf.sub(zh, tf.expandDims(m, 1))), 1));
          const z = settings.needSum ? tf.sum(zh, 1) : tf.zeros([t1 - t0]);
          if (v0 === 0) return [m, s, z, tf.clone(m)];
          const mm = tf.maximum(maxima[i]!, m);
          const ss = tf.add(
            tf.mul(sums[i]!, tf.exp(tf.sub(maxima[i]!, mm))),
            tf.mul(s, tf.exp(tf.sub(m, mm))),
          );
          return [mm, ss, tf.add(logitSums[i]!, z), m];
        });
        zh.dispose();
        tf.dispose([maxima[i]!, sums[i]!, logitSums[i]!]);
        [maxima[i], sums[i], logitSums[i]] = next as [tf.Tensor, tf.Tensor, tf.Tensor];
        tileMax[i]!.push(next[3]!);
      });
      tf.dispose([ct, bc]);
    }
    const result = tf.tidy(() => {
      const m = tf.concat(maxima, 0);
      const lse = tf.add(m, tf.log(tf.concat(sums, 0))) as tf.Tensor1D;
      const ids = tf.clipByValue(targets, 0, v - 1);
      const dot = tf.sum(tf.mul(e, tf.gather(c, ids)), 1);
      const zy = capped(bias ? tf.add(dot, tf.gather(bias, ids)) : dot, settings.softcap);
      const inRange = tf.logicalAnd(tf.greaterEqual(targets, 0), tf.less(targets, v));
      const aux = tf.concat(
        tileMax.map((row) => tf.stack(row, 1)),
        0,
      );
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
    const tokenBlocks = blocks(n, settings.tokenBlock ?? DEFAULT_TOKEN_BLOCK);
    const vocabBlocks = blocks(v, settings.vocabBlock ?? DEFAULT_VOCAB_BLOCK);
    const skip = skippedTiles(targets, lse, coef, aux, tokenBlocks, vocabBlocks, settings);
    const [a, b, cc] = tf.split(coef, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const dE: tf.Tensor[] = tokenBlocks.map(([t0, t1]) => tf.zeros([t1 - t0, d]));
    const dC: tf.Tensor2D[] = [];
    const dB: tf.Tensor[] = [];
    vocabBlocks.forEach(([v0, v1], j) => {
      const width = v1 - v0;
      const cBlock = tf.slice(c, [v0, 0], [width, d]);
      const ct = tf.transpose(cBlock) as tf.Tensor2D;
      const bc = bias ? tf.slice(bias, [v0], [width]) : undefined;
      let dCBlock: tf.Tensor = tf.zeros([width, d]);
      let dBBlock: tf.Tensor = tf.zeros([width]);
      tokenBlocks.forEach(([t0, t1], i) => {
        if (skip?.[i]?.[j]) return;
        const rows = t1 - t0;
        const eBlock = tf.slice(e, [t0, 0], [rows, d]) as tf.Tensor2D;
        const zh = tileLogits(eBlock, ct, bc, settings.softcap);
        let g = tf.tidy(() =>
          tf.mul(
            tf.exp(tf.sub(zh, tf.expandDims(tf.slice(lse, [t0], [rows]), 1))),
            tf.slice(a, [t0, 0], [rows, 1]),
          ),
        );
        if (settings.needSum) g = then(g, (x) => tf.sub(x, tf.slice(cc, [t0, 0], [rows, 1])));
        g = then(g, (x) => {
          const ids = tf.expandDims(tf.slice(targets, [t0], [rows]), 1);
          const hot = tf.cast(tf.equal(ids, tf.range(v0, v1, 1, 'int32')), 'float32');
          return tf.sub(x, tf.mul(hot, tf.slice(b, [t0, 0], [rows, 1])));
        });
        if (settings.softcap > 0) {
          const s = settings.softcap;
          g = then(g, (x) => tf.mul(x, tf.sub(1, tf.square(tf.div(zh, s)))));
        }
        zh.dispose();
        const gT = tf.transpose(g) as tf.Tensor2D;
        const dEi = tf.tidy(() => tf.add(dE[i]!, tf.matMul(g as tf.Tensor2D, cBlock)));
        const dBj = tf.tidy(() => tf.add(dBBlock, tf.sum(g, 0)));
        g.dispose();
        const dCj = tf.tidy(() => tf.add(dCBlock, tf.matMul(gT, eBlock)));
        tf.dispose([gT, eBlock]);
        tf.dispose([dE[i]!, dCBlock, dBBlock]);
        dE[i] = dEi;
        dCBlock = dCj;
        dBBlock = dBj;
      });
      tf.dispose([cBlock, ct, bc]);
      dC.push(dCBlock as tf.Tensor2D);
      dB.push(dBBlock);
    });
    tf.dispose([a, b, cc]);
    const dEmbeddings = (dE.length === 1 ? dE[0]! : tf.concat(dE, 0)) as tf.Tensor2D;
    if (dE.length > 1) tf.dispose(dE);
    const dClassifier = assembleRows(dC, v, d);
    const dBias = bias ? (tf.concat(dB, 0) as tf.Tensor1D) : undefined;
    if (dB.length > 1 || !bias) tf.dispose(dB);
    return dBias ? { dEmbeddings, dClassifier, dBias } : { dEmbeddings, dClassifier };
  },
};

/**
 * `skip[i][j]`: in token block i × vocab block j every row that carries gradient (non-zero
 * coefficients) has all softmax values below ε (by the forward pass's tile maxima) and no target.
 * Undefined when filtering is off or reads are asynchronous.
 */
function skippedTiles(
  targets: tf.Tensor1D,
  lse: tf.Tensor1D,
  coef: tf.Tensor2D,
  aux: tf.Tensor | undefined,
  tokenBlocks: ReadonlyArray<readonly [number, number]>,
  vocabBlocks: ReadonlyArray<readonly [number, number]>,
  settings: CceSettings,
): boolean[][] | undefined {
  if (settings.filterEps <= 0 || !aux) return undefined;
  const y = readSyncIfPossible(targets);
  const l = readSyncIfPossible(lse);
  const m = readSyncIfPossible(aux);
  const k = readSyncIfPossible(coef);
  if (!y || !l || !m || !k) return undefined;
  const logEps = Math.log(settings.filterEps);
  const tiles = vocabBlocks.length;
  return tokenBlocks.map(([t0, t1]) =>
    vocabBlocks.map(([v0, v1], j) => {
      for (let r = t0; r < t1; r++) {
        if (k[3 * r] === 0 && k[3 * r + 1] === 0 && k[3 * r + 2] === 0) continue;
        const target = y[r]!;
        if (target >= v0 && target < v1) return false;
        if (m[r * tiles + j]! - l[r]! >= logEps) return false;
      }
      return true;
    }),
  );
}
