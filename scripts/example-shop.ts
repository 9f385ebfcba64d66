/**
 * Writes the example shop of the merchant guide: a Google Merchant Center TSV feed, an events
 * CSV as a shop's analytics would export it, and the product images, all under
 * `public/examples/shop/` (deterministic; `npm run build:model` then turns them into the
 * catalogue and model the example page loads):
 *
 *   npx tsx scripts/example-shop.ts [--out public/examples/shop] [--shoppers 1200]
 *
 * The products are made up; the shoppers are simulated with tastes (a few departments each),
 * missions (a product, then what goes with it) and the usual funnel (views, some add-to-carts,
 * fewer purchases), over 90 days. A few events name products the shop no longer sells, as a
 * real export does.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mulberry32 } from '../src/core/random';

interface Product {
  id: string;
  title: string;
  description: string;
  department: string;
  type: string;
  brand: string;
  price: number;
  salePrice?: number;
  group?: string;
  available: boolean;
  colour: string;
  /** Departments whose products go with this one. */
  goesWith: string[];
}

/** Departments: product_type path, what they go with, and the products (name, price, variants). */
const DEPARTMENTS: { key: string; type: string; goesWith: string[]; colour: string; products: [string, number, string[]?][] }[] = [
  {
    key: 'knives', type: 'Home > Kitchen > Knives', goesWith: ['knife-care', 'boards'], colour: '#8a9bb0',
    products: [['Chef’s Knife 20 cm', 89], ['Santoku Knife 17 cm', 79], ['Paring Knife 9 cm', 29], ['Bread Knife 23 cm', 49],
      ['Utility Knife 13 cm', 39], ['Nakiri Knife 16 cm', 85], ['Boning Knife 15 cm', 45], ['Steak Knives, set of 4', 69]],
  },
  {
    key: 'knife-care', type: 'Home > Kitchen > Knife Care', goesWith: ['knives'], colour: '#6d7f8f',
    products: [['Whetstone 1000/6000', 39], ['Honing Steel 25 cm', 29], ['Magnetic Knife Strip', 35, ['Oak', 'Walnut']],
      ['Knife Block, 6 slots', 59, ['Beech', 'Black']], ['Blade Guards, set of 3', 12]],
  },
  {
    key: 'boards', type: 'Home > Kitchen > Cutting Boards', goesWith: ['knives', 'knife-care'], colour: '#b08a5a',
    products: [['End-Grain Cutting Board', 95, ['Large', 'Medium']], ['Bamboo Board Set', 29], ['Board Oil 250 ml', 12], ['Juice-Groove Carving Board', 65]],
  },
  {
    key: 'cookware', type: 'Home > Kitchen > Cookware', goesWith: ['utensils'], colour: '#4a4a4a',
    products: [['Carbon Steel Frying Pan', 49, ['20 cm', '24 cm', '28 cm']], ['Cast Iron Dutch Oven 5 L', 129, ['Cherry', 'Sage', 'Graphite']],
      ['Stainless Saucepan 2 L', 59], ['Stainless Sauté Pan 28 cm', 89], ['Carbon Steel Wok 32 cm', 55], ['Stock Pot 8 L', 75], ['Grill Pan 26 cm', 65]],
  },
  {
    key: 'utensils', type: 'Home > Kitchen > Utensils', goesWith: ['cookware'], colour: '#7a6a55',
    products: [['Fish Spatula', 19], ['Wooden Spoon Set', 15], ['Silicone Tongs', 14], ['Ladle', 16], ['Splatter Guard', 22], ['Pan Scraper Set', 9]],
  },
  {
    key: 'coffee', type: 'Home > Kitchen > Coffee', goesWith: ['coffee-beans', 'mugs'], colour: '#6b4a3a',
    products: [['Pour-Over Dripper', 29, ['Ceramic White', 'Ceramic Black', 'Glass']], ['Paper Filters, 100 pack', 7], ['Burr Coffee Grinder', 149],
      ['Gooseneck Kettle 1 L', 79], ['French Press 1 L', 39], ['Coffee Scale with Timer', 45], ['Milk Frother', 25]],
  },
  {
    key: 'coffee-beans', type: 'Home > Grocery > Coffee Beans', goesWith: ['coffee'], colour: '#3f2a20',
    products: [['Ethiopia Yirgacheffe Beans 250 g', 16], ['Colombia Huila Beans 250 g', 14], ['House Espresso Blend 1 kg', 38], ['Decaf Swiss Water Beans 250 g', 15]],
  },
  {
    key: 'tea', type: 'Home > Kitchen > Tea', goesWith: ['mugs'], colour: '#6f8f5a',
    products: [['Cast Iron Teapot 0.8 L', 59], ['Glass Teapot with Infuser', 35], ['Sencha Green Tea 100 g', 14], ['Earl Grey Loose Leaf 100 g', 12],
      ['Tea Infuser Basket', 9], ['Matcha Whisk Set', 32]],
  },
  {
    key: 'baking', type: 'Home > Kitchen > Baking', goesWith: ['baking'], colour: '#d9a441',
    products: [['Stand Mixer Bowl 5 L', 45], ['Balloon Whisk', 12], ['French Rolling Pin', 18], ['Half-Sheet Baking Tray', 22], ['Springform Cake Tin 24 cm', 25],
      ['Digital Kitchen Scale', 29], ['Bench Scraper', 9], ['Proofing Basket', 24]],
  },
  {
    key: 'mugs', type: 'Home > Dining > Mugs', goesWith: ['coffee', 'tea'], colour: '#c06a4a',
    products: [['Stoneware Mug 350 ml', 18, ['Speckled White', 'Ocean Blue', 'Rust']], ['Double-Wall Glass Cups, pair', 24], ['Espresso Cups, set of 4', 29]],
  },
];
const BRANDS: Record<string, string> = {
  knives: 'Forge & Fold', 'knife-care': 'Forge & Fold', boards: 'Grainhouse', cookware: 'Ironside', utensils: 'Ironside',
  coffee: 'Morning Ritual', 'coffee-beans': 'Morning Ritual', tea: 'Leaf & Kettle', baking: 'Crumb', mugs: 'Kiln Street',
};

