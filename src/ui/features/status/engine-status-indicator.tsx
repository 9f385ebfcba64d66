import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { EngineDiagnostics, PHASE_LABEL, useEngineStatus } from './engine-diagnostics';

/** `?diagnostics=1` opens the engine's details on load (QA, support). */
export function diagnosticsRequested(search: string = location.search): boolean {
  return new URLSearchParams(search).get('diagnostics') === '1';
}

/**
 * The engine's state as a small dot and one word in the bottom corner ("Ready", "Learning"),
 * announced politely; a click on it shows the diagnostics (backend and why, measured timings,
 * events kept). Errors are announced in an alert above it until dismissed, and stay listed in the
 * diagnostics. `data-testid="engine-status"` with `data-phase` and `data-backend`, the `status`
 * role of the word and the "Backend: …" line inside are part of the QA contract; the details
 * stay in the DOM (hidden) while closed.
 */
export function EngineStatusIndicator() {
  const status = useEngineStatus();
  const panelId = useId();
  const toggle = useRef<HTMLButtonElement>(null);
  const [open, setOpen] = useState(diagnosticsRequested);
  // Errors already dismissed by the shopper: only later ones raise the alert again.
  const [dismissed, setDismissed] = useState(0);
  useEffect(() => {
    if (status.errors.length < dismissed) setDismissed(status.errors.length);
  }, [status.errors.length, dismissed]);

  const busy = status.phase === 'starting' || status.phase === 'loading' || status.phase === 'learning';
  const fresh = status.errors.slice(dismissed);
  const label = PHASE_LABEL[status.phase];
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && open) {
      setOpen(false);
      toggle.current?.focus();
    }
  };

  return (
    <aside
      className="status"
      data-testid="engine-status"
      data-phase={status.phase}
      data-backend={status.backend ?? ''}
      aria-label="Recommendation engine"
      onKeyDown={onKeyDown}
    >
      {fresh.length > 0 ? (
        <div className="status__alert">
          <ul className="status__errors" role="alert">
            {fresh.map((e, i) => (
              <li key={dismissed + i}>{e}</li>
            ))}
          </ul>
          <button type="button" className="button button--quiet status__dismiss" onClick={() => setDismissed(status.errors.length)}>
            Dismiss
          </button>
        </div>
      ) : null}
      <div id={panelId} className="status__panel" data-testid="engine-diagnostics" hidden={!open}>
        <h2 className="status__panel-title">How recommendations run here</h2>
        <EngineDiagnostics status={status} testIds />
      </div>
      <div className={`status__pill status__pill--${status.phase}`}>
        <span className="status__phase" role="status" aria-live="polite">
          <span className={`dot${busy ? ' dot--busy' : ''}${status.errors.length > 0 && status.phase !== 'error' ? ' dot--warn' : ''}`} aria-hidden="true" />
          {label}
        </span>
        <button
          ref={toggle}
          type="button"
          className="status__toggle"
          aria-expanded={open}
          aria-controls={panelId}
          title={open ? 'Hide engine details' : 'Show engine details'}
          onClick={() => setOpen((o) => !o)}
        >
          <span className="visually-hidden">Engine details</span>
        </button>
      </div>
    </aside>
  );
}
