import { useSyncExternalStore } from 'react';
import type { EngineStatus } from '../../../shared/protocol';
import { engineStatusStore } from '../../worker-bridge';

const PHASE_LABEL: Record<EngineStatus['phase'], string> = {
  starting: 'Starting',
  loading: 'Loading',
  learning: 'Learning',
  ready: 'Ready',
  error: 'Error',
};

/**
 * Always-visible status: phase (with progress when known), the backend in use and why, whether
 * history is kept, and every error in an alert.
 */
export function EngineStatusLine() {
  const status = useSyncExternalStore(engineStatusStore.subscribe, engineStatusStore.get);
  const busy = status.phase === 'starting' || status.phase === 'loading' || status.phase === 'learning';
  return (
    <footer className="status" data-testid="engine-status" data-phase={status.phase} data-backend={status.backend ?? ''}>
      <div className="status__line" role="status" aria-live="polite">
        <span className={`status__phase status__phase--${status.phase}`}>
          <span className={`dot${busy ? ' dot--busy' : ''}`} aria-hidden="true" />
          {PHASE_LABEL[status.phase]}
          {status.detail ? <span className="status__detail">: {status.detail}</span> : null}
        </span>
        {status.progress !== undefined ? (
          <progress className="status__progress" max={1} value={status.progress} aria-label={`${PHASE_LABEL[status.phase]} progress`}>
            {Math.round(status.progress * 100)}%
          </progress>
        ) : null}
        <span className="status__backend" data-testid="engine-backend">
          Backend: <strong>{status.backend ?? 'not chosen yet'}</strong>
          {status.backendReason ? <span className="status__reason"> — {status.backendReason}</span> : null}
        </span>
        <span className="status__events">
          {status.eventCount} {status.eventCount === 1 ? 'event' : 'events'}
          {status.persistent ? ' kept on this device' : ' (not stored: storage unavailable)'}
          {status.phase !== 'starting' && status.phase !== 'loading' && !status.modelLoaded ? ' · model unavailable, showing non-personal lists' : ''}
        </span>
      </div>
      {status.errors.length > 0 ? (
        <ul className="status__errors" role="alert">
          {status.errors.map((e, i) => (
            <li key={i}>{e}</li>
          ))}
        </ul>
      ) : null}
    </footer>
  );
}
