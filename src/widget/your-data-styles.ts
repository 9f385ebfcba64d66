/**
 * The styles of the "Your data" panel, in its own module so that only pages with the panel load
 * them (see `your-data-element.ts`).
 */
import { lazySheet, THEME } from './styles';

/** The "Your data" panel (`<shelfwise-your-data>`): same theme, a plain vertical layout. */
const PANEL_CSS = /* css */ `
:host { display: block !important; }
:host([hidden]) { display: none !important; }
.panel { ${THEME} padding: 1em; border: 1px solid var(--_border); border-radius: var(--_radius); }
*, *::before, *::after { box-sizing: border-box; }
h2 { margin: 0 0 0.5em; font-size: 1.125em; font-weight: 650; }
h3 { margin: 1em 0 0.4em; font-size: 1em; font-weight: 650; }
p { margin: 0.3em 0; }
.muted { color: var(--_muted); }
.actions { display: flex; flex-wrap: wrap; gap: 0.5em; margin: 0.5em 0; }
button {
  font: inherit; font-size: 0.9em; padding: 0.35em 0.9em; border-radius: 999px; cursor: pointer;
  color: var(--_accent); background: transparent; border: 1px solid currentColor;
}
button:disabled { opacity: 0.5; cursor: default; }
button:focus-visible { outline: 2px solid var(--_accent); outline-offset: 2px; }
button.danger { color: light-dark(#b3261e, #f2b8b5); }
dl { display: grid; grid-template-columns: repeat(auto-fill, minmax(8em, 1fr)); gap: 0.5em; margin: 0; }
dl div { padding: 0.4em 0.6em; border: 1px solid var(--_border); border-radius: 0.5em; }
dt { font-size: 0.8125em; color: var(--_muted); }
dd { margin: 0; font-size: 1.25em; font-weight: 650; font-variant-numeric: tabular-nums; }
ul, ol { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.35em; }
.interest { display: grid; grid-template-columns: minmax(6em, 12em) 1fr 3em auto; align-items: center; gap: 0.6em; }
.interest-name { overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
.track { display: block; block-size: 0.8em; border-radius: 999px; background: var(--_skeleton); overflow: hidden; }
.bar { display: block; block-size: 100%; border-radius: 999px; background: var(--_accent); }
.value { text-align: end; font-variant-numeric: tabular-nums; color: var(--_muted); }
table { border-collapse: collapse; inline-size: 100%; font-size: 0.9em; font-variant-numeric: tabular-nums; }
th, td { padding: 0.25em 0.5em; text-align: end; }
th:first-child { text-align: start; font-weight: 400; }
thead th { font-weight: 600; border-bottom: 1px solid var(--_border); }
.event { font-size: 0.9em; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
@media (forced-colors: active) { .bar { background: CanvasText; } button { border-color: ButtonText; } }
`;

export const yourDataSheet = lazySheet(PANEL_CSS);
