// Does tfjs-wasm's threaded SIMD build help here? Serves tfjs's UMD builds to headless Chromium twice —
// once without and once with cross-origin isolation (COOP: same-origin, COEP: require-corp), which is
// what enables SharedArrayBuffer and so the threaded binary — and times, in the page, a 1024³ matMul
// and tf.losses.softmaxCrossEntropy forward + backward on [2048, 1000] (median of alternating calls).
//   node --import tsx tooling/consumer/src/wasm-threads-study.ts [--calls=15]
// (Node cannot use the threaded build: tfjs-wasm 4.22 disables it there, and forcing
// WASM_HAS_MULTITHREAD_SUPPORT fails with ERR_WORKER_PATH on its blob: worker URL.)
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { launchBrowser } from './chromium.js';

const require = createRequire(new URL('../../../packages/testing/package.json', import.meta.url));
const tfjs = dirname(require.resolve('@tensorflow/tfjs/package.json'));
const wasm = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
const calls = Number(process.argv.find((a) => a.startsWith('--calls='))?.split('=')[1] ?? 15);

const FILES: Record<string, [string, string]> = {
  '/tf.min.js': [join(tfjs, 'dist/tf.min.js'), 'text/javascript'],
  '/tf-backend-wasm.min.js': [join(wasm, 'dist/tf-backend-wasm.min.js'), 'text/javascript'],
};
for (const name of [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
])
  FILES[`/wasm/${name}`] = [join(wasm, 'dist', name), 'application/wasm'];

const PAGE = `<!doctype html><script src="/tf.min.js"></script><script src="/tf-backend-wasm.min.js"></script>
<script>
window.run = async (calls) => {
  tf.wasm.setWasmPaths('/wasm/');
  if (self.crossOriginIsolated) tf.wasm.setThreadsCount(navigator.hardwareConcurrency);
  await tf.setBackend('wasm');
  const a = tf.randomNormal([1024, 1024]), b = tf.randomNormal([1024, 1024]);
  const logits = tf.randomNormal([2048, 1000]);
  const labels = tf.oneHot(tf.randomUniform([2048], 0, 1000, 'int32'), 1000);
  const matmul = () => { const c = tf.matMul(a, b); c.dataSync(); c.dispose(); };
  const ce = () => { const g = tf.grad((x) => tf.losses.softmaxCrossEntropy(labels, x))(logits); g.dataSync(); g.dispose(); };
  const median = (xs) => xs.sort((x, y) => x - y)[xs.length >> 1];
  const times = { matmul: [], ce: [] };
  matmul(); ce();
  for (let i = 0; i < calls; i++) {
    for (const [name, fn] of [['matmul', matmul], ['ce', ce]]) {
      const t = performance.now(); fn(); times[name].push(performance.now() - t);
    }
  }
  return { isolated: self.crossOriginIsolated, threads: tf.wasm.getThreadsCount(), simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'), multithread: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'), cores: navigator.hardwareConcurrency,
    matmulMs: median(times.matmul), ceMs: median(times.ce) };
};
</script>`;

async function measure(isolated: boolean) {
  const server = createServer((req, res) => {
    const headers: Record<string, string> = isolated
      ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }
      : {};
    const file = FILES[req.url ?? ''];
    if (file) res.writeHead(200, { ...headers, 'Content-Type': file[1] }).end(readFileSync(file[0]));
    else res.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const browser = await launchBrowser();
  try {
    const page = await browser.context.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    return (await page.evaluate(`window.run(${calls})`)) as Record<string, unknown>;
  } finally {
    await browser.close();
    server.close();
  }
}

const plain = await measure(false);
const threaded = await measure(true);
console.log(JSON.stringify({ plain, threaded }));
console.log(
  '| page | crossOriginIsolated | XNNPACK threads | 1024³ matMul ms | softmaxCrossEntropy fwd+bwd [2048, 1000] ms |',
);
console.log('|---|---|---:|---:|---:|');
for (const [name, r] of [
  ['plain (SIMD build)', plain],
  ['COOP + COEP (threaded SIMD build)', threaded],
] as const)
  console.log(
    `| ${name} | ${r.isolated} | ${r.threads} | ${(r.matmulMs as number).toFixed(1)} | ${(r.ceMs as number).toFixed(1)} |`,
  );
