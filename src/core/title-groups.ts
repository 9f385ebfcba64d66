/**
 * Variants of one product in a catalogue that has no variant attribute (the demo's research
 * data): items whose titles are equal once the edition suffixes are taken off ("Spider-Man" on
 * seven platforms, a mouse "- Black" and "- White", "[Online Game Code]") are one product to the
 * shopper. Pure.
 */

/** Words that make a trailing title segment an edition, not part of the product's name. */
const EDITION_WORDS = new RegExp(
  '\\b(' +
    [
      // platforms
      'pc', 'mac', 'pc/mac', 'windows', 'linux', 'xbox', 'xbox 360', 'xbox one', 'xbox series x', 'playstation', 'playstation [1-5]',
      'ps[1-5]', 'psp', 'ps vita', 'playstation vita', 'sony psp', 'nintendo', 'nintendo (ds|3ds|wii|wii u|switch|64|nes|super nes|gamecube)',
      'wii', 'wii u', 'ds', '3ds', 'switch', 'gamecube', 'game boy( advance| color)?', 'sega( genesis| saturn| dreamcast)?', 'dreamcast',
      // editions and packaging
      'edition', 'version', 'download', 'digital code', 'online game code', 'game code', 'instant access', 'import', 'japan import',
      'bulk packaging', 'packaging', 'jewel case', 'game only', 'refurbished', 'certified refurbished', 'renewed', 'discontinued',
      'discontinued by manufacturer', 'not machine specific', 'standard', 'na', 'us', 'uk', 'eu',
      // colours
      'black', 'white', 'red', 'blue', 'green', 'pink', 'purple', 'grey', 'gray', 'silver', 'gold', 'clear', 'yellow', 'orange',
    ]
      // Longest first, so "xbox 360" is taken whole rather than as "xbox" and a stray "360".
      .sort((a, b) => b.length - a.length)
      .join('|') +
    ')\\b',
  'i',
);

/** A trailing segment: ` - X`, ` (X)` or ` [X]`, X short. */
const TRAILING = /\s*(?:[-–—]\s+([^-–—()[\]]{1,40})|\(([^()]{1,40})\)|\[([^[\]]{1,40})\])\s*$/;

/**
 * The part of a title that names the product: lowercase, without trailing segments made of
 * edition words only (platforms, editions, packaging, colours), repeatedly.
 */
export function productNameOf(title: string): string {
  let t = title.toLowerCase().replace(/\s+/g, ' ').trim();
  for (;;) {
    const m = TRAILING.exec(t);
    if (!m) break;
    const segment = (m[1] ?? m[2] ?? m[3]).trim();
    // Only when every word of the segment is an edition word is it an edition.
    const rest = segment.replace(new RegExp(EDITION_WORDS.source, 'gi'), ' ').replace(/[\s,/&+]+/g, '');
    if (rest.length > 0) break;
    const shorter = t.slice(0, m.index).trim();
    if (shorter.length < 3) break;
    t = shorter;
  }
  return t;
}

/**
 * Groups items by product name: `group[i]` is the id of the first item with the same name, or
 * undefined for an item alone with its name (so the catalogue carries the field only where it
 * means something).
 */
export function groupsByTitle(items: readonly { id: string; title: string }[]): (string | undefined)[] {
  const first = new Map<string, number>();
  const counts = new Map<string, number>();
  const names = items.map((it) => productNameOf(it.title));
  names.forEach((name, i) => {
    if (!first.has(name)) first.set(name, i);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  });
  return names.map((name) => (counts.get(name)! > 1 ? items[first.get(name)!].id : undefined));
}
