// The example's own page script (not part of Shelfwise): a product page for ?id=, marked as a
// view for the widget, with the carousels anchored on it. The synthetic shop has no product
// database, so the page shows the id; a real shop renders its own product here.
const id = new URLSearchParams(location.search).get('id') ?? '';
const article = document.querySelector('[data-product]');
const h1 = document.createElement('h1');
h1.textContent = `Product ${id}`;
article.append(h1);
article.setAttribute('data-shelfwise-event', 'view');
article.setAttribute('data-shelfwise-item', id);
// Each is placed right after the article: the last placed comes first.
for (const [surface, heading] of [['for-you', ''], ['bought-together', 'Goes well with'], ['because-you-viewed', '']]) {
  const carousel = document.createElement('shelfwise-carousel');
  carousel.setAttribute('surface', surface);
  if (surface !== 'for-you') carousel.setAttribute('item', id);
  if (heading) carousel.setAttribute('heading', heading);
  article.after(carousel);
}
