/**
 * "How recommendations worked for you": the on-device outcome counters per surface (issue 8), the
 * experiment variant this browser runs, and whether the shop receives private daily reports.
 */
import { useEffect, useSyncExternalStore } from 'react';
import type { OutcomeSummary } from '../../../shared/protocol';
import { trackActivity } from '../../app/activity';
import { createStore } from '../../../client/create-store';
import { engine, engineStatusStore, errorText } from '../../../client/worker-bridge';
import { OUTCOME_COLUMNS as COLUMNS, outcomesNote, SURFACE_LABEL } from '../../../client/your-data-summary';

// Kept here rather than in styles.css: the table is this section's alone. Numbers align right.
const TABLE = { width: '100%', borderCollapse: 'collapse', fontVariantNumeric: 'tabular-nums' } as const;
const HEAD = { textAlign: 'left', fontWeight: 600, padding: '0.25rem 0.5rem', borderBottom: '1px solid currentColor' } as const;
const CELL = { textAlign: 'right', padding: '0.25rem 0.5rem' } as const;

const outcomesStore = createStore<{ summary?: OutcomeSummary; error?: string }>({});
let latest = 0;

/** Re-read on every visit of the panel and whenever the engine records, learns or erases. */
function refresh(): void {
  const read = ++latest;
  trackActivity(engine().outcomes()).then(
    (summary) => {
      if (read === latest) outcomesStore.set({ summary });
    },
    (e: unknown) => {
      if (read === latest) outcomesStore.set({ error: errorText(e) });
    },
  );
}

export function OutcomesSection() {
  const at = useSyncExternalStore(engineStatusStore.subscribe, () => {
    const s = engineStatusStore.get();
    return `${s.revision}:${s.eventCount}:${s.paused}`;
  });
  useEffect(() => refresh(), [at]);
  const { summary, error } = useSyncExternalStore(outcomesStore.subscribe, outcomesStore.get);
  return (
    <section className="your-data__section" aria-labelledby="your-data-outcomes" data-testid="your-data-outcomes">
      <h2 id="your-data-outcomes" className="section-title">
        How recommendations worked for you
      </h2>
      {error ? <p className="notice notice--error">Could not read them: {error}</p> : null}
      {summary && summary.bySurface.length > 0 ? (
        <table className="your-data__outcomes" style={TABLE}>
          <caption className="visually-hidden">Recommendations shown, opened, and what followed, per carousel</caption>
          <thead>
            <tr>
              <th scope="col" style={HEAD}>
                Carousel
              </th>
              {COLUMNS.map(([key, label]) => (
                <th key={key} scope="col" style={{ ...HEAD, ...CELL }}>
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {summary.bySurface.map((row) => (
              <tr key={row.surface} data-outcome-surface={row.surface}>
                <th scope="row" style={{ ...HEAD, borderBottom: 'none', fontWeight: 400 }}>
                  {SURFACE_LABEL[row.surface]}
                </th>
                {COLUMNS.map(([key]) => (
                  <td key={key} data-outcome={key} style={CELL}>
                    {row[key]}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ) : summary ? (
        <p className="your-data__empty">No recommendations shown yet.</p>
      ) : null}
      <p className="your-data__note">{outcomesNote(summary)}</p>
    </section>
  );
}
