import type { CatalogItem } from '../../../shared/protocol';
import { priceDisplay } from '../../../client/product-format';

/**
 * The price in the page's language; during a sale, the sale price beside the regular one struck
 * through (announced as "was …"). Nothing for an item without a price. `data-price` ("regular" or
 * "sale") is part of the QA contract, as in the widget's cards.
 */
export function ProductPrice({ item, className = '' }: { item: Pick<CatalogItem, 'price' | 'salePrice'>; className?: string }) {
  const price = priceDisplay(item);
  if (!price) return null;
  return (
    <p className={`price ${className}`.trim()} data-price={price.was ? 'sale' : 'regular'}>
      <span className={`price__now${price.was ? ' price__now--sale' : ''}`}>{price.now}</span>
      {price.was ? (
        <>
          {' '}
          <s className="price__was">
            <span className="visually-hidden">was </span>
            {price.was}
          </s>
        </>
      ) : null}
    </p>
  );
}
