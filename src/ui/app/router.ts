/**
 * Routing by query parameters on `/`, so every page has a stable URL on any static server:
 * home `/`, product `?item={id}`, search and browse `?q=…&category=…&page=n`, cart `?view=cart`,
 * the shopper's data panel `?view=data`.
 * `backend`, `diagnostics` and `consent` are sticky: links keep them so a forced backend, the engine's
 * details opened for QA, or the consent mode (`?consent=required`), survive navigation and reloads.
 */
import { useSyncExternalStore, type MouseEvent } from 'react';
import { createStore } from '../../client/create-store';

export type Route =
  | { name: 'home' }
  | { name: 'product'; itemId: string }
  | { name: 'search'; query: string; category?: string; page: number }
  | { name: 'cart' }
  | { name: 'data' };

/** Parameters carried over to every link. */
const STICKY_PARAMS = ['backend', 'diagnostics', 'consent'] as const;

export function parseRoute(search: string): Route {
  const p = new URLSearchParams(search);
  const item = p.get('item');
  if (item) return { name: 'product', itemId: item };
  if (p.get('view') === 'cart') return { name: 'cart' };
  if (p.get('view') === 'data') return { name: 'data' };
  const q = p.get('q');
  const category = p.get('category');
  if (q !== null || category) {
    const page = Math.max(1, Number.parseInt(p.get('page') ?? '1', 10) || 1);
    return { name: 'search', query: (q ?? '').trim(), category: category || undefined, page };
  }
  return { name: 'home' };
}

export function routeHref(route: Route): string {
  const p = new URLSearchParams();
  switch (route.name) {
    case 'product':
      p.set('item', route.itemId);
      break;
    case 'cart':
      p.set('view', 'cart');
      break;
    case 'data':
      p.set('view', 'data');
      break;
    case 'search':
      if (route.query) p.set('q', route.query);
      if (route.category) p.set('category', route.category);
      if (route.page > 1) p.set('page', String(route.page));
      break;
    case 'home':
      break;
  }
  const current = new URLSearchParams(location.search);
  for (const key of STICKY_PARAMS) {
    const v = current.get(key);
    if (v) p.set(key, v);
  }
  const qs = p.toString();
  return qs ? `/?${qs}` : '/';
}

export interface Location {
  route: Route;
  /** Increments on every navigation (including back/forward): one visit of a page. */
  visit: number;
}

let visitCounter = 0;
const locationStore = createStore<Location>({ route: parseRoute(location.search), visit: visitCounter });

function refresh(): void {
  visitCounter++;
  locationStore.set({ route: parseRoute(location.search), visit: visitCounter });
}

window.addEventListener('popstate', refresh);

export function navigate(href: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  refresh();
  if (!opts.replace) window.scrollTo({ top: 0 });
}

export function currentLocation(): Location {
  return locationStore.get();
}

export function useLocation(): Location {
  return useSyncExternalStore(locationStore.subscribe, locationStore.get);
}

/** Click handler for `<a>`: plain left-clicks navigate in place; others keep browser behaviour. */
export function interceptLinkClick(event: MouseEvent<HTMLAnchorElement>): void {
  if (
    event.defaultPrevented ||
    event.button !== 0 ||
    event.metaKey ||
    event.ctrlKey ||
    event.shiftKey ||
    event.altKey ||
    (event.currentTarget.target && event.currentTarget.target !== '_self')
  ) {
    return;
  }
  const url = new URL(event.currentTarget.href);
  if (url.origin !== location.origin) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
}
