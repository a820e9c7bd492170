// `pnpm --filter @xent/consumer bundle-size`: packs and installs the packages like the consumer tests,
// then prints the bundle-size table for BENCHMARKS.md.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { budgetFor, KIB, measure, residueBytes } from './bundle-size.js';
import { NODE_FIXTURES } from './paths.js';
import { consumerProject, TFJS } from './projects.js';
import { lastJson, run } from './run.js';
import { stage } from './stage.js';

const packages = ['@xent/losses', '@xent/distill', '@xent/metric', '@xent/retrieval', '@xent/cce'];
const staged = stage();
const dir = consumerProject(staged, 'sizes', packages, [`@tensorflow/tfjs@${TFJS}`], [NODE_FIXTURES]);
const names = lastJson<Record<string, string[]>>(
  run(process.execPath, [join(dir, 'loss-names.mjs'), ...packages.filter((p) => p !== '@xent/cce')], dir),
);
names['@xent/cce'] = ['linearCrossEntropy'];
const rows = await measure(dir, names);
console.log('| package | import | minified | budget |\n|---|---|---:|---:|');
for (const r of rows) {
  const budget =
    r.what.startsWith('(') || r.what === '/register'
      ? ''
      : `${budgetFor(r.pkg) / KIB} KiB${r.bytes > budgetFor(r.pkg) ? ' **over**' : ''}`;
  console.log(`| ${r.pkg} | ${r.what} | ${(r.bytes / KIB).toFixed(1)} KiB (${r.bytes} B) | ${budget} |`);
}
console.log('\n| package | residue (nothing imported, sideEffects ignored) |\n|---|---:|');
for (const pkg of packages) console.log(`| ${pkg} | ${await residueBytes(dir, pkg)} B |`);
rmSync(staged.dir, { recursive: true, force: true });
