/**
 * The carousel's styles: one constructable stylesheet adopted by every shadow root, so the
 * widget adds no `<style>` element (nothing for a CSP without 'unsafe-inline' to refuse) and no
 * rule outside its shadow roots.
 *
 * Sizes are fixed in `em` of the carousel's font size (default 1rem) so that the loading
 * placeholder and the loaded carousel have the same height: 20em in all (header 2.25em + gap
 * 0.5em + track 16.25em + padding 1em). The merchant guide quotes that figure for reserving space
 * before the script runs; change both together.
 */
export const CAROUSEL_HEIGHT_EM = 20;

/**
 * The reset and theme every widget root starts from: nothing the host page sets on its elements
 * is inherited inside, and the merchant's --shelfwise-* custom properties (untouched by "all")
 * set colours, fonts and shapes.
 */
export const THEME = /* css */ `  all: initial;
  display: block;
  box-sizing: border-box;
  color-scheme: var(--shelfwise-color-scheme, light dark);
  --_accent: var(--shelfwise-accent, light-dark(#0b57d0, #8ab4f8));
  --_text: var(--shelfwise-text, light-dark(#1f1f1f, #e8eaed));
  --_muted: var(--shelfwise-muted, light-dark(#5f6368, #aeb3b9));
  --_card-bg: var(--shelfwise-card-background, light-dark(#ffffff, #202124));
  --_border: var(--shelfwise-border, light-dark(#dadce0, #3c4043));
  --_skeleton: var(--shelfwise-placeholder, light-dark(#eceef1, #2d2f33));
  --_sale: var(--shelfwise-sale, light-dark(#b3261e, #f2b8b5));
  --_radius: var(--shelfwise-radius, 0.75em);
  --_gap: var(--shelfwise-gap, 0.75em);
  --_card-width: var(--shelfwise-card-width, clamp(9em, 40cqi, 11.5em));
  font-family: var(--shelfwise-font, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
  font-size: var(--shelfwise-font-size, 1rem);
  line-height: 1.3;
  color: var(--_text);
  background: var(--shelfwise-background, transparent);
`;

const CSS = /* css */ `
:host { display: block !important; }
/* Empty lists and failed carousels take no room (see the merchant guide). */
:host([hidden]), :host(:state(empty)) { display: none !important; }

.carousel {
${THEME}  container-type: inline-size;
  padding: 0.5em 0;
  block-size: ${CAROUSEL_HEIGHT_EM}em;
  overflow: hidden;
}
*, *::before, *::after { box-sizing: border-box; }

.header { display: flex; align-items: center; gap: 0.5em; block-size: 2.25em; margin: 0 0 0.5em; min-width: 0; }
.heading {
  margin: 0; font: inherit; font-size: 1.125em; font-weight: 650; line-height: 1.3;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; min-width: 0;
}
.badge {
  flex: none; font-size: 0.75em; font-weight: 600; padding: 0.15em 0.6em; border-radius: 999px;
  color: var(--_accent); border: 1px solid currentColor;
}
.badge[hidden] { display: none; }

.track {
  display: flex; gap: var(--_gap); margin: 0; padding: 0.125em 0.125em 0; list-style: none;
  /* Fixed height with room for a horizontal scrollbar, whether or not one shows. */
  block-size: 16.25em;
  overflow-x: auto; overflow-y: hidden;
  scroll-snap-type: x proximity; scroll-padding-inline: 0.125em;
  overscroll-behavior-x: contain;
  outline: none; border-radius: var(--_radius);
}
.track:focus-visible { outline: 2px solid var(--_accent); outline-offset: 2px; }

.card {
  position: relative; flex: 0 0 var(--_card-width); block-size: 15em; margin: 0; padding: 0;
  display: flex; flex-direction: column; overflow: hidden; scroll-snap-align: start;
  background: var(--_card-bg); border: 1px solid var(--_border); border-radius: var(--_radius);
}
.card:hover { border-color: var(--_accent); }
.link { display: flex; flex-direction: column; flex: none; color: inherit; text-decoration: none; border-radius: inherit; outline: none; }
.link:focus-visible { outline: 2px solid var(--_accent); outline-offset: -2px; }
/* The whole card is the link's click target; the reason stays selectable text above it. */
.link::after { content: ""; position: absolute; inset: 0; border-radius: inherit; }
.link:focus-visible::after { outline: 2px solid var(--_accent); outline-offset: -2px; }
/* A fixed box whatever it holds (image, tile, placeholder): nothing moves as an image loads. */
.media { display: block; block-size: 7em; flex: none; overflow: hidden; background: var(--_card-bg); }
.image { display: block; inline-size: 100%; block-size: 100%; object-fit: contain; }
.tile {
  display: grid; place-items: center; block-size: 100%;
  background: color-mix(in oklab, var(--_accent) 16%, var(--_card-bg));
  color: var(--_accent); font-weight: 700; letter-spacing: 0.04em;
}
.tile__initials { font-size: 1.75em; }
.card__title {
  margin: 0.6em 0.75em 0; font-weight: 600; block-size: 2.6em; overflow: hidden;
  display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 2; line-clamp: 2;
}
.link:hover .card__title { text-decoration: underline; }
.meta, .reason {
  /* 0.75em of the card's font size, like the title, at this smaller size. */
  margin: 0.3em calc(0.75em / 0.8125) 0; font-size: 0.8125em; color: var(--_muted); overflow: hidden; }
/* One line: the price, then the category in what room is left. */
.meta { display: flex; align-items: baseline; gap: 0.5em; white-space: nowrap; block-size: 1.3em; }
.price { display: flex; flex: none; align-items: baseline; gap: 0.35em; font-variant-numeric: tabular-nums; }
.price__now { font-weight: 650; color: var(--_text); }
.price__now--sale { color: var(--_sale); }
.category { min-width: 0; overflow: hidden; text-overflow: ellipsis; }
.sr-only {
  position: absolute; inline-size: 1px; block-size: 1px; overflow: hidden;
  clip-path: inset(50%); white-space: nowrap;
}
.reason {
  position: relative; margin-block: auto 0.9em; block-size: 2.6em;
  display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 2; line-clamp: 2;
}

.placeholder .media, .placeholder .bar { background: var(--_skeleton); color: transparent; }
.placeholder .bar { display: block; margin: 0.75em 0.75em 0; block-size: 0.9em; border-radius: 0.3em; }
.placeholder .bar--short { inline-size: 55%; }
@media (prefers-reduced-motion: no-preference) {
  .track { scroll-behavior: smooth; }
  .placeholder { animation: shelfwise-pulse 1.6s ease-in-out infinite; }
}
@keyframes shelfwise-pulse { 50% { opacity: 0.55; } }
@media (forced-colors: active) {
  .card, .badge { border-color: CanvasText; }
  .link:focus-visible::after { outline-color: Highlight; }
}
`;

/** A stylesheet parsed once per page, on first use, and adopted by every shadow root that needs it. */
export function lazySheet(css: string): () => CSSStyleSheet {
  let sheet: CSSStyleSheet | undefined;
  return () => {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
    }
    return sheet;
  };
}

export const carouselSheet = lazySheet(CSS);
