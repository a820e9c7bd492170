// The playground page: backend, recommended comparisons, dataset, task family, scenario, losses (from the
// registry), training and chart settings, live results and the memory panel. The whole configuration lives
// in the URL (written back on every change).
import * as tf from '@tensorflow/tfjs-core';
import { registry } from '@xent/core';
import { FAMILIES, type Family } from '../lib/adapters.js';
import { activateBackend, BACKENDS, type BackendName, type GpuKind } from '../lib/backend.js';
import { type Dataset, loadMnist, spirals } from '../lib/datasets.js';
import { RunHistory } from '../lib/history.js';
import { multiLabelReady, PRESETS, presetById } from '../lib/presets.js';
import { applyScenario, describeScenario, SCENARIO_FIELDS, type Scenario } from '../lib/scenario.js';
import { type AppState, parseState, stateParams, trainConfig } from '../lib/state.js';
import { Run, type Teacher, type TrainConfig, trainTeacher } from '../lib/train.js';
import { h } from './dom.js';
import { clearErrors, showError } from './errors.js';
import { HistoryPanel, snapshot } from './history-panel.js';
import { LossPicker } from './loss-picker.js';
import { memoryPanel } from './memory-panel.js';
import { type ChartView, type Comparison, renderComparison, resizeCharts } from './results.js';

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

/** `<label>text <select>…</select></label>` with `[value, text]` options. */
function labelledSelect(
  text: string,
  attributes: Record<string, unknown>,
  options: readonly (readonly [string, string])[],
): HTMLElement {
  return h(
    'label',
    {},
    `${text} `,
    h('select', attributes, ...options.map(([value, label]) => h('option', { value }, label))),
  );
}

/** localStorage, or undefined where the page may not use it (the history then lives in the page). */
function browserStorage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}

