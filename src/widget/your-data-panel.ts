/**
 * The body of `<shelfwise-your-data>` (see `your-data-element.ts`), loaded only by pages that use
 * the element: what is stored (counts, recent events, the interests learned, as bars) and the
 * controls: pause, export (a download made on the device), erase (with a confirmation) and
 * removing an interest. Accessible names match the storefront's panel, so one QA page object
 * drives both. Titles and queries are set as text, never as markup.
 */
import { EVENT_TYPES, type EngineStatus, type Interest, type OutcomeSummary } from '../shared/protocol';
import { downloadJson } from '../client/download-json';
import { interestLabel, percent } from '../client/interest-labels';
import {
  COUNT_LABEL, eraseControl, EVENT_VERB, exportControl, OUTCOME_COLUMNS, outcomesNote, pauseControl, readSummary, removeInterestControl,
  SURFACE_LABEL, type StoredSummary, recordingNote,
} from '../client/your-data-summary';
import { engine } from '../client/worker-bridge';
import { settleLatest, warn, type SettlingView, type WidgetController } from './controller';
import { yourDataSheet } from './your-data-styles';

/** Recent events listed (the storefront's full page lists more). */
const RECENT_SHOWN = 10;

/** An element with text and attributes, the only way this panel makes DOM. */
function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

function button(label: string, onClick: () => void, attrs: Record<string, string> = {}): HTMLButtonElement {
  const b = h('button', { type: 'button', ...attrs }, label);
  b.addEventListener('click', onClick);
  return b;
}

/** Renders into the element's shadow root and keeps itself current (the element forwards revisions). */
export class YourDataPanel implements SettlingView {
  private readonly panel = h('section', { class: 'panel', role: 'region', 'aria-label': 'Your data', part: 'panel' });
  private seq = 0;
  private pending: Promise<void> = Promise.resolve();
  private rendered = -1;
  private confirming = false;
  private busy = false;
  private message?: { kind: 'ok' | 'error'; text: string };

  constructor(private readonly root: ShadowRoot, private readonly controller: WidgetController) {
    root.adoptedStyleSheets = [yourDataSheet()];
    root.append(this.panel);
  }

  settled(): Promise<void> {
    return settleLatest(() => this.pending);
  }

  renderedRevision(): number {
    return this.rendered;
  }

  /** Reads the store again and re-renders (the latest read wins). */
  refresh(): void {
    const seq = ++this.seq;
    this.pending = (async () => {
      try {
        void this.controller.start();
        const [summary, outcomes, status] = await Promise.all([readSummary(engine()), engine().outcomes(), this.controller.freshStatus()]);
        if (seq !== this.seq) return;
        this.render(summary, outcomes, status);
        this.rendered = status.revision;
      } catch (err) {
        warn('Your data could not be read', err);
        this.rendered = this.controller.revision();
      }
    })();
  }

  /** Runs one control at a time; its outcome is the panel's message. */
  private act(work: () => Promise<string>): void {
    if (this.busy) return;
    this.busy = true;
    this.message = undefined;
    this.pending = work().then(
      (text) => {
        this.message = { kind: 'ok', text };
        this.confirming = false;
      },
      (err: unknown) => {
        this.message = { kind: 'error', text: `Something went wrong: ${err instanceof Error ? err.message : String(err)}` };
      },
    ).finally(() => {
      this.busy = false;
      this.refresh();
    });
  }

