// The playground page: backend, dataset, task family, losses (from the registry), training settings, live
// results and the memory panel.
import * as tf from '@tensorflow/tfjs-core';
import { registry } from '@xent/core';
import { FAMILIES, type Family } from '../lib/adapters.js';
import { activateBackend, BACKENDS, type BackendName, type GpuKind } from '../lib/backend.js';
import { type Dataset, loadMnist, spirals } from '../lib/datasets.js';
import { Run, type Teacher, type TrainConfig, trainTeacher } from '../lib/train.js';
import { h } from './dom.js';
import { clearErrors, showError } from './errors.js';
import { LossPicker } from './loss-picker.js';
import { memoryPanel } from './memory-panel.js';
import { type Comparison, renderComparison } from './results.js';

const FAMILY_LABELS: Record<Family, string> = {
  classification: 'Classification',
  distillation: 'Distillation',
  metric: 'Metric learning',
  retrieval: 'Retrieval',
};

export interface AppInfo {
  readonly backend: BackendName;
  readonly plugins: readonly { packageName: string; error?: string }[];
  readonly examples: readonly string[];
  /** How webgpu and webgl would run here (real GPU, software renderer, none). */
  readonly gpu: { readonly webgpu: GpuKind; readonly webgl: GpuKind };
}

const KIND_NOTE: Record<GpuKind, string> = {
  hardware: '',
  software: ' (software)',
  none: ' (unavailable)',
};

