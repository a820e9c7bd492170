// The loss list of a family, built from the registry: a checkbox per loss, its summary and paper, and an
// option form generated from the spec (`defaults` + `options`). Unsupported losses are listed, disabled.
import type { AnyLossFn } from '@xent/core';
import { type Plan, planInputs } from '../lib/adapters.js';
import { explanationOf } from '../lib/explain/index.js';
import { type OptionField, optionFields, rangeLabel, readOptions } from '../lib/options-form.js';
import { presetById } from '../lib/presets.js';
import { probeLoss } from '../lib/probe.js';
import { isVariant } from '../lib/variants.js';
import { h } from './dom.js';
import { formula } from './formula.js';

export interface LossChoice {
  readonly loss: AnyLossFn;
  readonly plan: Extract<Plan, { supported: true }>;
  readonly options: Record<string, unknown>;
}

function fieldInput(lossId: string, field: OptionField, given: string | undefined): HTMLElement {
  const id = `${lossId}::${field.name}`;
  const label = h('label', { for: id, title: field.description }, field.name);
  let input: HTMLElement;
  let hint = '';
  if (field.kind === 'number') {
    hint = rangeLabel(field);
    input = h('input', {
      id,
      type: 'number',
      step: 'any',
      'data-option': field.name,
      'data-min': field.min,
      'data-max': field.max,
      value: given ?? (field.value === undefined ? '' : String(field.value)),
    });
  } else if (field.kind === 'boolean') {
    input = h('input', {
      id,
      type: 'checkbox',
      'data-option': field.name,
      checked: given === undefined ? field.value : given === 'true',
    });
  } else {
    input = h(
      'select',
      { id, 'data-option': field.name },
      ...field.values.map((v) => h('option', { value: v, selected: v === (given ?? field.value) }, v)),
    );
  }
  return h(
    'div',
    { className: 'option' },
    label,
    input,
    hint ? h('span', { className: 'hint' }, hint) : null,
    field.description ? h('span', { className: 'hint' }, field.description) : null,
  );
}

/**
 * Losses preselected when present (a baseline and a contrasting one per family), else the first
 * supported ones. Only the initial ticks depend on this; every registered loss is listed.
 */
const PRESELECT = [
  'crossEntropyLoss',
  'focalLoss',
  'kdLoss',
  'dkdLoss',
  'tripletMarginLoss',
  'proxyAnchorLoss',
  'infoNceLoss',
  'mwLoss',
];

export class LossPicker {
  readonly element = h('div', { className: 'loss-list', 'data-testid': 'loss-list' });
  private entries: {
    loss: AnyLossFn;
    plan: Plan;
    fields: OptionField[];
    box: HTMLInputElement;
    form: HTMLElement;
  }[] = [];

  /** Called when a card's "load the comparison" button is pressed, with the preset id. */
  onPreset: (id: string) => void = () => {};

