/**
 * Scale: forward + backward at a Llama-3-size vocabulary on wasm (N=4096, V=128256, D=512).
 * npx tsx packages/cce/bench/scale.ts [--dense]   (--dense tries the dense baseline instead)
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { machineLine } from '@xent/bench';
import { useBackend } from '@xent/testing';
import { args, cceForwardBackward, denseForwardBackward, makeProblem } from './problems.js';

const a = args();
const [n, v, d] = [Number(a.n ?? 4096), Number(a.v ?? 128256), Number(a.d ?? 512)];
if (!(await useBackend('wasm'))) throw new Error('no wasm');
console.log(machineLine());
const p = makeProblem(n, v, d, 'random');
const start = performance.now();
const cpu0 = process.cpuUsage();
const out = tf.tidy(() => (a.dense ? denseForwardBackward(p, tf.oneHot(p.y, v)) : cceForwardBackward(p)));
const values = await Promise.all(out.map((t) => t.data()));
const cpu = process.cpuUsage(cpu0);
const finite = values.every((x) => x.every(Number.isFinite));
console.log(
  `${a.dense ? 'dense' : 'linearCrossEntropy'} N=${n} V=${v} D=${d}: loss ${values[0]![0]!.toFixed(4)} ` +
    `(ln V = ${Math.log(v).toFixed(4)}), all gradients finite: ${finite}, wall ${((performance.now() - start) / 1e3).toFixed(1)} s, ` +
    `CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s, peak RSS ${(Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) / 2 ** 20).toFixed(2)} GiB`,
);
