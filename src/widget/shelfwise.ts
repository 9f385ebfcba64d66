/**
 * The merchant widget's entry (`<script type="module" src="/shelfwise/shelfwise.js">`): reads the
 * script tag's configuration, defines `<shelfwise-carousel>` and `<shelfwise-your-data>`, records marked host-page events and
 * installs `window.shelfwise`. Nothing else touches the host page: no global CSS, no other
 * global, and no exception escapes into it. The engine (and TensorFlow.js, later) runs in a worker
 * started on first use.
 */
import { version } from '../../package.json';
import { createApi } from './api';
import { CAROUSEL_TAG, defineCarouselElement } from './carousel-element';
import { browserConsentHost, ConsentController } from '../client/consent';
import { readConfig } from './config';
import { warn, WidgetController } from './controller';
import { watchMarkedElements } from './marked-elements';
import { defineYourDataElement } from './your-data-element';

/**
 * Finds the widget's own script tag. Module scripts have no `document.currentScript`, so it is
 * the `<script src>` whose resolved URL is the entry's `import.meta.url`; failing that (e.g. a
 * loader that rewrote the URL), the first script carrying `data-catalog`.
 */
function findOwnScript(doc: Document, entryUrl: string): HTMLScriptElement | null {
  for (const script of doc.querySelectorAll<HTMLScriptElement>('script[src]')) {
    if (script.src === entryUrl) return script;
  }
  return doc.querySelector<HTMLScriptElement>('script[data-catalog]');
}

function main(): void {
  if (customElements.get(CAROUSEL_TAG)) {
    warn('the widget script is included twice; the second copy does nothing');
    return;
  }
  const script = findOwnScript(document, import.meta.url);
  const config = readConfig(script?.dataset ?? {}, document.baseURI);
  for (const problem of config.problems) warn(problem);
  const consent = new ConsentController(config.consentRequired, browserConsentHost((m) => warn(m)), config.tcf);
  // Before the engine starts, so that a CMP that already knows the answer gives it at once; again
  // at `load`, for a CMP whose script comes after ours.
  if (!consent.listenToCmp()) window.addEventListener('load', () => consent.listenToCmp(), { once: true });
  const controller = new WidgetController(config, consent);

  defineCarouselElement(controller);
  defineYourDataElement(controller);
  watchMarkedElements(
    document,
    (type, itemId) => {
      controller.track(type, itemId).catch((err: unknown) => warn(`${type} of "${itemId}" was not recorded`, err));
    },
    (message) => warn(message),
  );

  if (window.shelfwise === undefined) {
    Object.defineProperty(window, 'shelfwise', { value: createApi(controller, version), enumerable: true });
  } else {
    warn('window.shelfwise is taken by another script; the JS API is not installed (carousels and marked elements still work)');
  }
}

try {
  main();
} catch (err) {
  warn('could not start', err);
}
