// The diagnostics rail: the doctor's findings as they fire, each in plain words — what was seen,
// the likely cause, and what to try — newest at the top, errors marked.
import type { Finding } from '@keel/diagnostics';
import { el } from '../../shared/dom.js';

export class Rail {
  private readonly items = new Map<string, HTMLElement>();

  constructor(
    private readonly list: HTMLElement,
    private readonly empty: HTMLElement,
  ) {
    this.waiting = empty.textContent ?? '';
  }

  private readonly waiting: string;

  clear(): void {
    this.items.clear();
    this.list.replaceChildren();
    this.empty.hidden = false;
    this.empty.textContent = this.waiting;
    this.list.dataset.codes = '';
  }

  /** A run ended: say so when the doctor found nothing, rather than leaving the rail looking unused. */
  runEnded(): void {
    if (this.items.size === 0) this.empty.textContent = 'No findings: the doctor saw nothing wrong in this run.';
  }

  add(f: Finding): void {
    const key = `${f.code}|${f.layer ?? ''}|${f.parameter ?? ''}`;
    const where = f.layer !== undefined ? `Layer ${f.layer}: ` : f.parameter !== undefined ? `${f.parameter}: ` : '';
    const when = f.step !== undefined ? `step ${f.step}` : f.source === 'lint' ? 'before training' : '';
    const item = el(
      'li',
      { class: `finding ${f.severity}`, 'data-code': f.code, 'data-severity': f.severity },
      el('div', { class: 'finding-head' }, el('span', { class: `severity ${f.severity}` }, f.severity), el('code', {}, f.code), el('span', { class: 'muted' }, when)),
      el('p', { class: 'finding-summary' }, `${where}${sentence(f.summary)}`),
      el('p', {}, el('strong', {}, 'Likely cause: '), sentence(f.cause)),
      el('p', { class: 'finding-fix' }, el('strong', {}, 'Try: '), sentence(f.fix)),
    );
    const previous = this.items.get(key);
    if (previous !== undefined) previous.replaceWith(item);
    else this.list.prepend(item);
    this.items.set(key, item);
    this.empty.hidden = true;
    this.list.dataset.codes = [...new Set([...this.items.keys()].map((k) => k.split('|')[0]))].join(' ');
  }
}

function sentence(text: string): string {
  const t = text.trim();
  return t === '' ? t : `${t[0].toUpperCase()}${t.slice(1)}${/[.!?]$/.test(t) ? '' : '.'}`;
}
