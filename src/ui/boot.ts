/**
 * Storefront entry, kept tiny: it starts the recommender worker, then loads the React app. The
 * worker's script, the manifest and its starter list travel while the app's code (most of the
 * page's bytes) is still arriving; on a phone link that is most of the first carousel's wait.
 */
import { startEngine } from '../client/worker-bridge';
import { storefrontConsent } from './features/consent/consent-store';

void startEngine(undefined, storefrontConsent);
void import('./main');
