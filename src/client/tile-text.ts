/**
 * What a product tile shows in place of an image (an item without one, or an image that failed to
 * load): a colour derived from the category and title, and the title's initials. Framework-free,
 * shared by the React storefront and the merchant widget.
 */

/** FNV-1a: a stable small hash, so a product keeps its colour across visits. */
export function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

export function initials(title: string): string {
  const words = title
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/)
    .filter(Boolean);
  const letters = words.slice(0, 2).map((w) => [...w][0]!.toUpperCase());
  return letters.join('') || '?';
}

/** Hue from the category, a shade shift from the title. */
export function tileColour(title: string, category?: string): { hue: number; shift: number } {
  return { hue: hash(category ?? 'other') % 360, shift: (hash(title) % 40) - 20 };
}
