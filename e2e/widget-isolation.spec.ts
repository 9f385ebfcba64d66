/**
 * The widget and the host page leave each other alone: an aggressive host stylesheet cannot
 * break the carousels (their styles live in shadow roots and reset inheritance), and the widget's
 * styles do not reach the host page's elements.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { EXAMPLE_PATH, rewriteExamplePage, WIDGET_SCRIPT, WidgetPage } from './pages/widget';

const SURFACES_ON_PAGE = ['for-you', 'because-you-viewed', 'trending'] as const;

/** Host elements of the example page whose computed style must not depend on the widget. */
const HOST_ELEMENTS = ['html', 'body', '.site-header', '.site-header nav a', 'main', 'h1', '.lede', '.products', '.product', '.product h2', '.product summary', '.product button', '.spotlight', '.site-footer p'];
/** Style properties, not layout results (page height and scrollbars may legitimately differ). */
const PROPERTIES = [
  'display', 'position', 'box-sizing', 'color', 'background-color', 'font-family', 'font-size', 'font-weight', 'font-style',
  'line-height', 'letter-spacing', 'text-transform', 'text-align', 'text-decoration-line', 'white-space', 'visibility',
  'opacity', 'margin-top', 'margin-bottom', 'padding-top', 'padding-left', 'border-top-width', 'border-top-style',
  'border-radius', 'outline-style', 'cursor', 'color-scheme', 'list-style-type', 'transform', 'filter',
];

function hostStyles(page: Page): Promise<unknown> {
  // Through the <html> element: e2e compiles without DOM types, element handles are untyped.
  return page.locator('html').evaluate(
    (html, [selectors, props]) => {
      const doc = html.ownerDocument;
      const view = doc.defaultView;
      return {
        elements: selectors.map((sel) => {
          const el = doc.querySelector(sel);
          if (!el) return `${sel}: missing`;
          const cs = view.getComputedStyle(el);
          return [sel, ...props.map((p) => `${p}: ${cs.getPropertyValue(p)}`)];
        }),
        styleSheets: [...doc.styleSheets].map((s: { href: string | null }) => s.href),
        adoptedStyleSheets: doc.adoptedStyleSheets.length,
        styleElements: doc.querySelectorAll('style').length,
        headElements: [...doc.head.children].map((c: { tagName: string }) => c.tagName),
      };
    },
    [HOST_ELEMENTS, PROPERTIES] as const,
  );
}

test('an aggressive host stylesheet (* { all: unset } and wild fonts) does not break the carousels', async ({ page }) => {
  await rewriteExamplePage(page, { head: '<link rel="stylesheet" href="/examples/hostile.css" />' });
  const widget = new WidgetPage(page);
  await widget.open();
  await expect(page.locator('body')).toHaveCSS('text-transform', 'uppercase');
  await widget.whenCarouselsShown();

  for (const surface of SURFACES_ON_PAGE) {
    await test.step(`${surface}: cards visible, sized, readable`, async () => {
      const carousel = widget.carousel(surface);
      await expect(carousel.region).toBeVisible();
      expect(await carousel.cards.count()).toBeGreaterThanOrEqual(5);
      const box = await carousel.cards.first().boundingBox();
      expect(box?.width).toBeGreaterThanOrEqual(140);
      expect(box?.height).toBeGreaterThanOrEqual(200);
      await expect(carousel.cardLink(0)).toBeVisible();
      const title = carousel.cards.first().locator('.card__title');
      const style = await title.evaluate((el) => {
        const cs = el.ownerDocument.defaultView.getComputedStyle(el);
        return { transform: cs.textTransform, spacing: cs.letterSpacing, style: cs.fontStyle, color: cs.color, size: cs.fontSize };
      });
      expect(style).toMatchObject({ transform: 'none', spacing: 'normal', style: 'normal', size: '16px' });
      expect(style.color).not.toBe('rgb(255, 0, 255)');
    });
  }

  await test.step('a card link is clickable and opens the product page', async () => {
    const trending = widget.carousel('trending');
    const [id] = await trending.itemIds();
    await trending.cardLink(0).click();
    await expect(page).toHaveURL(new RegExp(`/\\?item=${id}$`));
  });
});

test('the widget’s styles do not leak: host elements compute the same styles with and without it', async ({ page }) => {
  const widget = new WidgetPage(page);
  let without: unknown;
  await test.step('the page with the widget script replaced by an empty module', async () => {
    await page.route(`**${WIDGET_SCRIPT}`, (route) => route.fulfill({ contentType: 'text/javascript', body: '' }));
    await page.goto(EXAMPLE_PATH);
    without = await hostStyles(page);
    await page.unroute(`**${WIDGET_SCRIPT}`);
  });

  await test.step('the page with the widget running', async () => {
    await widget.open();
    await widget.whenCarouselsShown();
    expect(await hostStyles(page)).toEqual(without);
  });

  await test.step('the widget styles live in one adopted sheet per shadow root, nothing in the document', async () => {
    const sheets = await widget.host('trending').evaluate((el) => ({
      adopted: el.shadowRoot?.adoptedStyleSheets.length,
      styleElements: el.shadowRoot?.querySelectorAll('style, link').length,
      sameSheet: el.shadowRoot?.adoptedStyleSheets[0] === el.ownerDocument.querySelector('shelfwise-carousel')?.shadowRoot?.adoptedStyleSheets[0],
    }));
    expect(sheets).toEqual({ adopted: 1, styleElements: 0, sameSheet: true });
  });
});

test.describe('a catalogue that cannot be loaded', () => {
  // One regexp: Playwright would read a two-element array as [value, fixture options].
  test.use({ expectedConsoleErrors: [/\[shelfwise\] Catalogue could not be loaded: HTTP 404|status of 404/] });

  test('hides the carousels, reports in the console, and throws nothing into the page', async ({ page, context }) => {
    await context.route('**/catalog.json', (route) => route.fulfill({ status: 404, body: 'not here' }));
    const widget = new WidgetPage(page);
    await widget.open();
    await widget.whenIdle();
    for (const surface of SURFACES_ON_PAGE) {
      await expect(widget.host(surface)).toBeHidden();
      expect(await widget.host(surface).evaluate((el) => el.matches(':state(empty), :state(error)'))).toBe(true);
    }
    const list = await widget.recommend('trending');
    expect(list.items).toEqual([]);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    expect((await widget.status()).errors.join(' ')).toMatch(/Catalogue could not be loaded/);
  });
});