  private render(summary: StoredSummary, outcomes: OutcomeSummary, status: EngineStatus): void {
    const paused = status.paused;
    const controls = h('div', { class: 'actions' },
      button(paused ? 'Resume personalisation' : 'Pause personalisation', () =>
        this.act(() => pauseControl(engine(), !paused))),
      button('Export my data', () =>
        this.act(() => exportControl(engine(), (data, filename) => downloadJson(data, filename, this.root)))),
      button('Erase my data', () => {
        this.confirming = true;
        this.refresh();
      }, { class: 'danger', 'aria-expanded': String(this.confirming) }),
    );
    const parts: Node[] = [
      h('h2', {}, 'Your data'),
      h('p', { class: 'muted' }, 'Everything below is kept in this browser only. Nothing is sent to a server; an export is made on your device.'),
      h('p', { role: 'status', 'data-paused': String(paused), 'data-consent': status.consent }, recordingNote(status)),
      controls,
    ];
    if (this.confirming) {
      parts.push(h('div', { role: 'group', 'aria-label': 'Confirm erasing your data' },
        h('p', {}, 'This deletes your history and everything learned from it from this browser. It cannot be undone.'),
        h('div', { class: 'actions' },
          button('Erase everything', () =>
            this.act(() => eraseControl(engine())), { class: 'danger' }),
          button('Cancel', () => {
            this.confirming = false;
            this.refresh();
          }),
        )));
    }
    if (this.message) parts.push(h('p', { role: this.message.kind === 'error' ? 'alert' : 'status' }, this.message.text));
    parts.push(
      h('h3', {}, 'What is stored'),
      h('dl', {},
        ...EVENT_TYPES.map((t) => h('div', {}, h('dt', {}, COUNT_LABEL[t]), h('dd', { 'data-count': t }, String(summary.counts[t])))),
        h('div', {}, h('dt', {}, 'Events in total'), h('dd', { 'data-count': 'total' }, String(summary.total)))),
      h('h3', {}, 'Interests the model has learned'),
      summary.interests.length > 0
        ? h('ul', { 'aria-label': 'Interests learned from your activity' }, ...summary.interests.map((i) => this.interestRow(i)))
        : h('p', { class: 'muted' }, 'Nothing learned yet.'),
      h('h3', {}, 'Recent activity'),
      summary.recent.length > 0
        ? h('ol', { 'aria-label': 'Recent activity' }, ...summary.recent.slice(0, RECENT_SHOWN).map((e) =>
            h('li', { class: 'event', 'data-event-type': e.type }, `${EVENT_VERB[e.type]} ${e.type === 'search' ? `“${e.query}”` : (e.title ?? e.itemId ?? '')}`)))
        : h('p', { class: 'muted' }, 'No activity recorded.'),
      h('h3', {}, 'How recommendations worked for you'),
      outcomes.bySurface.length > 0
        ? h('table', {},
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Carousel'), ...OUTCOME_COLUMNS.map(([, label]) => h('th', { scope: 'col' }, label)))),
            h('tbody', {}, ...outcomes.bySurface.map((row) =>
              h('tr', { 'data-outcome-surface': row.surface },
                h('th', { scope: 'row' }, SURFACE_LABEL[row.surface]),
                ...OUTCOME_COLUMNS.map(([key]) => h('td', { 'data-outcome': key }, String(row[key])))))))
        : h('p', { class: 'muted' }, 'No recommendations shown yet.'),
      h('p', { class: 'muted' }, outcomesNote(outcomes)),
    );
    for (const b of controls.querySelectorAll('button')) b.disabled = this.busy;
    this.panel.replaceChildren(...parts);
  }

  private interestRow(interest: Interest): HTMLLIElement {
    const bar = h('span', { class: 'bar' });
    bar.style.inlineSize = `${Math.max(1, interest.share * 100)}%`;
    return h('li', { class: 'interest', 'data-interest': interest.key },
      h('span', { class: 'interest-name', 'aria-hidden': 'true' }, interest.name),
      h('span', { class: 'track', role: 'img', 'aria-label': interestLabel(interest) }, bar),
      h('span', { class: 'value', 'aria-hidden': 'true' }, percent(interest.share)),
      button('Remove', () =>
        this.act(() => removeInterestControl(engine(), interest)), { 'aria-label': `Remove interest ${interest.name}` }),
    );
  }
}
