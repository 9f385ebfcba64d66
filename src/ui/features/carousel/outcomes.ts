/**
 * What the carousels tell the engine about themselves (issue 8): which lists reached the screen,
 * and which card the shopper opened. The counts stay on the device; a failure only warns.
 */
import type { Surface } from '../../../shared/protocol';
import { trackActivity } from '../../app/activity';
import { engine, errorText } from '../../../client/worker-bridge';

/** A list of cards was committed to the DOM (once per new content of a mounted carousel). */
export function noteImpressions(surface: Surface, itemIds: string[]): void {
  trackActivity(engine().noteImpressions(surface, itemIds)).catch((e: unknown) => console.warn(`[shelfwise] impressions not noted: ${errorText(e)}`));
}

/** The card at `position` (0 = first) of `surface` was opened. */
export function noteClick(surface: Surface, position: number, itemId: string): void {
  trackActivity(engine().noteClick(surface, position, itemId)).catch((e: unknown) => console.warn(`[shelfwise] click not noted: ${errorText(e)}`));
}
