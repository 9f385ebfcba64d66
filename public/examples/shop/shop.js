// The example shop's own page script (not part of Shelfwise): it renders the range and the
// product page from the shop's catalogue, and marks them for the widget with data attributes,
// as a server-rendered shop would write them into its HTML.
const catalog = await (await fetch('/examples/shop/catalog.json')).json();
const money = (p) => new Intl.NumberFormat(document.documentElement.lang, { style: 'currency', currency: p.currency }).format(p.amount);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

function price(item) {
  if (!item.price) return el('span');
  return item.salePrice
    ? el('span', { class: 'price' }, el('s', {}, money(item.price)), ` ${money(item.salePrice)}`)
    : el('span', { class: 'price' }, money(item.price));
}

function addToCart(item) {
  return el('button', { type: 'button', 'data-shelfwise-item': item.id, 'data-shelfwise-event': 'add_to_cart' }, 'Add to cart');
}

const range = document.querySelector('[data-range]');
if (range) {
  const groups = new Set();
  for (const item of catalog.items) {
    // One tile per product: variants share a group.
    if (item.available === false || (item.group && groups.has(item.group))) continue;
    if (item.group) groups.add(item.group);
    range.append(el('li', { class: 'product', 'data-shelfwise-item': item.id },
      el('a', { href: item.url }, el('img', { src: item.image, alt: '', width: '200', height: '200', loading: 'lazy' }), el('span', {}, item.title)),
      price(item), addToCart(item)));
  }
}

const article = document.querySelector('[data-product]');
if (article) {
  const id = new URLSearchParams(location.search).get('id');
  const item = catalog.items.find((it) => it.id === id);
  if (!item) {
    article.append(el('h1', {}, 'No such product'));
  } else {
    document.title = `${item.title} — Hearth & Blade`;
    article.append(
      el('img', { src: item.image, alt: item.title, width: '320', height: '320' }),
      el('div', {}, el('h1', {}, item.title), el('p', { class: 'brand' }, item.brand ?? ''), price(item),
        item.available === false ? el('p', {}, 'Out of stock') : addToCart(item)),
    );
    article.setAttribute('data-shelfwise-event', 'view');
    article.setAttribute('data-shelfwise-item', item.id);
    article.after(
      el('shelfwise-carousel', { surface: 'because-you-viewed', item: item.id }),
      el('shelfwise-carousel', { surface: 'bought-together', item: item.id, heading: 'Goes well with' }),
    );
  }
}
