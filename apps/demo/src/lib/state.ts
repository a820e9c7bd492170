// The page's whole configuration as URL parameters: read on load, written back on every change, so a
// comparison can be shared and reopened exactly. `o.<loss>.<option>=value` carries loss options.
import { FAMILIES, type Family } from './adapters.js';
import { normaliseScenario, type Scenario } from './scenario.js';
import type { TrainConfig } from './train.js';

export interface ChartSettings {
  /** Logarithmic y-axis on the loss chart. */
  readonly log: boolean;
  /** EMA smoothing factor of the loss curves, 0 (none) – 0.99. */
  readonly ema: number;
}

export interface AppState {
  readonly family: Family;
  readonly dataset: 'mnist' | 'spirals';
  /** Requested backend (absent: the page picks one). */
  readonly backend?: string;
  readonly steps: number;
  readonly batch: number;
  readonly lr: number;
  readonly seed: number;
  readonly evalEvery: number;
  readonly scenario: Scenario;
  /** Checked loss names (empty: the page's default choice). */
  readonly losses: readonly string[];
  /** Option values as typed, per loss name. */
  readonly options: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly chart: ChartSettings;
  /** The preset the configuration came from, if unchanged since. */
  readonly preset?: string;
}

export const DEFAULTS = {
  steps: 150,
  batch: 64,
  lr: 0.005,
  seed: 42,
  evalEvery: 10,
} as const;

const number = (value: string | null, fallback: number) => {
  if (value === null || value.trim() === '') return fallback;
  const n = Number(value);
  return Number.isFinite(n) ? n : fallback;
};

/** Reads a state from URL parameters; missing or malformed values fall back to the defaults. */
export function parseState(params: URLSearchParams): AppState {
  const family = params.get('family');
  const options: Record<string, Record<string, string>> = {};
  for (const [key, value] of params) {
    const match = /^o\.([^.]+)\.(.+)$/.exec(key);
    if (!match) continue;
    options[match[1]!] ??= {};
    options[match[1]!]![match[2]!] = value;
  }
  const backend = params.get('backend');
  const preset = params.get('preset');
  return {
    family: FAMILIES.includes(family as Family) ? (family as Family) : 'classification',
    dataset: params.get('dataset') === 'spirals' ? 'spirals' : 'mnist',
    ...(backend ? { backend } : {}),
    steps: Math.max(1, Math.round(number(params.get('steps'), DEFAULTS.steps))),
    batch: Math.max(4, Math.round(number(params.get('batch'), DEFAULTS.batch))),
    lr: number(params.get('lr'), DEFAULTS.lr),
    seed: Math.round(number(params.get('seed'), DEFAULTS.seed)),
    evalEvery: Math.max(1, Math.round(number(params.get('evalEvery'), DEFAULTS.evalEvery))),
    scenario: normaliseScenario({
      noise: number(params.get('noise'), 0),
      noiseKind: params.get('noiseKind') === 'asymmetric' ? 'asymmetric' : 'symmetric',
      imbalance: number(params.get('imbalance'), 1),
      trainSize: number(params.get('trainSize'), 0),
      openSet: params.get('openSet') === '1',
      duplicates: number(params.get('duplicates'), 0),
      multiLabel: params.get('multiLabel') === '1',
      teacherAccuracy: number(params.get('teacherAccuracy'), 0),
      teacherTemperature: number(params.get('teacherTemperature'), 1),
    }),
    losses: (params.get('losses') ?? '').split(',').filter(Boolean),
    options,
    chart: { log: params.get('log') === '1', ema: Math.min(0.99, Math.max(0, number(params.get('ema'), 0))) },
    ...(preset ? { preset } : {}),
  };
}

/** URL parameters for `state` (scenario fields only when not clean; `extra` such as autostart kept). */
export function stateParams(state: AppState, extra: Record<string, string> = {}): URLSearchParams {
  const p = new URLSearchParams();
  if (state.preset) p.set('preset', state.preset);
  p.set('family', state.family);
  p.set('dataset', state.dataset);
  if (state.backend) p.set('backend', state.backend);
  p.set('steps', String(state.steps));
  p.set('batch', String(state.batch));
  p.set('lr', String(state.lr));
  p.set('seed', String(state.seed));
  p.set('evalEvery', String(state.evalEvery));
  const s = state.scenario;
  if (s.noise > 0) {
    p.set('noise', String(s.noise));
    p.set('noiseKind', s.noiseKind);
  }
  if (s.imbalance > 1) p.set('imbalance', String(s.imbalance));
  if (s.trainSize > 0) p.set('trainSize', String(s.trainSize));
  if (s.openSet) p.set('openSet', '1');
  if (s.duplicates > 0) p.set('duplicates', String(s.duplicates));
  if (s.multiLabel) p.set('multiLabel', '1');
  if (s.teacherAccuracy > 0) p.set('teacherAccuracy', String(s.teacherAccuracy));
  if (s.teacherTemperature !== 1) p.set('teacherTemperature', String(s.teacherTemperature));
  if (state.losses.length) p.set('losses', state.losses.join(','));
  for (const name of state.losses) {
    for (const [option, value] of Object.entries(state.options[name] ?? {}))
      p.set(`o.${name}.${option}`, value);
  }
  if (state.chart.log) p.set('log', '1');
  if (state.chart.ema > 0) p.set('ema', String(state.chart.ema));
  for (const [key, value] of Object.entries(extra)) p.set(key, value);
  return p;
}

/** The training settings of `state` (duplicates only where the retrieval sampler uses them). */
export function trainConfig(state: AppState): TrainConfig {
  return {
    steps: state.steps,
    batchSize: state.batch,
    learningRate: state.lr,
    seed: state.seed,
    evalEvery: state.evalEvery,
    ...(state.family === 'retrieval' && state.scenario.duplicates > 0
      ? { duplicates: state.scenario.duplicates }
      : {}),
  };
}
