// The fused path's driver: runs the backend's three CCE kernels over tiles that fit its limits. Only
// `registerFusedBackend` (the `cpu`/`webgpu` entries) reaches this module, so an app that never imports
// a kernel entry does not bundle it.
import * as tf from '@tensorflow/tfjs-core';
import { XentError } from '@xent/core';
import { blocks } from './chunk-plan.js';
import type { CceEngine, CceSettings } from './engine.js';
import {
  CCE_BACKWARD_CLASSIFIER,
  CCE_BACKWARD_EMBEDDINGS,
  CCE_FORWARD,
  type CceKernelAttrs,
  type FusedBackend,
} from './kernels-api.js';

function attrsOf(settings: CceSettings): CceKernelAttrs {
  return {
    softcap: settings.softcap,
    filterEps: settings.filterEps,
    needSum: settings.needSum,
    vocabBlock: settings.vocabBlock ?? 0,
    tokenBlock: settings.tokenBlock ?? 0,
  };
}

type Tile = {
  e: tf.Tensor;
  c: tf.Tensor;
  y: tf.Tensor;
  bias?: tf.Tensor;
  t0: number;
  t1: number;
  v0: number;
  v1: number;
};

/**
 * Runs the kernels over (token block × vocabulary slice) pieces small enough for the backend's buffer
 * and dispatch limits; one piece (no copies) when everything fits.
 */
export function tiledEngine(backend: FusedBackend): CceEngine {
  const plan = (e: tf.Tensor2D, c: tf.Tensor2D, hasBias: boolean) => {
    const [n, d] = e.shape;
    const v = c.shape[0];
    const limit = backend.maxRows(d, hasBias);
    if (limit.tokens < 1 || limit.vocab < 1) {
      throw new XentError('BUFFER_LIMIT', {
        fn: 'linearCrossEntropy',
        argument: 'embeddings',
        expected: `rows of D = ${d} floats that fit the device's storage buffer limit`,
        received: `float32 [${n}, ${d}]`,
      });
    }
    return { tokenBlocks: blocks(n, limit.tokens), vocabBlocks: blocks(v, limit.vocab), n, d, v };
  };
  /** Calls `run` per tile; slices only when there is more than one. */
  const eachTile = (
    e: tf.Tensor2D,
    c: tf.Tensor2D,
    y: tf.Tensor1D,
    bias: tf.Tensor1D | undefined,
    run: (tile: Tile, i: number, j: number) => void,
  ) => {
    const { tokenBlocks, vocabBlocks, d } = plan(e, c, bias !== undefined);
    vocabBlocks.forEach(([v0, v1], j) => {
      const whole = vocabBlocks.length === 1;
      const cs = whole ? c : tf.slice(c, [v0, 0], [v1 - v0, d]);
      const bs = bias && !whole ? tf.slice(bias, [v0], [v1 - v0]) : bias;
      const ys = whole ? y : tf.sub(y, tf.scalar(v0, 'int32'));
      tokenBlocks.forEach(([t0, t1], i) => {
        const one = tokenBlocks.length === 1;
        const es = one ? e : tf.slice(e, [t0, 0], [t1 - t0, d]);
        const yb = one ? ys : tf.slice(ys, [t0], [t1 - t0]);
        run({ e: es, c: cs, y: yb, ...(bs ? { bias: bs } : {}), t0, t1, v0, v1 }, i, j);
        if (!one) tf.dispose([es, yb]);
      });
      if (!whole) tf.dispose([cs, bs, ys]);
    });
    return { tokenBlocks, vocabBlocks };
  };
  const inputsOf = (tile: Tile, extra: Record<string, tf.Tensor> = {}) => ({
    embeddings: tile.e,
    classifier: tile.c,
    targets: tile.y,
    ...(tile.bias ? { bias: tile.bias } : {}),
    ...extra,
  });

  return {
    forward(e, c, y, bias, settings) {
      const attrs = attrsOf(settings);
      const stats: tf.Tensor[][] = [];
      eachTile(e, c, y, bias, (tile, i, j) => {
        const part = tf.engine().runKernel(CCE_FORWARD, inputsOf(tile), attrs) as tf.Tensor2D;
        if (j === 0) stats[i] = [part];
        else {
          const merged = mergeStats(stats[i]![0]!, part);
          tf.dispose([stats[i]![0]!, part]);
          stats[i] = [merged];
        }
      });
      return tf.tidy(() => {
        const all =
          stats.length === 1
            ? stats[0]![0]!
            : tf.concat(
                stats.map((s) => s[0]!),
                0,
              );
        const [m, s, zy, sum] = tf.unstack(all, 1) as [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
        return { lse: tf.add(m, tf.log(s)) as tf.Tensor1D, targetLogit: zy, logitSum: sum };
      });
    },

    backward(e, c, y, bias, lse, coef, _aux, settings) {
      const attrs = attrsOf(settings);
      const d = e.shape[1];
      const dE: tf.Tensor[] = [];
      const dC: tf.Tensor[] = [];
      const { tokenBlocks } = eachTile(e, c, y, bias, (tile, i, j) => {
        const rows = tile.t1 - tile.t0;
        const one = rows === e.shape[0];
        const extra = {
          lse: one ? lse : tf.slice(lse, [tile.t0], [rows]),
          coef: one ? coef : tf.slice(coef, [tile.t0, 0], [rows, 3]),
        };
        const gE = tf.engine().runKernel(CCE_BACKWARD_EMBEDDINGS, inputsOf(tile, extra), attrs) as tf.Tensor;
        const gC = tf.engine().runKernel(CCE_BACKWARD_CLASSIFIER, inputsOf(tile, extra), attrs) as tf.Tensor;
        if (!one) tf.dispose([extra.lse, extra.coef]);
        accumulate(dE, i, gE);
        accumulate(dC, j, gC);
      });
      const dEmbeddings = (tokenBlocks.length === 1 ? dE[0]! : tf.concat(dE, 0)) as tf.Tensor2D;
      const packed = dC.length === 1 ? dC[0]! : tf.concat(dC, 0);
      if (tokenBlocks.length > 1) tf.dispose(dE);
      if (dC.length > 1) tf.dispose(dC);
      if (!bias) return { dEmbeddings, dClassifier: packed as tf.Tensor2D };
      const v = c.shape[0];
      const dClassifier = tf.slice(packed, [0, 0], [v, d]) as tf.Tensor2D;
      const dBias = tf.reshape(tf.slice(packed, [0, d], [v, 1]), [v]) as tf.Tensor1D;
      packed.dispose();
      return { dEmbeddings, dClassifier, dBias };
    },
  };
}

function accumulate(list: tf.Tensor[], index: number, value: tf.Tensor): void {
  const previous = list[index];
  if (!previous) {
    list[index] = value;
    return;
  }
  list[index] = tf.add(previous, value);
  tf.dispose([previous, value]);
}

/** Merges two `[n, 4]` partial statistics over disjoint vocabulary slices. */
function mergeStats(a: tf.Tensor, b: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const [ma, sa, za, ua] = tf.unstack(a, 1);
    const [mb, sb, zb, ub] = tf.unstack(b, 1);
    const m = tf.maximum(ma!, mb!);
    const s = tf.add(tf.mul(sa!, tf.exp(tf.sub(ma!, m))), tf.mul(sb!, tf.exp(tf.sub(mb!, m))));
    return tf.stack([m, s, tf.add(za!, zb!), tf.add(ua!, ub!)], 1) as tf.Tensor2D;
  });
}
