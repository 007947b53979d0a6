// "Inject a bug": a toggle per seed mistake. Each shows which finding should catch it, turns
// green when that finding fires, and has a Fix button that turns the bug off and retrains.
import type { Finding } from '@keel/diagnostics';
import { el } from '../../shared/dom.js';
import { BUGS, bug, type BugId } from '../bugs.js';

export class BugsPanel {
  private readonly boxes = new Map<BugId, HTMLInputElement>();
  private readonly states = new Map<BugId, HTMLElement>();

  constructor(
    container: HTMLElement,
    private readonly onFix: (id: BugId) => void,
  ) {
    for (const b of BUGS) {
      const box = el('input', { type: 'checkbox', id: `bug-${b.id}`, name: `bug-${b.id}`, 'aria-describedby': `bug-${b.id}-what` });
      box.addEventListener('change', () => {
        if (box.checked && b.excludes !== undefined) this.boxes.get(b.excludes)!.checked = false;
        this.refresh();
      });
      const state = el('span', { class: 'bug-state', id: `bug-${b.id}-state`, 'aria-live': 'polite' });
      const fix = el('button', { type: 'button', class: 'small', id: `bug-${b.id}-fix` }, 'Fix');
      fix.addEventListener('click', () => {
        box.checked = false;
        this.refresh();
        this.onFix(b.id);
      });
      container.append(
        el(
          'div',
          { class: 'bug', 'data-bug': b.id },
          el('div', { class: 'bug-head' }, box, el('label', { for: box.id }, b.label), fix, state),
          el('p', { class: 'bug-what muted', id: `bug-${b.id}-what` }, `${b.what} Caught by: ${b.codes.slice(0, 2).join(', ')}${b.codes.length > 2 ? ', …' : ''}.`),
          el('p', { class: 'bug-fix', hidden: true }, el('strong', {}, 'Fix: '), b.fix),
        ),
      );
      this.boxes.set(b.id, box);
      this.states.set(b.id, state);
    }
    this.refresh();
  }

  selected(): BugId[] {
    return BUGS.filter((b) => this.boxes.get(b.id)!.checked).map((b) => b.id);
  }

  /** A new run starts: every bug's "caught" mark is cleared. */
  reset(): void {
    for (const b of BUGS) this.mark(b.id, false);
  }

  /** Marks the bugs this finding catches (only those that are on). */
  onFinding(f: Finding): void {
    for (const id of this.selected()) if (bug(id).codes.includes(f.code)) this.mark(id, true);
  }

  private mark(id: BugId, caught: boolean): void {
    const state = this.states.get(id)!;
    const wrapper = state.closest<HTMLElement>('.bug')!;
    wrapper.dataset.caught = String(caught);
    wrapper.querySelector<HTMLElement>('.bug-fix')!.hidden = !caught;
    state.textContent = caught ? 'caught ✓' : '';
  }

  private refresh(): void {
    for (const b of BUGS) {
      const on = this.boxes.get(b.id)!.checked;
      const wrapper = this.states.get(b.id)!.closest<HTMLElement>('.bug')!;
      wrapper.classList.toggle('on', on);
      wrapper.querySelector<HTMLButtonElement>('button')!.disabled = !on;
      if (!on) this.mark(b.id, false);
    }
  }
}