function products(rand: () => number): Product[] {
  const out: Product[] = [];
  let n = 0;
  for (const d of DEPARTMENTS) {
    d.products.forEach(([name, price, variants], j) => {
      const group = variants ? `${d.key}-${j}` : undefined;
      for (const variant of variants ?? [undefined]) {
        n++;
        const id = `HB-${String(n).padStart(4, '0')}`;
        const onSale = rand() < 0.15;
        out.push({
          id,
          title: variant ? `${name}, ${variant}` : name,
          description: `<p>The <b>${name.toLowerCase()}</b> by ${BRANDS[d.key]}${variant ? ` in ${variant.toLowerCase()}` : ''}.</p>` +
            `<ul><li>Made to last</li><li>${d.type.split(' > ').pop()} essentials</li></ul>`,
          department: d.key, type: d.type, brand: BRANDS[d.key],
          price, salePrice: onSale ? Math.round(price * 0.8 * 100) / 100 : undefined,
          group, available: rand() > 0.04, colour: d.colour, goesWith: d.goesWith,
        });
      }
    });
  }
  return out;
}

/** A small SVG: the department's colour and the product's initials (what a photo would be). */
function image(p: Product): string {
  const initials = p.title.replace(/[^A-Za-z ]/g, '').split(' ').filter(Boolean).slice(0, 2).map((w) => w[0]).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200"><rect width="200" height="200" fill="${p.colour}"/>` +
    `<circle cx="100" cy="92" r="58" fill="#fff" opacity=".18"/><text x="100" y="112" font-family="Georgia,serif" font-size="56" ` +
    `fill="#fff" text-anchor="middle">${initials}</text></svg>\n`;
}