export function mountApp(root: HTMLElement, info: AppInfo): void {
  const initial = new URLSearchParams(location.search);
  // Kept in the URL as given (not part of the configuration).
  const extras: Record<string, string> = {};
  if (initial.has('autostart')) extras.autostart = initial.get('autostart')!;
  let backend = info.backend;
  let presetId: string | undefined;
  const datasets = new Map<string, Promise<Dataset>>();
  const getDataset = (id: string) => {
    if (!datasets.has(id)) datasets.set(id, id === 'mnist' ? loadMnist() : Promise.resolve(spirals()));
    return datasets.get(id)!;
  };
  let comparison: Comparison | undefined;
  const runHistory = new RunHistory(browserStorage());
  const historyPanel = new HistoryPanel(runHistory);
  let stopRequested = false;
  let busy = false;

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
    h('option', { value: 'mnist' }, 'MNIST (6000 train / 1000 test)'),
    h('option', { value: 'spirals' }, '2-D spirals (decision boundaries)'),
  );
  const familySelect = h(
    'select',
    { id: 'family', 'data-testid': 'family-select' },
    ...FAMILIES.map((f) =>
      h('option', { value: f }, `${FAMILY_LABELS[f]} (${registry.list({ family: f }).length})`),
    ),
  );
  const picker = new LossPicker();
  const num = (id: string, label: string, attrs: Record<string, unknown> = {}) =>
    h('label', {}, `${label} `, h('input', { id, type: 'number', ...attrs }));
  const settings = h(
    'div',
    { className: 'row settings' },
    num('steps', 'steps', { min: 1, step: 1 }),
    num('batch', 'batch', { min: 4, step: 1 }),
    num('lr', 'learning rate', { min: 0, step: 'any' }),
    num('seed', 'seed', { step: 1 }),
    num('eval-every', 'eval every', { min: 1, step: 1 }),
  );
  const scenarioFields: Record<keyof Scenario, HTMLElement> = {
    noise: num('sc-noise', 'label noise %', { min: 0, max: 60, step: 5, 'data-scenario': 'noise' }),
    noiseKind: labelledSelect('noise kind', { id: 'sc-noiseKind', 'data-scenario': 'noiseKind' }, [
      ['symmetric', 'symmetric (any other class)'],
      ['asymmetric', 'asymmetric (pair flip c → c+1)'],
    ]),
    imbalance: num('sc-imbalance', 'long-tail ratio ρ', { min: 1, step: 1, 'data-scenario': 'imbalance' }),
    trainSize: num('sc-trainSize', 'training rows (0 = all)', {
      min: 0,
      step: 100,
      'data-scenario': 'trainSize',
    }),
    openSet: h(
      'label',
      {},
      h('input', { id: 'sc-openSet', type: 'checkbox', 'data-scenario': 'openSet' }),
      ' open set (test on unseen classes)',
    ),
    duplicates: num('sc-duplicates', 'duplicate docs %', {
      min: 0,
      max: 90,
      step: 10,
      'data-scenario': 'duplicates',
    }),
    multiLabel: h(
      'label',
      { title: 'predict 14 binary labels per digit: ≥ 5, even, closed loop, prime, is 0 … is 9' },
      h('input', { id: 'sc-multiLabel', type: 'checkbox', 'data-scenario': 'multiLabel' }),
      ' multi-label (attributes + one label per class)',
    ),
    teacherAccuracy: num('sc-teacherAccuracy', 'teacher stops at acc % (0 = full)', {
      min: 0,
      max: 100,
      step: 5,
      'data-scenario': 'teacherAccuracy',
    }),
    teacherTemperature: num('sc-teacherTemperature', 'teacher logits ÷', {
      min: 0.1,
      max: 10,
      step: 0.5,
      'data-scenario': 'teacherTemperature',
    }),
  };
  const scenarioRow = h(
    'div',
    { className: 'row scenario', 'data-testid': 'scenario' },
    h('strong', {}, 'Scenario'),
    ...Object.values(scenarioFields),
  );
  const chartRow = h(
    'div',
    { className: 'row chart-settings' },
    h('strong', {}, 'Charts'),
    labelledSelect('loss', { id: 'chart-scale', 'data-testid': 'chart-scale' }, [
      ['raw', 'raw values'],
      ['relative', '÷ |step-1 value|'],
    ]),
    h(
      'label',
      {},
      h('input', { id: 'chart-log', type: 'checkbox', 'data-testid': 'chart-log' }),
      ' log scale',
    ),
    num('chart-ema', 'EMA smoothing', { min: 0, max: 0.99, step: 0.1, 'data-testid': 'chart-ema' }),
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
  const copyLink = h(
    'button',
    {
      type: 'button',
      'data-testid': 'copy-link',
      title: 'the URL holds the whole configuration',
      onclick: () => void navigator.clipboard?.writeText(location.href).catch(() => undefined),
    },
    'Copy link',
  );
  const teacherStatus = h('div', { className: 'muted', 'data-testid': 'teacher-status' });
  const staleNote = h(
    'p',
    { className: 'stale', 'data-testid': 'stale', hidden: true },
    'Settings changed since these results were made (their settings are listed above the cards); press “Train side by side” to update them.',
  );
  const resultsBody = h('div', {});
  const results = h(
    'section',
    { className: 'panel results', 'data-testid': 'results' },
    staleNote,
    resultsBody,
  );
  const placeholder = (text: string) =>
    resultsBody.replaceChildren(h('p', { className: 'muted', 'data-testid': 'results-empty' }, text));
  placeholder('Pick a recommended comparison, or two or more losses and press “Train side by side”.');
  const presetNote = h('p', { className: 'preset-note', 'data-testid': 'preset-note', hidden: true });
  const presetButtons = h(
    'div',
    { className: 'presets' },
    ...PRESETS.map((p) =>
      h('button', { type: 'button', 'data-preset': p.id, onclick: () => void loadPreset(p.id) }, p.title),
    ),
  );
  const pluginLine = h(
    'p',
    { className: 'muted', 'data-testid': 'plugins' },
    info.plugins.length
      ? `Packages: ${info.plugins.map((p) => `${p.packageName}${p.error ? ' (failed)' : ''}`).join(', ')}. `
      : 'No loss package found in the workspace. ',
    info.examples.length ? `Demo examples fill families no package covers: ${info.examples.join(', ')}.` : '',
  );

  const byId = <T extends HTMLElement>(parent: HTMLElement, id: string) => parent.querySelector<T>(`#${id}`)!;

  const showScenarioFields = () => {
    const fields = SCENARIO_FIELDS[familySelect.value as Family];
    for (const [key, element] of Object.entries(scenarioFields))
      element.hidden = !fields.includes(key as keyof Scenario);
  };

  /** Sets every control from `state` (no events fire). */
  const applyState = (state: AppState) => {
    datasetSelect.value = state.dataset;
    familySelect.value = state.family;
    const set = (id: string, value: number) => {
      byId<HTMLInputElement>(settings, id).value = String(value);
    };
    set('steps', state.steps);
    set('batch', state.batch);
    set('lr', state.lr);
    set('seed', state.seed);
    set('eval-every', state.evalEvery);
    const s = state.scenario;
    byId<HTMLInputElement>(scenarioRow, 'sc-noise').value = String(Math.round(s.noise * 100));
    byId<HTMLSelectElement>(scenarioRow, 'sc-noiseKind').value = s.noiseKind;
    byId<HTMLInputElement>(scenarioRow, 'sc-imbalance').value = String(s.imbalance);
    byId<HTMLInputElement>(scenarioRow, 'sc-trainSize').value = String(s.trainSize);
    byId<HTMLInputElement>(scenarioRow, 'sc-openSet').checked = s.openSet;
    byId<HTMLInputElement>(scenarioRow, 'sc-duplicates').value = String(Math.round(s.duplicates * 100));
    byId<HTMLInputElement>(scenarioRow, 'sc-multiLabel').checked = s.multiLabel;
    byId<HTMLInputElement>(scenarioRow, 'sc-teacherAccuracy').value = String(
      Math.round(s.teacherAccuracy * 100),
    );
    byId<HTMLInputElement>(scenarioRow, 'sc-teacherTemperature').value = String(s.teacherTemperature);
    byId<HTMLSelectElement>(chartRow, 'chart-scale').value =
      initial.get('lossScale') === 'relative' ? 'relative' : 'raw';
    byId<HTMLInputElement>(chartRow, 'chart-log').checked = state.chart.log;
    byId<HTMLInputElement>(chartRow, 'chart-ema').value = String(state.chart.ema);
    showScenarioFields();
    picker.show(registry.list({ family: state.family }), state.losses, state.options);
    presetId = presetById(state.preset) ? state.preset : undefined;
    const preset = presetById(presetId);
    presetNote.hidden = !preset;
    presetNote.textContent = preset ? `${preset.title}: ${preset.expect}` : '';
    for (const b of Array.from(presetButtons.querySelectorAll<HTMLElement>('[data-preset]')))
      b.classList.toggle('selected', b.dataset.preset === presetId);
  };

  const readScenario = (): Scenario => ({
    noise: Number(byId<HTMLInputElement>(scenarioRow, 'sc-noise').value) / 100,
    noiseKind:
      byId<HTMLSelectElement>(scenarioRow, 'sc-noiseKind').value === 'asymmetric'
        ? 'asymmetric'
        : 'symmetric',
    imbalance: Number(byId<HTMLInputElement>(scenarioRow, 'sc-imbalance').value),
    trainSize: Number(byId<HTMLInputElement>(scenarioRow, 'sc-trainSize').value),
    openSet: byId<HTMLInputElement>(scenarioRow, 'sc-openSet').checked,
    duplicates: Number(byId<HTMLInputElement>(scenarioRow, 'sc-duplicates').value) / 100,
    multiLabel: byId<HTMLInputElement>(scenarioRow, 'sc-multiLabel').checked,
    teacherAccuracy: Number(byId<HTMLInputElement>(scenarioRow, 'sc-teacherAccuracy').value) / 100,
    teacherTemperature: Number(byId<HTMLInputElement>(scenarioRow, 'sc-teacherTemperature').value || 1),
  });

  const chartView = (): ChartView => ({
    scale: byId<HTMLSelectElement>(chartRow, 'chart-scale').value === 'relative' ? 'relative' : 'raw',
    log: byId<HTMLInputElement>(chartRow, 'chart-log').checked,
    ema: Math.min(0.99, Math.max(0, Number(byId<HTMLInputElement>(chartRow, 'chart-ema').value) || 0)),
  });

  /** The configuration on screen, normalised through the URL form (so the URL is what runs). */
  const currentState = (): AppState => {
    const { losses, options } = picker.state();
    const value = (id: string) => byId<HTMLInputElement>(settings, id).value;
    const view = chartView();
    const raw = new URLSearchParams({
      family: familySelect.value,
      dataset: datasetSelect.value,
      backend,
      steps: value('steps'),
      batch: value('batch'),
      lr: value('lr'),
      seed: value('seed'),
      evalEvery: value('eval-every'),
      ema: String(view.ema),
      log: view.log ? '1' : '0',
    });
    const draft = parseState(raw);
    return {
      ...draft,
      scenario: parseState(stateParams({ ...draft, scenario: readScenario(), losses: [], options: {} }))
        .scenario,
      losses,
      options,
      ...(presetId ? { preset: presetId } : {}),
    };
  };

  const writeUrl = () => {
    const params = stateParams(currentState(), extras);
    if (chartView().scale === 'relative') params.set('lossScale', 'relative');
    history.replaceState(null, '', `${location.pathname}?${params}`);
  };

  let renderQueued = false;
  const render = () => {
    if (renderQueued) return;
    renderQueued = true;
    requestAnimationFrame(() => {
      renderQueued = false;
      if (comparison) renderComparison(resultsBody, comparison, chartView(), historyPanel.overlays());
    });
  };
  historyPanel.onChange = render;

  const readConfig = (state: AppState): TrainConfig => {
    if (!(state.lr > 0)) throw new Error('training settings: the learning rate must be > 0');
    return trainConfig(state);
  };

  const setBusy = (value: boolean) => {
    busy = value;
    trainButton.disabled = value;
    stopAllButton.disabled = !value;
    backendSelect.disabled = value;
  };

  const discard = (reason: string) => {
    for (const run of comparison?.runs ?? []) run.dispose();
    comparison?.teacher?.model.dispose();
    comparison = undefined;
    historyPanel.setCurrent(undefined);
    staleNote.hidden = true;
    placeholder(reason);
  };

  const train = async () => {
    clearErrors();
    stopRequested = false;
    let chosen = picker.selected();
    const multiLabel =
      SCENARIO_FIELDS[familySelect.value as Family].includes('multiLabel') && readScenario().multiLabel;
    if (multiLabel) {
      // Softmax losses would read a multi-hot row as one distribution: only per-label losses train here.
      const skipped = chosen.filter((c) => !multiLabelReady(c.loss.spec.name, c.plan.roles));
      if (skipped.length)
        showError(
          `multi-label scenario: ${skipped.map((c) => c.loss.spec.name).join(', ')} left out (not a per-label loss; binary losses, asymmetric and AnyLoss train here)`,
        );
      chosen = chosen.filter((c) => !skipped.includes(c));
    }
    if (chosen.length === 0) {
      showError('select at least one supported loss (two or more to compare)');
      return;
    }
    setBusy(true);
    try {
      writeUrl();
      const state = currentState();
      const config = readConfig(state);
      const family = state.family;
      const dataset = applyScenario(await getDataset(state.dataset), family, state.scenario, state.seed);
      discard('');
      staleNote.hidden = true;
      let teacher: Teacher | undefined;
      if (family === 'distillation') {
        const teacherSteps = Math.min(600, config.steps * 2);
        resultsBody.replaceChildren(h('p', {}, 'Training the teacher first…'), teacherStatus);
        teacher = await trainTeacher(
          dataset,
          config,
          teacherSteps,
          (done) => {
            teacherStatus.textContent = `teacher: step ${done}/${teacherSteps}`;
          },
          () => stopRequested,
          {
            targetAccuracy: state.scenario.teacherAccuracy,
            temperature: state.scenario.teacherTemperature,
          },
        );
        teacherStatus.textContent = `teacher trained: test accuracy ${(teacher.accuracy * 100).toFixed(1)}% after ${teacher.steps} steps`;
      }
      const runs = chosen.map(
        ({ loss, plan, options }) => new Run(loss, options, plan, family, dataset, config, teacher),
      );
      const preset = presetById(state.preset);
      comparison = {
        runs,
        family,
        dataset,
        ...(teacher ? { teacher } : {}),
        url: location.href,
        settings: {
          ...(preset ? { preset: preset.title } : {}),
          task: FAMILY_LABELS[family],
          dataset: dataset.name,
          scenario: describeScenario(state.scenario, family),
          steps: String(config.steps),
          batch: String(config.batchSize),
          'learning rate': String(config.learningRate),
          seed: String(config.seed),
          backend: tf.getBackend() ?? backend,
        },
      };
      historyPanel.setCurrent(comparison);
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
      // Keep the finished comparison (with its settings) in the run history.
      if (runs.some((run) => run.step > 0)) {
        const saved = runHistory.add(snapshot(comparison));
        historyPanel.setCurrent(comparison, saved.id);
      }
      render();
    } catch (error) {
      showError(error);
    } finally {
      setBusy(false);
    }
  };

  const idle = async () => {
    if (!busy) return;
    stopRequested = true;
    for (const run of comparison?.runs ?? []) run.stop();
    while (busy) await new Promise((resolve) => setTimeout(resolve, 20));
  };

  const loadPreset = async (id: string) => {
    const preset = presetById(id);
    if (!preset) return;
    await idle();
    const chart = currentState().chart;
    applyState({ ...parseState(new URLSearchParams({ ...preset.params, preset: id })), chart });
    writeUrl();
    await train();
  };
  picker.onPreset = (id) => void loadPreset(id);

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
    writeUrl();
    if (comparison && !busy) staleNote.hidden = false;
  });
  familySelect.addEventListener('change', () => {
    showScenarioFields();
    picker.show(registry.list({ family: familySelect.value }));
  });

  const setup = h(
    'section',
    { className: 'panel setup' },
    h(
      'div',
      { className: 'row' },
      h('label', {}, 'dataset ', datasetSelect),
      h('label', {}, 'task ', familySelect),
    ),
    pluginLine,
    scenarioRow,
    settings,
    chartRow,
    h(
      'div',
      { className: 'row' },
      trainButton,
      stopAllButton,
      copyLink,
      h('span', { className: 'muted' }, 'choose the losses under the results'),
    ),
  );
  const lossPanel = h(
    'section',
    { className: 'panel' },
    h('h2', {}, 'Losses'),
    h(
      'p',
      { className: 'muted' },
      'Tick two or more to train side by side; options come from each loss’s spec. Each card says which scenario the loss is for.',
    ),
    picker.element,
  );
  // Every edit goes to the URL. Edits of the data or the task make the results stale (or, for a new task
  // or dataset, clears them); chart settings only redraw.
  const onEdit = (event: Event) => {
    const target = event.target as HTMLElement;
    if (chartRow.contains(target)) {
      writeUrl();
      if (comparison) renderComparison(resultsBody, comparison, chartView(), historyPanel.overlays());
      return;
    }
    presetId = undefined;
    presetNote.hidden = true;
    for (const b of Array.from(presetButtons.querySelectorAll('.selected'))) b.classList.remove('selected');
    writeUrl();
    if (!comparison || busy) return;
    if (target === familySelect || target === datasetSelect) {
      discard('Results cleared: the task or dataset changed. Press “Train side by side”.');
    } else {
      staleNote.hidden = false;
    }
  };
  for (const part of [setup, lossPanel]) {
    part.addEventListener('change', onEdit);
    part.addEventListener('input', onEdit);
  }
  window.addEventListener('resize', () => resizeCharts(resultsBody));

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
      { className: 'panel', 'data-testid': 'presets' },
      h('h2', {}, 'Recommended comparisons'),
      h(
        'p',
        { className: 'muted' },
        'Each loads a scenario where the losses differ, with settings that show it within a short run, and trains it.',
      ),
      presetButtons,
      presetNote,
    ),
    setup,
    results,
    historyPanel.element,
    lossPanel,
    memoryPanel(() => tf.getBackend() ?? backend),
  );
  applyState(parseState(initial));
  // A preset named in the URL loads its settings under what the URL itself says.
  const fromUrl = presetById(initial.get('preset'));
  if (fromUrl) {
    applyState(parseState(new URLSearchParams({ ...fromUrl.params, ...Object.fromEntries(initial) })));
  }
  writeUrl();
  // First visit: start the preselected comparison right away (`?autostart=0` waits for the button).
  if (initial.get('autostart') !== '0' && picker.selected().length >= 2) void train();
}
