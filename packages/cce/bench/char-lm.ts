/**
 * A small character-level language model trained with `linearCrossEntropy` + `shift` (issue 16), whose
 * output layer spans Unicode's first four planes (V = 2¹⁸ = 262,144 code points by default, every
 * assigned character outside the tag and private-use planes): with B·T = 640 tokens the dense
 * composite does not fit tfjs-wasm's heap, CCE trains it.
 *
 *   pnpm script packages/cce/bench/char-lm.ts [--v=262144] [--b=10] [--t=64] [--d=64] [--steps=20] [--lr=0.05] [--dense=true]
 *
 * Text: this repository's package READMEs and docs/ (`packages/* /README.md`, `docs/*.md`, sorted),
 * the last 10 % held out. Model: the hidden state at position t is tanh(W·[e(x_t), e(x_{t−1}),
 * e(x_{t−2})] + b) (32-dim input embeddings of the characters that occur, a trigram context), D = 64;
 * the classifier C [V, D] scores every code point below V; Adam; the loss is
 * `linearCrossEntropy(h [B, T, D], C, codePoints [B, T], { shift: 1 })` — the targets are the input
 * sequence itself, scored one position ahead without slicing h. Then the dense composite a user
 * would write on wasm (matMul + one-hot + tf.losses.softmaxCrossEntropy) is tried once on the same batch.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { machineLine } from '@xent/bench';
import { useBackend } from '@xent/testing';
import { linearCrossEntropy } from '../src/index.js';
import { peakHeapBytes } from './heap.js';
import { args } from './problems.js';

Error.stackTraceLimit = 40;
const a = args();
const V = Number(a.v ?? 2 ** 18);
const [B, T, D] = [Number(a.b ?? 10), Number(a.t ?? 64), Number(a.d ?? 64)];
const steps = Number(a.steps ?? 20);
const lr = Number(a.lr ?? 0.05);
const EMB = 32;
const CONTEXT = 3;
if (!(await useBackend('wasm'))) throw new Error('no wasm backend');

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const files = [
  ...readdirSync(join(root, 'packages'))
    .sort()
    .map((p) => join(root, 'packages', p, 'README.md')),
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => join(root, 'docs', f)),
].filter((f) => {
  try {
    readFileSync(f);
    return true;
  } catch {
    return false;
  }
});
const text = Array.from(files.map((f) => readFileSync(f, 'utf8')).join('\n'));
const codes = text.map((ch) => ch.codePointAt(0)!);
const alphabet = [...new Set(codes)].sort((x, y) => x - y);
const local = new Map(alphabet.map((cp, i) => [cp, i]));
if (alphabet.at(-1)! >= V) throw new Error(`code point ${alphabet.at(-1)} ≥ V = ${V}`);
const split = Math.floor(codes.length * 0.9);

// Seeded windows: T + CONTEXT − 1 characters each (the first CONTEXT − 1 only feed the context).
let seed = 12345;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
function batch(from: number, to: number) {
  const span = T + CONTEXT - 1;
  const starts = Array.from({ length: B }, () => from + Math.floor(random() * (to - from - span)));
  const inputs = starts.map((s) => codes.slice(s, s + span).map((cp) => local.get(cp)!));
  const targets = starts.map((s) => codes.slice(s + CONTEXT - 1, s + span));
  return { inputs: tf.tensor2d(inputs, [B, span], 'int32'), targets: tf.tensor2d(targets, [B, T], 'int32') };
}

const emb = tf.variable(tf.randomNormal([alphabet.length, EMB], 0, 0.1, 'float32', 1));
const w = tf.variable(tf.randomNormal([CONTEXT * EMB, D], 0, 1 / Math.sqrt(CONTEXT * EMB), 'float32', 2));
const bw = tf.variable(tf.zeros([D]));
const classifier = tf.variable(tf.randomNormal([V, D], 0, 0.02, 'float32', 3));

/** Hidden states [B, T, D]: position t sees characters t, t − 1, t − 2 of the window's last T. */
function hidden(inputs: tf.Tensor): tf.Tensor {
  // One-hot · table, not tf.gather: gather's gradient (UnsortedSegmentSum) has no wasm kernel.
  const span = T + CONTEXT - 1;
  const hot = tf.oneHot(tf.reshape(inputs, [B * span]), alphabet.length);
  const x = tf.reshape(tf.matMul(hot, emb), [B, span, EMB]);
  const ctx = tf.concat(
    Array.from({ length: CONTEXT }, (_, j) => tf.slice(x, [0, CONTEXT - 1 - j, 0], [B, T, EMB])),
    2,
  );
  return tf.tanh(tf.add(tf.reshape(tf.matMul(tf.reshape(ctx, [B * T, CONTEXT * EMB]), w), [B, T, D]), bw));
}
const loss = (inputs: tf.Tensor, targets: tf.Tensor) =>
  linearCrossEntropy(hidden(inputs), classifier, targets, { shift: 1, validate: false }) as tf.Scalar;

