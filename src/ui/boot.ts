/**
 * Storefront entry, kept tiny: it starts the recommender worker, then loads the React app. The
 * worker's script, the manifest and its starter list travel while the app's code (most of the
 * page's bytes) is still arriving; on a phone link that is most of the first carousel's wait.
 * The page's first lists are asked for here too, so the worker answers them as soon as it can
 * and the carousels find them when they first render.
 */
import { startEngine } from '../client/worker-bridge';
import { prefetchList } from './features/carousel/list-cache';
import { storefrontConsent } from './features/consent/consent-store';

void startEngine(undefined, storefrontConsent);
// The routes of `app/router.ts`, read without it (it needs React): a product page, or home.
const params = new URLSearchParams(location.search);
const item = params.get('item');
if (item) for (const surface of ['because-you-viewed', 'bought-together'] as const) prefetchList(surface, { itemId: item });
else if (!params.has('view') && !params.has('q') && !params.get('category')) for (const surface of ['for-you', 'recently-viewed', 'trending'] as const) prefetchList(surface);
void import('./main');
