/**
 * Events from the host page without code: elements marked `data-shelfwise-item="ID"`.
 *
 * - A click on a marked element (or anything inside it) records a `view` of the item, or the
 *   event its `data-shelfwise-event` names (`add_to_cart`, `purchase`). The innermost marked
 *   element wins, so an "Add to cart" button inside a marked product tile records only that.
 * - An element marked `data-shelfwise-event="view"` records a `view` once, when at least half of
 *   it (or half the viewport) is visible: the product page's main element. Plain marked elements
 *   do not record views by being seen: a listing shows many products the shopper never looked at.
 * - `data-shelfwise-trigger="click|visible"` overrides when any marked event fires (e.g. a
 *   confirmation page marking purchased items `data-shelfwise-event="purchase"
 *   data-shelfwise-trigger="visible"`).
 */
import { EVENT_ATTR, ITEM_ATTR, readMarking, TRIGGER_ATTR, type MarkedEventType } from './marking';

export type RecordEvent = (type: MarkedEventType, itemId: string) => void;
export type Warn = (message: string) => void;

/**
 * Starts listening on `doc`: clicks (capture phase, so host handlers that stop propagation do not
 * hide them) and visibility of `view` elements, including elements added later. Returns `stop`.
 */
export function watchMarkedElements(doc: Document, record: RecordEvent, warn: Warn): () => void {
  const onClick = (event: Event) => {
    const marked = event.composedPath().find((n): n is Element => n instanceof Element && n.hasAttribute(ITEM_ATTR));
    if (!marked) return;
    const marking = readMarking(marked);
    if (typeof marking === 'string') warn(marking);
    else if (marking.trigger === 'click') record(marking.type, marking.itemId);
  };
  doc.addEventListener('click', onClick, { capture: true, passive: true });

  const seen = new WeakSet<Element>();
  const visibility = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        const viewport = entry.rootBounds?.height ?? Infinity;
        if (!entry.isIntersecting || (entry.intersectionRatio < 0.5 && entry.intersectionRect.height < viewport / 2)) continue;
        visibility.unobserve(entry.target);
        const marking = readMarking(entry.target);
        if (typeof marking !== 'string' && marking.trigger === 'visible') record(marking.type, marking.itemId);
      }
    },
    { threshold: [0, 0.5, 1] },
  );
  const consider = (el: Element) => {
    if (seen.has(el)) return;
    const marking = readMarking(el);
    if (typeof marking === 'string') return; // warned about on click; silent for passive markers
    if (marking.trigger !== 'visible') return;
    seen.add(el);
    visibility.observe(el);
  };
  const scan = (root: ParentNode) => {
    if (root instanceof Element && root.hasAttribute(ITEM_ATTR)) consider(root);
    root.querySelectorAll(`[${ITEM_ATTR}]`).forEach(consider);
  };
  scan(doc);
  const mutations = new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes' && r.target instanceof Element) consider(r.target);
      r.addedNodes.forEach((n) => {
        if (n instanceof Element) scan(n);
      });
    }
  });
  mutations.observe(doc.documentElement, { subtree: true, childList: true, attributes: true, attributeFilter: [ITEM_ATTR, EVENT_ATTR, TRIGGER_ATTR] });

  return () => {
    doc.removeEventListener('click', onClick, { capture: true });
    visibility.disconnect();
    mutations.disconnect();
  };
}
