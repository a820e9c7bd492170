// The @xent/cce memory panel: dense cross-entropy vs linearCrossEntropy for chosen N, V, D.
import { compareMemory } from '../lib/memory.js';
import { h } from './dom.js';
import { showError } from './errors.js';

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;

export function memoryPanel(activeBackend: () => string): HTMLElement {
  const input = (name: string, value: number) =>
    h('label', {}, `${name} `, h('input', { type: 'number', min: 1, step: 1, value, 'data-memory': name }));
  const out = h('div', { 'data-testid': 'memory-results' });
  const button = h('button', { type: 'button', 'data-testid': 'memory-run' }, 'Measure');
  const panel = h(
    'section',
    { className: 'panel', id: 'memory' },
    h('h2', {}, 'Memory: dense cross-entropy vs linearCrossEntropy'),
    h(
      'p',
      { className: 'muted' },
      'Loss and gradients for E [N, D] and C [V, D] with random targets. Dense builds the [N, V] logits; ',
      h('code', {}, 'linearCrossEntropy'),
      ' from @xent/cce never does. Peak = live tensor bytes above the inputs (tf.profile).',
    ),
    h('div', { className: 'row' }, input('N', 256), input('V', 8192), input('D', 64), button),
    out,
  );
  button.addEventListener('click', async () => {
    const read = (name: string) =>
      Number(panel.querySelector<HTMLInputElement>(`[data-memory="${name}"]`)!.value);
    const [n, v, d] = [read('N'), read('V'), read('D')];
    if (![n, v, d].every((x) => Number.isInteger(x) && x > 0)) {
      showError('N, V and D must be positive integers', 'memory panel');
      return;
    }
    button.disabled = true;
    out.replaceChildren(h('p', { className: 'muted' }, `measuring on ${activeBackend()}…`));
    try {
      const results = await compareMemory(n, v, d);
      const dense = results[0]!;
      out.replaceChildren(
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
        h('p', { className: 'muted' }, `backend ${activeBackend()}, N=${n}, V=${v}, D=${d}`),
        results.length > 1
          ? ''
          : h(
              'p',
              { className: 'warn' },
              'linearCrossEntropy is not registered (the @xent/cce package is not in this workspace); only dense was measured.',
            ),
      );
    } catch (error) {
      out.replaceChildren();
      showError(error, 'memory panel');
    } finally {
      button.disabled = false;
    }
  });
  return panel;
}
