import { useId, useSyncExternalStore } from 'react';
import { consentBannerStore, decide, openBanner, type BannerState } from './consent-store';

function useConsentBanner(): BannerState {
  return useSyncExternalStore(consentBannerStore.subscribe, consentBannerStore.get);
}

/**
 * The demo's minimal consent banner (consent mode only): Accept starts recording, Decline keeps
 * lists non-personal and, after an Accept, erases what was stored. Both answers look alike: declining
 * must be as easy as accepting. A real shop's CMP replaces it.
 */
export function ConsentBanner() {
  const { consent, open } = useConsentBanner();
  const titleId = useId();
  if (consent.state === 'not-required' || !open) return null;
  return (
    <section className="consent-banner" role="region" aria-labelledby={titleId} data-consent-state={consent.state}>
      <h2 id={titleId} className="consent-banner__title">
        May this shop remember what you look at?
      </h2>
      <p>
        With your agreement, what you view, add to your cart, buy and search for is kept in this browser only, to recommend
        products for you. It is never sent anywhere, and you can erase it at any time. Without it, nothing is stored and
        recommendations are the same for everyone.
      </p>
      <div className="consent-banner__actions">
        <button type="button" className="button" onClick={() => void decide(true)}>
          Accept
        </button>
        <button type="button" className="button" onClick={() => void decide(false)}>
          Decline
        </button>
      </div>
    </section>
  );
}

/** Reopens the banner once it has been answered (consent mode, the demo's own banner only). */
export function ConsentReopen() {
  const { consent, open } = useConsentBanner();
  if (consent.state === 'not-required' || open || consent.source === 'tcf') return null;
  return (
    <button type="button" className="consent-reopen" onClick={openBanner}>
      Privacy choices
    </button>
  );
}