async function heldOut(): Promise<number> {
  let total = 0;
  for (let i = 0; i < 2; i++) {
    const { inputs, targets } = batch(split, codes.length);
    const value = tf.tidy(() => loss(inputs, targets));
    total += (await value.data())[0]!;
    tf.dispose([inputs, targets, value]);
  }
  return total / 2;
}

console.log(machineLine());
console.log(
  `text: ${files.length} files, ${codes.length} characters, ${alphabet.length} distinct; V = ${V}, B = ${B}, T = ${T}, D = ${D}, N = ${B * T} tokens (${B * (T - 1)} scored); Adam lr ${lr}`,
);
console.log(`one N×V float32 logits tensor would be ${((4 * B * T * V) / 2 ** 30).toFixed(2)} GiB`);
// Adam for everything. (At V = 1,114,112, tfjs's Adam update of C — two moment copies plus several
// [V, D] temporaries — does not fit tfjs-wasm's heap: it traps with "memory access out of bounds".)
const adam = tf.train.adam(lr);
const step = (inputs: tf.Tensor, targets: tf.Tensor): tf.Scalar =>
  adam.minimize(() => loss(inputs, targets), true, [emb, w, bw, classifier])!;
const curve: Array<{ step: number; loss: number; ms: number }> = [];
const before = await heldOut();
console.log(`held-out loss before training: ${before.toFixed(3)}`);
let heap = Number.NaN;
for (let i = 0; i < steps; i++) {
  const { inputs, targets } = batch(0, split);
  if (i === 1) {
    // One step's peak live wasm heap above the start, forward + backward (the optimizer update excluded).
    heap = await peakHeapBytes(() =>
      tf.grads((c: tf.Tensor) =>
        linearCrossEntropy(hidden(inputs), c, targets, { shift: 1, validate: false }),
      )([classifier]),
    );
  }
  const start = performance.now();
  const value = step(inputs, targets);
  const v = (await value.data())[0]!;
  curve.push({ step: i, loss: v, ms: performance.now() - start });
  console.log(`step ${i}: loss ${v.toFixed(4)} (${(performance.now() - start).toFixed(0)} ms)`);
  tf.dispose([inputs, targets, value]);
}
const after = await heldOut();
console.log(
  `held-out loss: ${before.toFixed(3)} → ${after.toFixed(3)} nats/char (${(after / Math.LN2).toFixed(2)} bits/char; ln V = ${Math.log(V).toFixed(2)})`,
);
console.log(
  `peak wasm heap of one forward + backward (CCE): ${(heap / 2 ** 20).toFixed(0)} MiB; tensors alive after training: ${(tf.memory().numBytes / 2 ** 20).toFixed(0)} MiB`,
);
console.log('| step | loss | ms |\n|---|---|---|');
for (const p of curve) console.log(`| ${p.step} | ${p.loss.toFixed(3)} | ${p.ms.toFixed(0)} |`);

if (a.dense !== 'false') {
  // The dense composite on the same batch: logits [N, V] and a one-hot [N, V].
  const { inputs, targets } = batch(0, split);
  const started = performance.now();
  try {
    const grads = tf.tidy(() =>
      tf.grads((c: tf.Tensor) => {
        const h = tf.reshape(tf.slice(hidden(inputs), [0, 0, 0], [B, T - 1, D]), [B * (T - 1), D]);
        const y = tf.reshape(tf.slice(targets, [0, 1], [B, T - 1]), [B * (T - 1)]);
        // What the package's other benchmarks call dense: one-hot labels + tf.losses.softmaxCrossEntropy.
        return tf.losses.softmaxCrossEntropy(tf.oneHot(y, V), tf.matMul(h, c, false, true));
      })([classifier]),
    );
    await grads[0]!.data();
    console.log(`dense: ran (${(performance.now() - started).toFixed(0)} ms)`);
    tf.dispose(grads);
  } catch (error) {
    console.log(
      `dense: failed after ${(performance.now() - started).toFixed(0)} ms: ${(error as Error).message.split('\n')[0]}`,
    );
  }
}
