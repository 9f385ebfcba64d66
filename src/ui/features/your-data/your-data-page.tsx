import { useId } from 'react';
import type { EventType, Interest } from '../../../shared/protocol';
import { EVENT_TYPES } from '../../../shared/protocol';
import { Link } from '../../app/link';
import { interestLabel, percent } from '../../../client/interest-labels';
import { EngineDiagnostics, useEngineStatus } from '../status/engine-diagnostics';
import { OutcomesSection } from './outcomes-section';
import {
  askToErase, cancelErase, eraseMyData, exportMyData, removeInterest, setPaused, usePanel, usePaused, useYourData,
} from './your-data-store';
import { COUNT_LABEL, EVENT_VERB, recordingNote, type RecentEvent, type StoredSummary } from '../../../client/your-data-summary';

function Counts({ summary }: { summary?: StoredSummary }) {
  return (
    <dl className="your-data__counts">
      {EVENT_TYPES.map((type) => (
        <div key={type} className="your-data__count">
          <dt>{COUNT_LABEL[type]}</dt>
          <dd data-count={type}>{summary ? summary.counts[type] : '…'}</dd>
        </div>
      ))}
      <div className="your-data__count your-data__count--total">
        <dt>Events in total</dt>
        <dd data-count="total">{summary ? summary.total : '…'}</dd>
      </div>
    </dl>
  );
}

function EventLine({ event }: { event: RecentEvent }) {
  const when = new Date(event.ts);
  return (
    <li className="your-data__event" data-event-type={event.type} data-item-id={event.itemId}>
      <span className="your-data__verb">{EVENT_VERB[event.type]}</span>{' '}
      {event.type === 'search' ? (
        <q className="your-data__query">{event.query}</q>
      ) : event.itemId ? (
        <Link to={{ name: 'product', itemId: event.itemId }} className="your-data__title">
          {event.title ?? event.itemId}
        </Link>
      ) : null}{' '}
      <time className="your-data__time" dateTime={when.toISOString()}>
        {when.toLocaleString()}
      </time>
    </li>
  );
}

function InterestChart({ interests }: { interests: Interest[] }) {
  const panel = usePanel();
  if (interests.length === 0) {
    return <p className="your-data__empty">Nothing learned yet: open a few products and your interests appear here.</p>;
  }
  return (
    <>
      <ul className="interests" aria-label="Interests learned from your activity">
        {interests.map((interest) => (
          <li key={interest.key} className="interest" data-interest={interest.key}>
            <span className="interest__name" aria-hidden="true" title={interest.items.map((i) => i.title).join('\n')}>
              {interest.name}
            </span>
            <span className="interest__track" role="img" aria-label={interestLabel(interest)}>
              <span className="interest__bar" style={{ width: `${Math.max(1, interest.share * 100)}%` }} />
            </span>
            <span className="interest__value" aria-hidden="true">
              {percent(interest.share)}
            </span>
            <button
              type="button"
              className="button button--quiet interest__remove"
              aria-label={`Remove interest ${interest.name}`}
              onClick={() => void removeInterest(interest)}
              disabled={panel.busy !== undefined}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      <p className="your-data__note">Removing an interest stops its products from shaping your recommendations; your history itself stays until you erase it.</p>
    </>
  );
}

function Controls() {
  const panel = usePanel();
  const paused = usePaused();
  const consent = useEngineStatus().consent;
  const confirmId = useId();
  return (
    <section className="your-data__section" aria-labelledby={`${confirmId}-title`}>
      <h2 id={`${confirmId}-title`} className="section-title">
        Your controls
      </h2>
      <p
        className={`your-data__state${paused || consent === 'not-given' ? ' your-data__state--paused' : ''}`}
        role="status"
        data-paused={paused ? 'true' : 'false'}
        data-consent={consent}
      >
        {recordingNote({ paused, consent })}
      </p>
      <div className="your-data__actions">
        <button type="button" className="button" onClick={() => void setPaused(!paused)} disabled={panel.busy !== undefined}>
          {paused ? 'Resume personalisation' : 'Pause personalisation'}
        </button>
        <button type="button" className="button" onClick={() => void exportMyData()} disabled={panel.busy !== undefined}>
          {panel.busy === 'export' ? 'Preparing download…' : 'Export my data'}
        </button>
        <button
          type="button"
          className="button button--danger"
          onClick={askToErase}
          disabled={panel.busy !== undefined || panel.confirmingErase}
          aria-expanded={panel.confirmingErase}
          aria-controls={panel.confirmingErase ? confirmId : undefined}
        >
          Erase my data
        </button>
      </div>
      {panel.confirmingErase ? (
        <div className="your-data__confirm" id={confirmId} role="group" aria-label="Confirm erasing your data">
          <p>
            This deletes your history, everything learned from it and your cart from this browser. It cannot be undone.
            {paused ? ' Personalisation stays paused.' : ''}
          </p>
          <div className="your-data__actions">
            <button type="button" className="button button--danger-solid" onClick={() => void eraseMyData()} disabled={panel.busy !== undefined}>
              {panel.busy === 'erase' ? 'Erasing…' : 'Erase everything'}
            </button>
            <button type="button" className="button button--quiet" onClick={cancelErase} disabled={panel.busy !== undefined} autoFocus>
              Cancel
            </button>
          </div>
        </div>
      ) : null}
      {panel.message ? (
        <p className={`notice notice--${panel.message.kind}`} role={panel.message.kind === 'error' ? 'alert' : 'status'}>
          {panel.message.text}
        </p>
      ) : null}
    </section>
  );
}

/** The engine's details (backend, timings, events kept), for the curious and for QA. */
function EngineSection() {
  const status = useEngineStatus();
  return (
    <section className="your-data__section" aria-labelledby="your-data-engine">
      <h2 id="your-data-engine" className="section-title">
        How recommendations run in this browser
      </h2>
      <EngineDiagnostics status={status} />
    </section>
  );
}

/** The shopper's "Your data" panel (`?view=data`): what is stored, what was learned, and controls. */
export function YourDataPage() {
  const data = useYourData();
  const summary = data.summary;
  return (
    <div className="page page--your-data your-data" data-testid="your-data" aria-busy={data.loading}>
      <h1>Your data</h1>
      <p className="your-data__intro">
        Everything below is kept in this browser only. Nothing is sent to a server; an export is made on your device.
      </p>
      {data.error ? (
        <p className="notice notice--error" role="alert">
          Could not read your data: {data.error}
        </p>
      ) : null}
      <Controls />
      <section className="your-data__section" aria-labelledby="your-data-stored">
        <h2 id="your-data-stored" className="section-title">
          What is stored
        </h2>
        <Counts summary={summary} />
      </section>
      <section className="your-data__section" aria-labelledby="your-data-interests">
        <h2 id="your-data-interests" className="section-title">
          Interests the model has learned
        </h2>
        {summary ? <InterestChart interests={summary.interests} /> : <p className="loading">Reading your data…</p>}
      </section>
      <OutcomesSection />
      <section className="your-data__section" aria-labelledby="your-data-recent">
        <h2 id="your-data-recent" className="section-title">
          Recent activity
        </h2>
        {summary && summary.recent.length > 0 ? (
          <ol className="your-data__events" aria-labelledby="your-data-recent">
            {summary.recent.map((e) => (
              <EventLine key={e.key} event={e} />
            ))}
          </ol>
        ) : summary ? (
          <p className="your-data__empty">No activity recorded.</p>
        ) : null}
      </section>
      <EngineSection />
    </div>
  );
}
