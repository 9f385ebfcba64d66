/**
 * What the `data-shelfwise-*` attributes of a host-page element ask for (pure: no DOM types, so
 * Node tests cover it). The rules are described in `marked-elements.ts` and the merchant guide.
 */
import type { EventType } from '../shared/protocol';

export const ITEM_ATTR = 'data-shelfwise-item';
export const EVENT_ATTR = 'data-shelfwise-event';
export const TRIGGER_ATTR = 'data-shelfwise-trigger';

export type MarkedEventType = Extract<EventType, 'view' | 'add_to_cart' | 'purchase'>;
export type Trigger = 'click' | 'visible';

export interface Marking {
  itemId: string;
  type: MarkedEventType;
  trigger: Trigger;
}

const TYPES: readonly MarkedEventType[] = ['view', 'add_to_cart', 'purchase'];

/** What an element's attributes ask for, or a reason why they are not valid. */
export function readMarking(el: { getAttribute(name: string): string | null }): Marking | string {
  const itemId = el.getAttribute(ITEM_ATTR)?.trim() ?? '';
  if (!itemId) return `${ITEM_ATTR} is empty`;
  const rawType = el.getAttribute(EVENT_ATTR)?.trim() || 'view';
  if (!(TYPES as readonly string[]).includes(rawType)) return `${EVENT_ATTR}="${rawType}" is not one of ${TYPES.join(', ')}`;
  const type = rawType as MarkedEventType;
  const rawTrigger = el.getAttribute(TRIGGER_ATTR)?.trim();
  const explicit = el.getAttribute(EVENT_ATTR) !== null;
  const trigger: Trigger =
    rawTrigger === 'click' || rawTrigger === 'visible' ? rawTrigger : type === 'view' && explicit ? 'visible' : 'click';
  return { itemId, type, trigger };
}

