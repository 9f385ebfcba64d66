/**
 * The demo catalogue as scenarios need it (fetched from the preview server by the test runner,
 * not by the page): id → item, and the categories with their sizes.
 */
import type { APIRequestContext } from '@playwright/test';
import type { CatalogItem } from '../src/shared/protocol';

/**
 * The catalogue's catch-all category: items whose platform the catalogue build could not tell
 * (many handheld games among them). It says nothing about a shopper's taste either way.
 */
export const UNKNOWN_CATEGORY = 'Other';

export interface TestCatalog {
  items: CatalogItem[];
  byId: Map<string, CatalogItem>;
  categoryOf(id: string): string | undefined;
  /** Categories, largest first. */
  categories: { name: string; count: number }[];
}

export async function loadCatalog(request: APIRequestContext): Promise<TestCatalog> {
  const res = await request.get('/catalog.json');
  if (!res.ok()) throw new Error(`GET /catalog.json: ${res.status()}`);
  const data = (await res.json()) as { items: CatalogItem[] };
  const byId = new Map(data.items.map((i) => [i.id, i]));
  const counts = new Map<string, number>();
  for (const i of data.items) if (i.category) counts.set(i.category, (counts.get(i.category) ?? 0) + 1);
  return {
    items: data.items,
    byId,
    categoryOf: (id) => byId.get(id)?.category,
    categories: [...counts].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count),
  };
}

/** Fraction of `ids` in `category`. */
export function shareOf(catalog: TestCatalog, ids: string[], category: string): number {
  if (ids.length === 0) return 0;
  return ids.filter((id) => catalog.categoryOf(id) === category).length / ids.length;
}

/** Fraction of `ids` in `category` among those whose category is known (not the catch-all). */
export function shareOfKnown(catalog: TestCatalog, ids: string[], category: string): number {
  const known = ids.filter((id) => {
    const c = catalog.categoryOf(id);
    return c !== undefined && c !== UNKNOWN_CATEGORY;
  });
  return shareOf(catalog, known, category);
}
