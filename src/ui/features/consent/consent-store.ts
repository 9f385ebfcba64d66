/**
 * The storefront demo's consent (issue 14), outside components. `?consent=required` turns consent
 * mode on; the demo's own banner then stands in for a shop's consent platform and keeps its answer
 * in localStorage, as a CMP keeps its cookie (a record of the choice, which itself needs no
 * consent). A TCF CMP on the page (`window.__tcfapi`) is heard too, and then the banner stays away.
 */
import { browserConsentHost, ConsentController, type ConsentSnapshot } from '../../../client/consent';
import { createStore } from '../../../client/create-store';
import { consentSettled } from '../../../client/worker-bridge';

const CHOICE_KEY = 'shelfwise-demo-consent';

function rememberedChoice(): boolean | undefined {
  try {
    const value = localStorage.getItem(CHOICE_KEY);
    return value === 'granted' ? true : value === 'denied' ? false : undefined;
  } catch {
    return undefined; // storage blocked: the banner asks again
  }
}

function remember(given: boolean): void {
  try {
    localStorage.setItem(CHOICE_KEY, given ? 'granted' : 'denied');
  } catch {
    // Storage blocked: the choice holds for this page only.
  }
}

export const storefrontConsent = new ConsentController(
  new URLSearchParams(location.search).get('consent') === 'required',
  browserConsentHost((message) => console.warn(`[shelfwise] ${message}`)),
);

const remembered = storefrontConsent.required ? rememberedChoice() : undefined;
if (remembered !== undefined) storefrontConsent.consent(remembered);
const hasCmp = storefrontConsent.listenToCmp();
if (!hasCmp && storefrontConsent.required) window.addEventListener('load', () => storefrontConsent.listenToCmp(), { once: true });

export interface BannerState {
  consent: ConsentSnapshot;
  /** The demo's banner is on screen (consent mode, no CMP, and no answer yet or the shopper reopened it). */
  open: boolean;
}

/** What the banner shows. `boot.ts` imports this module: React stays out of it (see `consent-banner.tsx`). */
export const consentBannerStore = createStore<BannerState>({ consent: storefrontConsent.get(), open: storefrontConsent.required && !hasCmp && remembered === undefined });
// A CMP's answer closes the demo's banner: the CMP owns the question.
storefrontConsent.subscribe((consent) => consentBannerStore.set((s) => ({ consent, open: s.open && consent.source !== 'tcf' })));

/** The shopper answered the banner: remembered, applied; resolves once the engine has applied it. */
export async function decide(given: boolean): Promise<ConsentSnapshot> {
  remember(given);
  const snapshot = storefrontConsent.consent(given);
  consentBannerStore.set((s) => ({ ...s, open: false }));
  await consentSettled();
  return snapshot;
}

export function openBanner(): void {
  consentBannerStore.set((s) => ({ ...s, open: true }));
}
