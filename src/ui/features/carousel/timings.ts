/**
 * Performance marks the closing measurements rely on: when the first carousel with items, and
 * the first personal one, reached the screen (milliseconds since navigation start).
 */
import type { ShelfwiseTimings } from '../../qa-hook-api';
import { trackActivity } from '../../app/activity';
import { engine, errorText } from '../../../client/worker-bridge';

export const FIRST_CAROUSEL_MARK = 'shelfwise:first-carousel';
export const FIRST_PERSONAL_CAROUSEL_MARK = 'shelfwise:first-personal-carousel';

let firstCarousel = false;
let firstPersonal = false;

/** Called after a carousel with items committed to the DOM. */
export function noteCarouselRendered(personal: boolean): void {
  if (!firstCarousel) {
    firstCarousel = true;
    performance.mark(FIRST_CAROUSEL_MARK);
    // TensorFlow.js loads only once the first carousel is painted (the engine is started with
    // `deferBackend`): loading and measuring backends would otherwise delay the first lists.
    const painted = new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    trackActivity(painted.then(() => engine().startLearningBackend())).catch((e: unknown) =>
      console.warn(`[shelfwise] could not start the learning backend: ${errorText(e)}`),
    );
  }
  if (personal && !firstPersonal) {
    firstPersonal = true;
    performance.mark(FIRST_PERSONAL_CAROUSEL_MARK);
  }
}


export function timings(): ShelfwiseTimings {
  const at = (name: string) => performance.getEntriesByName(name, 'mark')[0]?.startTime;
  return { firstCarousel: at(FIRST_CAROUSEL_MARK), firstPersonalCarousel: at(FIRST_PERSONAL_CAROUSEL_MARK) };
}
