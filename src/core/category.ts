/**
 * A coarse browsing category for video-game products: the platform, read from the title by
 * keyword rules (Amazon titles usually say it, e.g. "Spider-Man 3 - PlayStation 2",
 * "Xbox 360 Wireless Controller", "Mario Kart DS"). Titles naming no platform get "Other".
 */

/** Platform rules, most specific first (e.g. "PlayStation 4" before "PlayStation"). */
const RULES: [category: string, pattern: RegExp][] = [
  ['PlayStation 5', /\b(playstation\s*5|ps\s*5)\b/i],
  ['PlayStation 4', /\b(playstation\s*4|ps\s*4|dualshock\s*4|psvr|playstation vr)\b/i],
  ['PlayStation 3', /\b(playstation\s*3|ps\s*3|dualshock\s*3|playstation move|sixaxis)\b/i],
  ['PlayStation 2', /\b(playstation\s*2|ps\s*2|dualshock\s*2)\b/i],
  ['PlayStation Vita', /\b(ps\s*vita|playstation\s*vita|vita)|psvita/i],
  ['PSP', /\b(psp(go)?|playstation portable)\b/i],
  ['PlayStation', /\b(playstation(\s*1|\s*one)?|ps\s*1|psx|psone|ps one|dualshock)\b/i],
  ['Xbox Series X|S', /\bxbox series\b/i],
  ['Xbox One', /\b(xbox\s*one|xb1|xbone)\b/i],
  ['Xbox 360', /\b(xbox\s*360|x360|kinect)\b/i],
  ['Xbox', /\bxbox\b/i],
  ['Nintendo Switch', /\b(nintendo\s*switch|switch|joy-?cons?)\b/i],
  // Before Wii: GameCube accessories often say "compatible with Wii".
  ['GameCube', /\b(game\s*cube|gamecube|ngc|wavebird)\b/i],
  ['Wii U', /\bwii\s*u\b/i],
  ['Wii', /\b(wii|wiimote|nunchuc?k)\b/i],
  ['Nintendo 3DS', /\b(3ds|2ds|3ds\s*xl|new 3ds)\b/i],
  ['Nintendo DS', /\b(nintendo\s*ds|ds\s*lite|dsi|nds|ds)\b/i],
  ['Game Boy Advance', /\b(game\s*boy\s*advance|gameboy\s*advance|gba|game\s*boy\s*sp|gameboy\s*sp)\b/i],
  ['Game Boy', /\b(game\s*boy(\s*colou?r)?|gameboy(\s*colou?r)?|gbc)\b/i],
  ['Nintendo 64', /\b(nintendo\s*64|n64)\b/i],
  ['Super Nintendo', /\b(super\s*nintendo|snes|super\s*nes|super\s*famicom)\b/i],
  ['NES', /\b(nes|nintendo entertainment system|famicom)\b/i],
  ['Sega', /\b(sega|dreamcast|genesis|saturn|game\s*gear|master system|mega\s*drive)\b/i],
  ['Atari', /\b(atari|2600|7800|jaguar|lynx)\b/i],
  ['Mac', /\b(mac|macintosh|os\s*x|macos)\b/i],
  // Toys-to-life figures work across consoles: a browsing category of their own.
  ['Toys & Figures', /\b(amiibo|skylanders?|disney infinity|lego dimensions|figure|figures)\b/i],
  ['PC', /\b(pc|windows|win\s*(xp|7|8|10)|steam|cd-?rom|dvd-?rom|laptop|computer|keyboard|mouse|mice|mousepad|mouse pad|download|instant access|online game code|digital code)\b/i],
];

/** The platform category of a product title, or "Other" when the title names none. */
export function categoryOf(title: string): string {
  // Amazon puts the platform after the last " - " ("Title - PlayStation 2"): prefer that part.
  const dash = title.lastIndexOf(' - ');
  if (dash >= 0) {
    const tail = title.slice(dash + 3);
    for (const [category, pattern] of RULES) if (pattern.test(tail)) return category;
  }
  for (const [category, pattern] of RULES) if (pattern.test(title)) return category;
  return 'Other';
}

/** All categories `categoryOf` can return, in rule order, then "Other". */
export const CATEGORIES: readonly string[] = [...RULES.map(([c]) => c), 'Other'];

/**
 * Titles that name no platform ("New Super Mario Bros") borrow one from what shoppers buy with
 * them: the weighted vote of the item's co-occurrence neighbours whose category is known. An item
 * is relabelled only when one category holds at least `minShare` of the known neighbour weight
 * and at least two neighbours vote. One pass, so labels never chain from inferred labels.
 */
export function inferCategoriesFromNeighbours(
  categories: readonly string[],
  index: Int32Array,
  weight: Float32Array,
  k: number,
  minShare = 0.6,
  unknown = 'Other',
): string[] {
  return categories.map((cat, i) => {
    if (cat !== unknown) return cat;
    const votes = new Map<string, number>();
    let total = 0, voters = 0;
    for (let j = 0; j < k; j++) {
      const nb = index[i * k + j];
      if (nb < 0) break;
      const c = categories[nb];
      if (c === unknown) continue;
      votes.set(c, (votes.get(c) ?? 0) + weight[i * k + j]);
      total += weight[i * k + j];
      voters++;
    }
    if (voters < 2 || total <= 0) return cat;
    const [best, w] = [...votes].reduce((a, b) => (b[1] > a[1] ? b : a));
    return w / total >= minShare ? best : cat;
  });
}
