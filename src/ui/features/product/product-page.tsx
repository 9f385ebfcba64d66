import { useState } from 'react';
import type { CatalogItem } from '../../../shared/protocol';
import { Link } from '../../app/link';
import { errorText } from '../../../client/worker-bridge';
import { addToCart, buyNow, useCart } from '../cart/cart-store';
import { Carousel } from '../carousel/carousel';
import { ProductMedia } from '../carousel/product-media';
import { ProductPrice } from '../carousel/product-price';
import { useRecommendations } from '../carousel/use-recommendations';
import { useItem } from '../catalog/use-catalog';
import { useRecordView } from './record-view';

function Actions({ item }: { item: CatalogItem }) {
  const cart = useCart();
  const [message, setMessage] = useState<string>();
  const inCart = cart.some((i) => i.id === item.id);
  const run = (label: string, action: () => Promise<unknown>) => {
    action().then(
      () => setMessage(label),
      (e: unknown) => setMessage(`Something went wrong: ${errorText(e)}`),
    );
  };
  return (
    <div className="product__actions">
      <button type="button" className="button button--primary" onClick={() => run('Added to your cart.', () => addToCart(item))} disabled={inCart}>
        {inCart ? 'In your cart' : 'Add to cart'}
      </button>
      <button type="button" className="button" onClick={() => run('Thanks! Purchase simulated — nothing was sent anywhere.', () => buyNow(item))}>
        Buy now
      </button>
      <p className="product__message" role="status">
        {message}
      </p>
    </div>
  );
}

/** Product page: records a view on every visit; shows the item and its anchored carousels. */
export function ProductPage({ itemId, visit }: { itemId: string; visit: number }) {
  const viewError = useRecordView(itemId, visit);
  const item = useItem(itemId);
  // Asked for at once, not after the product's entry arrives: the engine then fetches the
  // anchor's neighbours beside the catalogue.
  const becauseYouViewed = useRecommendations('because-you-viewed', { itemId });
  const boughtTogether = useRecommendations('bought-together', { itemId });

  if (item.data === null || (viewError && !item.data)) {
    return (
      <div className="page page--product">
        <h1>Product not found</h1>
        <p>There is no product with the id “{itemId}” in this catalogue.</p>
        <Link to={{ name: 'home' }}>Back to the shop</Link>
      </div>
    );
  }
  if (!item.data) {
    return (
      <div className="page page--product" aria-busy="true">
        <p className="loading">{item.error ? `Could not load the product: ${item.error}` : 'Loading product…'}</p>
      </div>
    );
  }
  const product = item.data;
  return (
    <div className="page page--product">
      <article className="product" data-item-id={product.id}>
        <ProductMedia item={product} size="lg" />
        <div className="product__body">
          {product.category ? (
            <Link to={{ name: 'search', query: '', category: product.category, page: 1 }} className="product__category">
              {product.category}
            </Link>
          ) : null}
          <h1 className="product__title">{product.title}</h1>
          {product.brand ? <p className="product__brand">{product.brand}</p> : null}
          <ProductPrice item={product} className="product__price" />
          <Actions item={product} />
        </div>
      </article>
      <Carousel surface="because-you-viewed" title={`Because you viewed ${product.title}`} state={becauseYouViewed} />
      <Carousel surface="bought-together" title="Frequently bought together" state={boughtTogether} emptyText="No purchase patterns for this product yet." />
    </div>
  );
}