  /**
   * Lists `losses`; `wanted` names (else the preferred ones, else the first supported) start checked, with
   * option values from `given` (per loss name, as typed) over the spec defaults.
   */
  show(
    losses: readonly AnyLossFn[],
    wanted: readonly string[] = [],
    given: Readonly<Record<string, Readonly<Record<string, string>>>> = {},
  ): void {
    const preselect = 2;
    this.entries = [];
    this.element.replaceChildren();
    if (losses.length === 0) {
      this.element.append(h('p', { className: 'muted' }, 'No loss of this family is registered.'));
      return;
    }
    const plans = losses.map((loss): Plan => {
      const plan = planInputs(loss.spec);
      const reason = plan.supported ? probeLoss(loss, plan) : undefined;
      return reason ? { supported: false, reason } : plan;
    });
    const supportedNames = losses.filter((_, i) => plans[i]!.supported).map((fn) => fn.spec.name);
    let chosen = wanted.filter((name) => supportedNames.includes(name));
    if (chosen.length === 0) chosen = PRESELECT.filter((name) => supportedNames.includes(name));
    for (const name of supportedNames)
      if (chosen.length < preselect && !chosen.includes(name)) chosen.push(name);
    // Trainable losses first, in registration order; the unsupported ones after them.
    const order = losses
      .map((_, i) => i)
      .sort((a, b) => Number(!plans[a]!.supported) - Number(!plans[b]!.supported) || a - b);
    for (const index of order) {
      const loss = losses[index]!;
      const { spec } = loss;
      const plan = plans[index]!;
      const fields = optionFields(spec);
      const variant = isVariant(spec);
      const example = spec.id.startsWith('demo/') && !variant;
      const box = h('input', {
        type: 'checkbox',
        'data-loss': spec.id,
        disabled: !plan.supported,
        checked: plan.supported && chosen.includes(spec.name),
      });
      const form = h(
        'div',
        { className: 'options' },
        ...fields.map((f) => fieldInput(spec.id, f, given[spec.name]?.[f.name])),
      );
      const explanation = explanationOf(spec.name);
      const preset = presetById(explanation?.preset);
      const toggle = () => {
        form.hidden = !box.checked;
      };
      box.addEventListener('change', toggle);
      toggle();
      const ref = spec.reference;
      this.element.append(
        h(
          'div',
          { className: `loss${plan.supported ? '' : ' unsupported'}`, 'data-loss-id': spec.id },
          h(
            'label',
            { className: 'loss-name' },
            box,
            h('strong', {}, spec.name),
            example ? h('span', { className: 'badge' }, 'example') : null,
            variant ? h('span', { className: 'badge' }, 'demo variant') : null,
            h('code', { className: 'muted' }, spec.id),
          ),
          h('div', { className: 'summary' }, spec.summary),
          explanation ? formula(explanation.tex, `formula of ${spec.name}`) : null,
          h(
            'div',
            { className: 'purpose', 'data-testid': 'purpose' },
            h('span', { className: 'badge scenario' }, 'when to use'),
            ` ${explanation?.when ?? 'General use (no scenario of its own here).'} `,
            preset
              ? h(
                  'button',
                  {
                    type: 'button',
                    className: 'link',
                    'data-preset': preset.id,
                    onclick: () => this.onPreset(preset.id),
                  },
                  `load “${preset.title}”`,
                )
              : null,
          ),
          ref
            ? h(
                'div',
                { className: 'ref' },
                h(
                  'a',
                  { href: ref.url, target: '_blank', rel: 'noreferrer' },
                  `${ref.title}${ref.year ? ` (${ref.year})` : ''}`,
                ),
              )
            : null,
          plan.supported
            ? null
            : h(
                'div',
                { className: 'muted', 'data-testid': 'unsupported' },
                `Not trainable here: ${plan.reason}`,
              ),
          form,
        ),
      );
      this.entries.push({ loss, plan, fields, box, form });
    }
  }

  /** Checked loss names and, per checked loss, the option values that differ from the spec's defaults. */
  state(): { losses: string[]; options: Record<string, Record<string, string>> } {
    const losses: string[] = [];
    const options: Record<string, Record<string, string>> = {};
    for (const entry of this.entries) {
      if (!entry.box.checked || !entry.plan.supported) continue;
      const name = entry.loss.spec.name;
      losses.push(name);
      for (const [option, value] of Object.entries(rawValues(entry.form))) {
        const field = entry.fields.find((f) => f.name === option);
        const fallback = field?.value === undefined ? '' : String(field.value);
        if (String(value) === fallback) continue;
        options[name] ??= {};
        options[name][option] = String(value);
      }
    }
    return { losses, options };
  }

  /** The checked, supported losses with the options read from their forms. */
  selected(): LossChoice[] {
    const out: LossChoice[] = [];
    for (const entry of this.entries) {
      if (!entry.box.checked || !entry.plan.supported) continue;
      out.push({
        loss: entry.loss,
        plan: entry.plan,
        options: readOptions(entry.fields, rawValues(entry.form)),
      });
    }
    return out;
  }
}

/** The option values of a loss's form as typed (checkboxes as booleans). */
function rawValues(form: HTMLElement): Record<string, string | boolean> {
  const raw: Record<string, string | boolean> = {};
  for (const input of Array.from(
    form.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-option]'),
  )) {
    raw[input.dataset.option!] =
      input instanceof HTMLInputElement && input.type === 'checkbox' ? input.checked : input.value;
  }
  return raw;
}
