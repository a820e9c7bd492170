// `pnpm --filter @xent/demo check-presets [id…] [key=value…]`: trains each recommended comparison in Node (tfjs cpu
// backend, the playground's own Run, data, scenario and seed) and prints every run's final and best metric,
// final ECE and tail-class accuracy, so the claims in the presets' texts can be checked. Slow on purpose
// (minutes per preset on 2 cores): run it when a preset or a loss changes, not in CI.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { registry } from '@xent/core';
import { type Family, planInputs } from '../src/lib/adapters.js';
import type { Dataset, Split } from '../src/lib/datasets.js';
import { optionFields, readOptions } from '../src/lib/options-form.js';
import { PRESETS } from '../src/lib/presets.js';
import { applyScenario } from '../src/lib/scenario.js';
import { parseState, trainConfig } from '../src/lib/state.js';
import { Run, type Teacher, trainTeacher } from '../src/lib/train.js';
import { registerVariants } from '../src/lib/variants.js';
import { dataReady, prepareData, publicDir } from './prepare-data.js';

const packages = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'packages');
for (const name of readdirSync(packages)) {
  try {
    await import(pathToFileURL(join(packages, name, 'src', 'register.ts')).href);
  } catch {
    // no register entry
  }
}
registerVariants();
await tf.setBackend('cpu');
if (!dataReady()) prepareData();

function split(name: 'train' | 'test'): Split {
  const images = readFileSync(join(publicDir, 'data', `mnist-${name}-images.bin`));
  const labels = readFileSync(join(publicDir, 'data', `mnist-${name}-labels.bin`));
  return { x: Float32Array.from(images, (v) => v / 255), y: Int32Array.from(labels), count: labels.length };
}
const mnist: Dataset = {
  id: 'mnist',
  name: 'MNIST',
  dim: 784,
  numClasses: 10,
  train: split('train'),
  test: split('test'),
  hidden: [64],
  teacherHidden: [256],
  embeddingDim: 32,
  planar: false,
};

const pct = (v: number | undefined) => (v === undefined ? '–' : `${(v * 100).toFixed(1)} %`);
// Arguments: preset ids, and `key=value` URL parameters laid over every chosen preset (e.g.
// `teacher teacherAccuracy=0` for the same comparison with a fully trained teacher).
const args = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const overrides = Object.fromEntries(args.filter((a) => a.includes('=')).map((a) => a.split('=', 2)));
const wanted = args.filter((a) => !a.includes('='));
for (const preset of PRESETS.filter((p) => wanted.length === 0 || wanted.includes(p.id))) {
  const state = parseState(new URLSearchParams({ ...preset.params, ...overrides }));
  const family: Family = state.family;
  const dataset = applyScenario(mnist, family, state.scenario, state.seed);
  const config = trainConfig(state);
  const changed = Object.entries(overrides).map(([k, v]) => `${k}=${v}`);
  console.log(`\n${preset.id}: ${preset.title}${changed.length ? ` (with ${changed.join(', ')})` : ''}`);
  let teacher: Teacher | undefined;
  if (family === 'distillation') {
    // As the page: twice the students' steps (at most 600), stopped early at the scenario's accuracy.
    teacher = await trainTeacher(dataset, config, Math.min(600, config.steps * 2), () => {}, undefined, {
      targetAccuracy: state.scenario.teacherAccuracy,
      temperature: state.scenario.teacherTemperature,
    });
    console.log(`  teacher: ${pct(teacher.accuracy)} after ${teacher.steps} steps`);
  }
  for (const name of state.losses) {
    const loss = registry.list({ family }).find((fn) => fn.spec.name === name);
    if (!loss) {
      console.log(`  ${name}: not registered`);
      continue;
    }
    const plan = planInputs(loss.spec);
    if (!plan.supported) throw new Error(`${name}: ${plan.reason}`);
    const options = readOptions(optionFields(loss.spec), state.options[name] ?? {});
    const run = new Run(loss, options, plan, family, dataset, config, teacher);
    while (!run.finished) await run.trainStep();
    const last = run.evaluations.at(-1)!;
    const best = run.evaluations.reduce((b, e) => (e.accuracy > b.accuracy ? e : b));
    const tail = dataset.multiLabel ? undefined : last.classAccuracy?.slice(5);
    console.log(
      `  ${name.padEnd(26)} final ${pct(last.accuracy)}  best ${pct(best.accuracy)} @${best.step}` +
        (last.f1 === undefined ? '' : `  F1 ${pct(last.f1)}`) +
        (last.ece === undefined ? '' : `  ECE ${last.ece.toFixed(3)}`) +
        (last.meanAp === undefined ? '' : `  mAP ${pct(last.meanAp)}`) +
        (last.roc === undefined ? '' : `  AUC ${last.roc.auc.toFixed(3)}`) +
        (tail ? `  tail ${pct(tail.reduce((a, b) => a + b, 0) / tail.length)}` : ''),
    );
    run.dispose();
  }
  teacher?.model.dispose();
}
