/**
 * The shopping cart: items the shopper added, kept in localStorage so a reload keeps it (it never
 * leaves the device). Adding and checking out also record events for the engine.
 */
import { useSyncExternalStore } from 'react';
import type { CatalogItem } from '../../../shared/protocol';
import { createStore } from '../../../client/create-store';
import { trackActivity } from '../../app/activity';
import { engine } from '../../../client/worker-bridge';

const KEY = 'shelfwise:cart';

function load(): CatalogItem[] {
  try {
    const raw = localStorage.getItem(KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (x): x is CatalogItem => typeof x === 'object' && x !== null && typeof x.id === 'string' && typeof x.title === 'string',
    );
  } catch {
    return [];
  }
}

export const cartStore = createStore<CatalogItem[]>(load());

cartStore.subscribe(() => {
  try {
    localStorage.setItem(KEY, JSON.stringify(cartStore.get()));
  } catch {
    // Storage blocked: the cart still works for this page's lifetime.
  }
});

export function useCart(): CatalogItem[] {
  return useSyncExternalStore(cartStore.subscribe, cartStore.get);
}

/** Adds the item (once) and records `add_to_cart`. */
export function addToCart(item: CatalogItem): Promise<boolean> {
  cartStore.set((items) => (items.some((i) => i.id === item.id) ? items : [...items, { id: item.id, title: item.title, category: item.category }]));
  return trackActivity(engine().recordEvent({ type: 'add_to_cart', itemId: item.id }));
}

export function removeFromCart(itemId: string): void {
  cartStore.set((items) => items.filter((i) => i.id !== itemId));
}

/** Simulated checkout: a `purchase` event per item, then an empty cart. No server is involved. */
export async function checkout(): Promise<CatalogItem[]> {
  const items = cartStore.get();
  for (const item of items) {
    await trackActivity(engine().recordEvent({ type: 'purchase', itemId: item.id }));
  }
  cartStore.set([]);
  return items;
}

/** "Buy now" on a product page: one purchase, the cart untouched. */
export function buyNow(item: CatalogItem): Promise<boolean> {
  return trackActivity(engine().recordEvent({ type: 'purchase', itemId: item.id }));
}
