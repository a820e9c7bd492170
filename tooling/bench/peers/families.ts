/**
 * Our losses on wasm and on tfjs's cpu backend against their PyTorch peers on one CPU thread, forward +
 * backward, in alternating rounds in one run (process CPU time per call; every contender single-threaded).
 * The torch rounds run `families_torch.py` as a subprocess when the Python exists (`--python=`, default
 * /work/peers-venv/bin/python, with torch, pytorch-metric-learning and sentence-transformers); without it
 * the torch column is skipped. CI never runs this.
 *
 * pnpm script tooling/bench/peers/families.ts [--cases=ce,ms,ms-mined,mnrl] [--rounds=3] [--iterations=5]
 *   [--backends=wasm,cpu]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '@xent/testing';
// Relative source imports: this harness spans three packages and is no package's dependency.
import { crossEntropyLoss } from '../../../packages/losses/src/index.js';
import { multiSimilarityLoss } from '../../../packages/metric/src/index.js';
import { infoNceLoss } from '../../../packages/retrieval/src/index.js';
import { machineLine, time } from '../src/index.js';

const a = Object.fromEntries(
  process.argv.slice(2).map((x) => x.replace(/^--/, '').split('=') as [string, string]),
);
const python = a.python ?? '/work/peers-venv/bin/python';
const script = fileURLToPath(new URL('./families_torch.py', import.meta.url));
const rounds = Number(a.rounds ?? 3);
const iterations = Number(a.iterations ?? 5);
const backends = (a.backends ?? 'wasm,cpu').split(',') as Array<'wasm' | 'cpu'>;

interface Case {
  readonly title: string;
  /** Builds the inputs (on the active backend) and returns one forward + backward call. */
  readonly make: () => { run: () => tf.Tensor[]; inputs: tf.Tensor[] };
}

/** Forward + backward of `loss` with respect to every float input. */
function valueAndGrads(loss: (...x: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[]) {
  return () => {
    const { value, grads } = tf.valueAndGrads((...x: tf.Tensor[]) => loss(...x) as tf.Scalar)(inputs);
    return [value, ...grads];
  };
}

/** Multi-similarity on [512, 128] embeddings of 64 classes, with or without the ε-mining step. */
function multiSimilarity(mining: boolean) {
  const x = tf.randomNormal([512, 128], 0, 1, 'float32', 1);
  const y = tf.randomUniform([512], 0, 64, 'int32', 2);
  return { inputs: [x, y], run: valueAndGrads((e) => multiSimilarityLoss(e!, y, { mining }), [x]) };
}

const CASES: Record<string, Case> = {
  ce: {
    title: 'cross-entropy, logits [2048, 1000] (torch: F.cross_entropy)',
    make: () => {
      const x = tf.randomNormal([2048, 1000], 0, 1, 'float32', 1);
      const y = tf.randomUniform([2048], 0, 1000, 'int32', 2);
      return { inputs: [x, y], run: valueAndGrads((logits) => crossEntropyLoss(logits!, y), [x]) };
    },
  },
  ms: {
    title: 'multi-similarity, [512, 128], 64 classes, no mining (torch: PML MultiSimilarityLoss)',
    make: () => multiSimilarity(false),
  },
  'ms-mined': {
    title: 'multi-similarity with ε-mining (our default; torch: + MultiSimilarityMiner(0.1))',
    make: () => multiSimilarity(true),
  },
  mnrl: {
    title: 'MNRL / InfoNCE, queries and docs [256, 384], scale 20 (torch: ST MNRL computation)',
    make: () => {
      const q = tf.randomNormal([256, 384], 0, 1, 'float32', 1);
      const d = tf.randomNormal([256, 384], 0, 1, 'float32', 2);
      return { inputs: [q, d], run: valueAndGrads((x, z) => infoNceLoss(x!, z!), [q, d]) };
    },
  },
};

async function cpuMs(fn: () => tf.Tensor[], calls: number): Promise<number> {
  const before = process.cpuUsage();
  await time(
    () => {
      const out = fn();
      out[0]!.dataSync();
      tf.dispose(out);
    },
    { warmup: 0, iterations: calls },
  );
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e3 / calls;
}

function torchMs(name: string): { ms: number; version: string } | undefined {
  if (!existsSync(python)) return undefined;
  const run = spawnSync(python, [script, name, String(iterations)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`torch peer ${name} failed: ${run.stderr}`);
  const out = JSON.parse(run.stdout.trim().split('\n').pop()!) as { cpu_ms: number; torch: string };
  return { ms: out.cpu_ms, version: out.torch };
}

await useBackend(backends[0]!);
console.log(`${machineLine()} (backends: ${backends.join(', ')})`);
if (!existsSync(python)) console.log(`(no ${python}: torch column skipped)`);
const header = backends.flatMap((b) => [`ours ${b} ms`, `${b} / torch`]);
console.log(`| loss | torch 1 thread ms | ${header.join(' | ')} |`);
console.log(`|---|---:|${header.map(() => '---:').join('|')}|`);
let version = '';
for (const name of (a.cases ?? 'ce,ms,ms-mined,mnrl').split(',')) {
  const spec = CASES[name]!;
  const ours: Record<string, number> = {};
  let torch: number | undefined;
  const problems: Record<string, ReturnType<Case['make']>> = {};
  for (const backend of backends) {
    if (!(await useBackend(backend))) continue;
    problems[backend] = spec.make();
    await cpuMs(problems[backend]!.run, 2); // warm-up: kernels, V8
    ours[backend] = 0;
  }
  for (let round = 0; round < rounds; round++) {
    for (const backend of Object.keys(problems)) {
      await useBackend(backend as 'wasm' | 'cpu');
      // The cpu backend is 10–80× slower: fewer calls there keep a round short.
      const calls = backend === 'cpu' ? Math.max(1, Math.ceil(iterations / 5)) : iterations;
      ours[backend]! += (await cpuMs(problems[backend]!.run, calls)) / rounds;
    }
    const t = torchMs(name);
    if (t) {
      torch = (torch ?? 0) + t.ms / rounds;
      version = t.version;
    }
  }
  for (const backend of Object.keys(problems)) {
    await useBackend(backend as 'wasm' | 'cpu');
    tf.dispose(problems[backend]!.inputs);
  }
  const cells = backends.flatMap((b) =>
    ours[b] === undefined
      ? ['—', '—']
      : [ours[b]!.toFixed(1), torch ? `${(ours[b]! / torch).toFixed(2)}×` : '—'],
  );
  console.log(`| ${spec.title} | ${torch?.toFixed(1) ?? '—'} | ${cells.join(' | ')} |`);
}
if (version) console.log(`(torch ${version}, torch.set_num_threads(1); ${rounds} alternating rounds)`);
