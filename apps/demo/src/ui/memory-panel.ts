// The @xent/cce memory panel: dense cross-entropy vs linearCrossEntropy for chosen N, V, D, measured in a
// Web Worker (the page stays responsive; a failed measurement replaces the worker, nothing else), with an
// estimate shown before running and a size limit per backend.
import type { BackendName } from '../lib/backend.js';
import { estimateDenseBytes, MEMORY_LIMITS, type MemoryResult } from '../lib/memory.js';
import type { WorkerReply, WorkerRequest } from '../lib/memory-worker.js';
import { h } from './dom.js';
import { showError } from './errors.js';
import { Plot } from './plots.js';

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;
const size = (bytes: number) => (bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(2)} GiB` : mb(bytes));

/** A measurement that takes longer than this is abandoned (the worker is terminated). */
const TIMEOUT_MS = 120_000;

function resultsTable(results: readonly MemoryResult[], label: string): (HTMLElement | string)[] {
  const dense = results[0]!;
  return [
    h(
      'div',
      { className: 'scroll-x' },
      h(
        'table',
        {},
        h(
          'tr',
          {},
          h('th', {}, 'method'),
          h('th', {}, 'peak'),
          h('th', {}, 'time'),
          h('th', {}, 'loss'),
          h('th', {}, 'peak vs dense'),
        ),
        ...results.map((r) =>
          h(
            'tr',
            {
              'data-method': r.method,
              'data-peak-bytes': r.peakBytes,
              'data-ms': r.milliseconds.toFixed(1),
            },
            h('td', {}, r.method),
            h('td', {}, mb(r.peakBytes)),
            h('td', {}, `${r.milliseconds.toFixed(0)} ms`),
            h('td', {}, r.loss.toFixed(4)),
            h('td', {}, `${(r.peakBytes / dense.peakBytes).toFixed(2)}×`),
          ),
        ),
      ),
    ),
    h('p', { className: 'muted' }, label),
    results.length > 1
      ? ''
      : h(
          'p',
          { className: 'warn' },
          'linearCrossEntropy is not registered (the @xent/cce package is not in this workspace); only dense was measured.',
        ),
  ];
}

export function memoryPanel(activeBackend: () => string): HTMLElement {
  const input = (name: string, value: number) =>
    h('label', {}, `${name} `, h('input', { type: 'number', min: 1, step: 1, value, 'data-memory': name }));
  const out = h('div', { 'data-testid': 'memory-results' });
  const estimate = h('p', { className: 'muted', 'data-testid': 'memory-estimate' });
  const status = h('div', { className: 'row', 'data-testid': 'memory-status', hidden: true });
  const button = h('button', { type: 'button', 'data-testid': 'memory-run' }, 'Measure');
  const sweepButton = h(
    'button',
    { type: 'button', 'data-testid': 'memory-sweep', title: 'V/16, V/8, V/4, V/2 and V at this N and D' },
    'Sweep V',
  );
  const peakPlot = new Plot('memory-peak');
  const timePlot = new Plot('memory-time');
  const sweepCharts = h('div', { className: 'charts', hidden: true }, peakPlot.element, timePlot.element);
  const cancel = h('button', { type: 'button', 'data-testid': 'memory-cancel', hidden: true }, 'Cancel');
  const panel = h(
    'section',
    { className: 'panel', id: 'memory' },
    h('h2', {}, 'Memory: dense cross-entropy vs linearCrossEntropy'),
    h(
      'p',
      { className: 'muted' },
      'Loss and gradients for E [N, D] and C [V, D] with random targets, in a background worker on the active backend. Dense builds the [N, V] logits; ',
      h('code', {}, 'linearCrossEntropy'),
      ' from @xent/cce never does. Peak = live tensor bytes above the inputs (tf.profile).',
    ),
    h(
      'div',
      { className: 'row' },
      input('N', 256),
      input('V', 8192),
      input('D', 64),
      button,
      sweepButton,
      cancel,
    ),
    estimate,
    status,
    out,
    sweepCharts,
  );
  const read = (name: string) =>
    Number(panel.querySelector<HTMLInputElement>(`[data-memory="${name}"]`)!.value);
  const limitOf = (backend: string) => MEMORY_LIMITS[backend] ?? 2 ** 30;
  const showEstimate = () => {
    const [n, v, d] = [read('N'), read('V'), read('D')];
    if (![n, v, d].every((x) => Number.isInteger(x) && x > 0)) {
      estimate.textContent = 'N, V and D must be positive integers.';
      return;
    }
    const bytes = estimateDenseBytes(n, v, d);
    const backend = activeBackend();
    const limit = limitOf(backend);
    estimate.textContent = `Estimated dense peak ${size(bytes)} (limit on ${backend}: ${size(limit)})${bytes > limit ? ' — too large, lower N or V' : ''}.`;
    estimate.className = bytes > limit ? 'warn' : 'muted';
  };
  panel.addEventListener('input', showEstimate);
  showEstimate();

  let worker: Worker | undefined;
  let abandon: (() => void) | undefined;
  const newWorker = () => new Worker(new URL('../lib/memory-worker.ts', import.meta.url), { type: 'module' });
  /** Terminates the worker (a trapped wasm heap stays broken), so the next measurement gets a fresh one. */
  const dropWorker = () => {
    worker?.terminate();
    worker = undefined;
  };

  const measure = (request: WorkerRequest) =>
    new Promise<{ backend: string; results: MemoryResult[] }>((resolve, reject) => {
      worker ??= newWorker();
      const w = worker;
      const started = performance.now();
      const tick = setInterval(() => {
        elapsed.textContent = `${((performance.now() - started) / 1000).toFixed(0)} s`;
      }, 500);
      const text = h('span', {}, 'starting the worker…');
      const elapsed = h('span', { className: 'muted' }, '0 s');
      status.replaceChildren(h('progress', {}), text, elapsed);
      const finish = () => {
        clearInterval(tick);
        clearTimeout(timer);
        w.removeEventListener('message', onMessage);
        w.removeEventListener('error', onError);
        abandon = undefined;
      };
      const fail = (message: string) => {
        finish();
        dropWorker();
        reject(new Error(message));
      };
      const timer = setTimeout(
        () => fail(`no result after ${TIMEOUT_MS / 1000} s; the measurement was stopped`),
        TIMEOUT_MS,
      );
      const onMessage = (event: MessageEvent<WorkerReply>) => {
        const reply = event.data;
        if (reply.type === 'progress') text.textContent = reply.text;
        else if (reply.type === 'done') {
          finish();
          resolve(reply);
        } else fail(reply.message);
      };
      const onError = (event: ErrorEvent) => fail(event.message || 'the measurement worker crashed');
      abandon = () => fail('cancelled');
      w.addEventListener('message', onMessage);
      w.addEventListener('error', onError);
      w.postMessage(request);
    });

  cancel.addEventListener('click', () => abandon?.());

  /** N, V, D from the inputs, or undefined (with the error shown). */
  const readSizes = (): [number, number, number] | undefined => {
    const sizes: [number, number, number] = [read('N'), read('V'), read('D')];
    if (sizes.every((x) => Number.isInteger(x) && x > 0)) return sizes;
    showError('N, V and D must be positive integers', 'memory panel');
    return undefined;
  };

  /** Runs `work` with the buttons disabled and the progress line shown; a failure is reported. */
  const busyRun = async (what: string, work: () => Promise<void>) => {
    button.disabled = true;
    sweepButton.disabled = true;
    cancel.hidden = false;
    status.hidden = false;
    out.replaceChildren();
    try {
      await work();
    } catch (error) {
      out.replaceChildren(
        h(
          'p',
          { className: 'warn', 'data-testid': 'memory-failed' },
          `The ${what} failed; the next measurement starts a fresh worker.`,
        ),
      );
      showError(error, 'memory panel');
    } finally {
      button.disabled = false;
      sweepButton.disabled = false;
      cancel.hidden = true;
      status.hidden = true;
    }
  };

  // Sweep: dense vs linearCrossEntropy over V (sizes over the limit are left out), peak and time charts.
  sweepButton.addEventListener('click', async () => {
    const sizes = readSizes();
    if (!sizes) return;
    const [n, v, d] = sizes;
    const backend = activeBackend();
    const vocabularies = [16, 8, 4, 2, 1]
      .map((k) => Math.max(1, Math.round(v / k)))
      .filter((candidate) => estimateDenseBytes(n, candidate, d) <= limitOf(backend));
    if (vocabularies.length === 0) {
      showError(
        `no V up to ${v} fits the ${size(limitOf(backend))} limit on ${backend} at N=${n}`,
        'memory panel',
      );
      return;
    }
    const points = new Map<string, { peak: [number, number][]; ms: [number, number][] }>();
    sweepCharts.hidden = false;
    await busyRun('sweep', async () => {
      for (const vocabulary of vocabularies) {
        const reply = await measure({ n, v: vocabulary, d, backend: backend as BackendName });
        for (const r of reply.results) {
          const entry = points.get(r.method) ?? { peak: [], ms: [] };
          entry.peak.push([vocabulary, r.peakBytes / 2 ** 20]);
          entry.ms.push([vocabulary, r.milliseconds]);
          points.set(r.method, entry);
        }
        const lines = (key: 'peak' | 'ms') =>
          [...points].map(([method, p], index) => ({ label: method, index, points: p[key] }));
        peakPlot.update(lines('peak'), {
          title: `peak memory over V (N=${n}, D=${d}, ${reply.backend})`,
          xLabel: 'V (classes)',
          yLabel: 'peak (MiB)',
          decimals: 2,
          unit: ' MiB',
        });
        timePlot.update(lines('ms'), {
          title: 'loss + gradients time over V (one run each, incl. warm-up)',
          xLabel: 'V (classes)',
          yLabel: 'time (ms)',
          decimals: 0,
          unit: ' ms',
        });
      }
      sweepCharts.dataset.done = String(vocabularies.length);
    });
  });

  button.addEventListener('click', async () => {
    const sizes = readSizes();
    if (!sizes) return;
    const [n, v, d] = sizes;
    const backend = activeBackend();
    const bytes = estimateDenseBytes(n, v, d);
    if (bytes > limitOf(backend)) {
      out.replaceChildren();
      showError(
        `N=${n}, V=${v}, D=${d}: the dense method would need about ${size(bytes)}, over the ${size(limitOf(backend))} limit on ${backend}; lower N or V`,
        'memory panel',
      );
      return;
    }
    await busyRun('measurement', async () => {
      const reply = await measure({ n, v, d, backend: backend as BackendName });
      out.replaceChildren(
        ...resultsTable(reply.results, `backend ${reply.backend} (worker), N=${n}, V=${v}, D=${d}`),
      );
    });
  });
  return panel;
}
