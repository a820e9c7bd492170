// A loss formula rendered with KaTeX (HTML + MathML, so screen readers get the math too). A formula
// KaTeX cannot parse is shown as its TeX source rather than breaking the card.
import katex from 'katex';
import 'katex/dist/katex.min.css';
import { h } from './dom.js';

/** KaTeX's markup for `tex` (display style); throws on TeX it cannot parse. */
export function formulaHtml(tex: string): string {
  return katex.renderToString(tex, { displayMode: true, throwOnError: true, output: 'htmlAndMathml' });
}

/** A `<div class="formula">` with `tex` rendered (or its source, when it does not parse). */
export function formula(tex: string, label: string): HTMLElement {
  const box = h('div', { className: 'formula', 'data-testid': 'formula', title: label });
  try {
    box.innerHTML = formulaHtml(tex);
  } catch {
    box.append(h('code', {}, tex));
  }
  return box;
}
