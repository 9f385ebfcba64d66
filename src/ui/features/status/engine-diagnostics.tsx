import { useSyncExternalStore } from 'react';
import type { EngineStatus } from '../../../shared/protocol';
import { engineStatusStore } from '../../../client/worker-bridge';
import { timings } from '../carousel/timings';

export const PHASE_LABEL: Record<EngineStatus['phase'], string> = {
  starting: 'Starting',
  loading: 'Loading',
  learning: 'Learning',
  ready: 'Ready',
  error: 'Error',
};

export function useEngineStatus(): EngineStatus {
  return useSyncExternalStore(engineStatusStore.subscribe, engineStatusStore.get);
}

function ms(value: number | undefined): string {
  return value === undefined ? 'not yet' : `${Math.round(value)} ms`;
}

/**
 * What the engine runs on, for QA and the curious: phase and progress, the backend in use and why
 * (with the backends' measured scoring times when it measured them), the events kept, and the
 * time to the first carousels. Shown behind the status indicator and on the Your data page.
 * Errors are listed as plain text here; the indicator announces new ones.
 */
export function EngineDiagnostics({ status, testIds = false }: { status: EngineStatus; testIds?: boolean }) {
  const t = timings();
  return (
    <div className="diagnostics">
      <p className="diagnostics__line">
        <strong>{PHASE_LABEL[status.phase]}</strong>
        {status.detail ? <span className="diagnostics__muted">: {status.detail}</span> : null}
        {status.progress !== undefined ? (
          <progress className="diagnostics__progress" max={1} value={status.progress} aria-label={`${PHASE_LABEL[status.phase]} progress`}>
            {Math.round(status.progress * 100)}%
          </progress>
        ) : null}
      </p>
      <p className="diagnostics__line" data-testid={testIds ? 'engine-backend' : undefined}>
        Backend: <strong>{status.backend ?? 'not chosen yet'}</strong>
        {status.backendReason ? <span className="diagnostics__muted"> — {status.backendReason}</span> : null}
      </p>
      <p className="diagnostics__line">
        {status.eventCount} {status.eventCount === 1 ? 'event' : 'events'}
        {status.consent === 'not-given'
          ? ' (not stored: no consent to store yet)'
          : status.persistent
            ? ' kept on this device'
            : ' (not stored: storage unavailable)'}
        {status.consent === 'given' ? ' · consent given' : ''}
        {status.paused ? ' · personalisation paused' : ''}
        {status.phase !== 'starting' && status.phase !== 'loading' && !status.modelLoaded ? ' · model unavailable, showing non-personal lists' : ''}
      </p>
      <p className="diagnostics__line diagnostics__muted">
        First carousel: {ms(t.firstCarousel)} · first personal carousel: {ms(t.firstPersonalCarousel)}
      </p>
      {status.errors.length > 0 ? (
        <ul className="diagnostics__errors">
          {status.errors.map((e, i) => (
            <li key={i}>{e}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