function tsvField(s: string): string {
  return /[\t\n"]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function main(): void {
  const { values } = parseArgs({ options: { out: { type: 'string', default: 'public/examples/shop' }, shoppers: { type: 'string', default: '1200' } } });
  const out = resolve(values.out!);
  const rand = mulberry32(20261202);
  const all = products(rand);
  rmSync(join(out, 'images'), { recursive: true, force: true });
  mkdirSync(join(out, 'images'), { recursive: true });
  const header = ['id', 'title', 'description', 'link', 'image_link', 'price', 'sale_price', 'availability', 'brand', 'product_type', 'item_group_id', 'condition'];
  const rows = [header.join('\t')];
  for (const p of all) {
    writeFileSync(join(out, 'images', `${p.id}.svg`), image(p));
    rows.push([
      p.id, p.title, p.description, `/examples/shop/product.html?id=${p.id}`, `/examples/shop/images/${p.id}.svg`,
      `${p.price.toFixed(2)} USD`, p.salePrice ? `${p.salePrice.toFixed(2)} USD` : '', p.available ? 'in_stock' : 'out_of_stock',
      p.brand, p.type, p.group ?? '', 'new',
    ].map(tsvField).join('\t'));
  }
  writeFileSync(join(out, 'feed.tsv'), rows.join('\n') + '\n');

  // Shoppers: 1–2 favourite departments; each visit is a mission around one product.
  const byDept = new Map<string, Product[]>();
  for (const p of all) byDept.set(p.department, [...(byDept.get(p.department) ?? []), p]);
  const depts = [...byDept.keys()];
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  // A department's products with their variants together: a shopper picks a product, then
  // the variant they want (now and then comparing a second one).
  const productsOf = new Map<string, Product[][]>();
  for (const [dept, xs] of byDept) {
    const families: Product[][] = [];
    for (const p of xs) {
      const family = p.group ? families.find((f) => f[0].group === p.group) : undefined;
      if (family) family.push(p);
      else families.push([p]);
    }
    productsOf.set(dept, families);
  }
  // Popularity within a department falls off with position (a few best sellers).
  const pickProduct = (dept: string): Product[] => {
    const families = productsOf.get(dept)!;
    const family = families[Math.min(families.length - 1, Math.floor(families.length * rand() * rand()))];
    const chosen = pick(family);
    return family.length > 1 && rand() < 0.15 ? [pick(family.filter((p) => p !== chosen)), chosen] : [chosen];
  };
  const end = Date.parse('2026-11-30T20:00:00Z');
  const start = end - 90 * 86_400_000;
  const events: [number, string, string, string][] = [];
  const nShoppers = Number(values.shoppers);
  for (let s = 0; s < nShoppers; s++) {
    const shopper = `cust_${(10_000 + s * 37) % 100_000}`;
    const tastes = [pick(depts)];
    if (rand() < 0.5) tastes.push(pick(depts));
    let t = start + rand() * (end - start - 7 * 86_400_000);
    const visits = 1 + Math.floor(rand() * 4);
    for (let v = 0; v < visits && t < end; v++) {
      const mission = pickProduct(pick(tastes));
      const main = mission[mission.length - 1];
      // What goes with it: the departments it goes with, now and then the same one.
      for (let j = 0; j < 1 + Math.floor(rand() * 3); j++) mission.push(...pickProduct(rand() < 0.7 ? pick(main.goesWith) : main.department));
      for (const p of mission) {
        t += 20_000 + rand() * 300_000;
        events.push([t, shopper, p.id, 'view']);
        if (rand() < 0.35) {
          t += 10_000 + rand() * 60_000;
          events.push([t, shopper, p.id, 'add_to_cart']);
          if (rand() < 0.6) events.push([t + 120_000 + rand() * 600_000, shopper, p.id, 'purchase']);
        }
      }
      t += 86_400_000 * (1 + rand() * 20);
    }
    // A discontinued product, as real exports have.
    if (rand() < 0.02) events.push([start + rand() * 86_400_000 * 30, shopper, `HB-OLD-${Math.floor(rand() * 9)}`, 'view']);
  }
  // An analytics export is in time order; ties and all.
  events.sort((a, b) => a[0] - b[0]);
  const lines = ['event_time,customer_id,product_id,event_type'];
  for (const [time, shopper, id, type] of events) lines.push(`${new Date(Math.round(time)).toISOString().replace(/\.\d{3}Z$/, 'Z')},${shopper},${id},${type}`);
  writeFileSync(join(out, 'events.csv'), lines.join('\n') + '\n');
  console.log(`${out}: feed.tsv (${all.length} products), events.csv (${events.length} events of ${nShoppers} shoppers), images/ (${all.length} SVG)`);
}

main();
