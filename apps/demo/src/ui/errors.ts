// The on-screen error list: every failure ends up here (and in the console), never as a blank page.
import { h, messageOf } from './dom.js';

let list: HTMLElement | undefined;

export function mountErrors(container: HTMLElement): void {
  list = container;
  window.addEventListener('error', (event) => showError(event.error ?? event.message));
  window.addEventListener('unhandledrejection', (event) => showError(event.reason));
}

/** Shows `error` (an XentError's message reads `fn(argument): expected …, received …`). */
export function showError(error: unknown, context?: string): void {
  const message = messageOf(error);
  const text = context && !message.startsWith(`${context}(`) ? `${context}: ${message}` : message;
  console.error(text, error);
  if (!list) return;
  // The same failure repeating (a lost GPU device fails every call) is counted, not listed again.
  const same = Array.from(list.querySelectorAll<HTMLElement>('[data-testid=error]')).find(
    (e) => e.dataset.text === text,
  );
  if (same) {
    const count = Number(same.dataset.count ?? '1') + 1;
    same.dataset.count = String(count);
    same.querySelector('.count')!.textContent = ` (×${count})`;
    return;
  }
  const item = h(
    'div',
    { className: 'error', 'data-testid': 'error', 'data-text': text },
    h('span', {}, text, h('span', { className: 'count' })),
    h('button', { type: 'button', title: 'dismiss', onclick: () => item.remove() }, '×'),
  );
  list.append(item);
}

export function clearErrors(): void {
  list?.replaceChildren();
}