export function mountApp(root: HTMLElement, info: AppInfo): void {
  const params = new URLSearchParams(location.search);
  let backend = info.backend;
  const datasets = new Map<string, Promise<Dataset>>();
  const getDataset = (id: string) => {
    if (!datasets.has(id)) datasets.set(id, id === 'mnist' ? loadMnist() : Promise.resolve(spirals()));
    return datasets.get(id)!;
  };
  let comparison: Comparison | undefined;
  let stopRequested = false;

  const backendSelect = h(
    'select',
    { id: 'backend', 'data-testid': 'backend-select' },
    ...BACKENDS.map((b) =>
      h(
        'option',
        { value: b, selected: b === backend },
        `${b}${b === 'webgpu' || b === 'webgl' ? KIND_NOTE[info.gpu[b]] : ''}`,
      ),
    ),
  );
  const activeBadge = h('span', { className: 'badge active', 'data-testid': 'active-backend' }, backend);
  const datasetSelect = h(
    'select',
    { id: 'dataset', 'data-testid': 'dataset-select' },
    h(
      'option',
      { value: 'mnist', selected: params.get('dataset') !== 'spirals' },
      'MNIST (6000 train / 1000 test)',
    ),
    h(
      'option',
      { value: 'spirals', selected: params.get('dataset') === 'spirals' },
      '2-D spirals (decision boundaries)',
    ),
  );
  const familySelect = h(
    'select',
    { id: 'family', 'data-testid': 'family-select' },
    ...FAMILIES.map((f) =>
      h(
        'option',
        { value: f, selected: f === (params.get('family') ?? 'classification') },
        `${FAMILY_LABELS[f]} (${registry.list({ family: f }).length})`,
      ),
    ),
  );
  const picker = new LossPicker();
  const num = (id: string, label: string, value: number, attrs: Record<string, unknown> = {}) =>
    h('label', {}, `${label} `, h('input', { id, type: 'number', value, ...attrs }));
  const settings = h(
    'div',
    { className: 'row settings' },
    num('steps', 'steps', Number(params.get('steps') ?? 150), { min: 1, step: 1 }),
    num('batch', 'batch', 64, { min: 4, step: 1 }),
    num('lr', 'learning rate', 0.005, { min: 0, step: 'any' }),
    num('seed', 'seed', 42, { step: 1 }),
    num('eval-every', 'eval every', Number(params.get('evalEvery') ?? 10), { min: 1, step: 1 }),
  );
  const trainButton = h(
    'button',
    { type: 'button', className: 'primary', 'data-testid': 'train' },
    'Train side by side',
  );
  const stopAllButton = h(
    'button',
    { type: 'button', 'data-testid': 'stop-all', disabled: true },
    'Stop all',
  );
  const teacherStatus = h('div', { className: 'muted', 'data-testid': 'teacher-status' });
  const results = h(
    'section',
    { className: 'panel results', 'data-testid': 'results' },
    h('p', { className: 'muted' }, 'Pick two or more losses and press “Train side by side”.'),
  );
  const pluginLine = h(
    'p',
    { className: 'muted', 'data-testid': 'plugins' },
    info.plugins.length
      ? `Packages: ${info.plugins.map((p) => `${p.packageName}${p.error ? ' (failed)' : ''}`).join(', ')}. `
      : 'No loss package found in the workspace. ',
    info.examples.length ? `Demo examples fill families no package covers: ${info.examples.join(', ')}.` : '',
  );

  const wanted = (params.get('losses') ?? '').split(',').filter(Boolean);
  const showLosses = () => picker.show(registry.list({ family: familySelect.value }), wanted);
  familySelect.addEventListener('change', showLosses);
  showLosses();

  let renderQueued = false;
  const render = () => {
    if (renderQueued) return;
    renderQueued = true;
    requestAnimationFrame(() => {
      renderQueued = false;
      if (comparison) renderComparison(results, comparison);
    });
  };

  const readConfig = (): TrainConfig => {
    const value = (id: string) => Number(settings.querySelector<HTMLInputElement>(`#${id}`)!.value);
    const config = {
      steps: Math.round(value('steps')),
      batchSize: Math.round(value('batch')),
      learningRate: value('lr'),
      seed: Math.round(value('seed')),
      evalEvery: Math.max(1, Math.round(value('eval-every'))),
    };
    if (
      !(config.steps >= 1 && config.batchSize >= 4 && config.learningRate > 0 && Number.isFinite(config.seed))
    ) {
      throw new Error(
        'training settings: steps ≥ 1, batch ≥ 4, learning rate > 0 and an integer seed are needed',
      );
    }
    return config;
  };

  const setBusy = (busy: boolean) => {
    trainButton.disabled = busy;
    stopAllButton.disabled = !busy;
    backendSelect.disabled = busy;
  };

  const train = async () => {
    clearErrors();
    stopRequested = false;
    const chosen = picker.selected();
    if (chosen.length === 0) {
      showError('select at least one supported loss (two or more to compare)');
      return;
    }
    setBusy(true);
    try {
      const config = readConfig();
      const family = familySelect.value as Family;
      const dataset = await getDataset(datasetSelect.value);
      for (const run of comparison?.runs ?? []) run.dispose();
      comparison?.teacher?.model.dispose();
      comparison = undefined;
      let teacher: Teacher | undefined;
      if (family === 'distillation') {
        const teacherSteps = Math.min(600, config.steps * 2);
        results.replaceChildren(h('p', {}, 'Training the teacher first…'), teacherStatus);
        teacher = await trainTeacher(
          dataset,
          config,
          teacherSteps,
          (done) => {
            teacherStatus.textContent = `teacher: step ${done}/${teacherSteps}`;
          },
          () => stopRequested,
        );
        teacherStatus.textContent = `teacher trained: test accuracy ${(teacher.accuracy * 100).toFixed(1)}%`;
      }
      const runs = chosen.map(
        ({ loss, plan, options }) => new Run(loss, options, plan, family, dataset, config, teacher),
      );
      comparison = { runs, family, dataset, ...(teacher ? { teacher } : {}) };
      for (const run of runs) await run.evaluate();
      render();
      while (runs.some((r) => !r.finished)) {
        for (const run of runs) {
          if (stopRequested) run.stop();
          if (run.finished) continue;
          try {
            await run.trainStep();
          } catch (error) {
            showError(error, run.loss.spec.name);
          }
          render();
          await new Promise((resolve) => setTimeout(resolve, 0));
        }
      }
      // Runs stopped between evaluations get a last one, so their charts show where they ended.
      for (const run of runs) {
        if (run.status === 'stopped' && run.step > 0 && run.evaluations.at(-1)?.step !== run.step) {
          await run.evaluate();
        }
      }
      render();
    } catch (error) {
      showError(error);
    } finally {
      setBusy(false);
    }
  };
  trainButton.addEventListener('click', () => void train());
  stopAllButton.addEventListener('click', () => {
    stopRequested = true;
    for (const run of comparison?.runs ?? []) run.stop();
  });
  backendSelect.addEventListener('change', async () => {
    try {
      backend = await activateBackend(backendSelect.value as BackendName);
      if (backend !== backendSelect.value)
        showError(`backend ${backendSelect.value} is not available here; using ${backend}`);
    } catch (error) {
      showError(error, 'backend');
    }
    backendSelect.value = backend;
    activeBadge.textContent = tf.getBackend() ?? backend;
  });

  root.replaceChildren(
    h(
      'header',
      {},
      h('h1', {}, 'xent playground'),
      h('span', { className: 'muted' }, 'compare TensorFlow.js losses side by side'),
      h('div', { className: 'spacer' }),
      h('label', {}, 'backend ', backendSelect),
      h('span', {}, 'active: ', activeBadge),
    ),
    h(
      'section',
      { className: 'panel setup' },
      h(
        'div',
        { className: 'row' },
        h('label', {}, 'dataset ', datasetSelect),
        h('label', {}, 'task ', familySelect),
      ),
      pluginLine,
      settings,
      h(
        'div',
        { className: 'row' },
        trainButton,
        stopAllButton,
        h('span', { className: 'muted' }, 'choose the losses under the results'),
      ),
    ),
    results,
    h(
      'section',
      { className: 'panel' },
      h('h2', {}, 'Losses'),
      h(
        'p',
        { className: 'muted' },
        'Tick two or more to train side by side; options come from each loss’s spec.',
      ),
      picker.element,
    ),
    memoryPanel(() => tf.getBackend() ?? backend),
  );
  // First visit: start the preselected comparison right away (`?autostart=0` waits for the button).
  if (params.get('autostart') !== '0' && picker.selected().length >= 2) void train();
}
