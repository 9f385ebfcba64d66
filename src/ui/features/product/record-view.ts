import { useEffect, useState } from 'react';
import { trackActivity } from '../../app/activity';
import { engine, errorText } from '../../../client/worker-bridge';

/** Visits already recorded: effects may run twice (StrictMode), a visit counts once. */
const recordedVisits = new Set<number>();

/**
 * Records one `view` event per visit of a product page. Returns the error if the engine refused
 * the event (e.g. an id the catalogue does not know).
 */
export function useRecordView(itemId: string, visit: number): string | undefined {
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (recordedVisits.has(visit)) return;
    recordedVisits.add(visit);
    setError(undefined);
    trackActivity(engine().recordEvent({ type: 'view', itemId })).catch((e: unknown) => {
      console.warn(`[shelfwise] view not recorded: ${errorText(e)}`);
      setError(errorText(e));
    });
  }, [itemId, visit]);
  return error;
}
