import { useState } from 'react';
import type { CatalogItem } from '../../../shared/protocol';
import { Link } from '../../app/link';
import { errorText } from '../../../client/worker-bridge';
import { Carousel } from '../carousel/carousel';
import { ProductMedia } from '../carousel/product-media';
import { ProductPrice } from '../carousel/product-price';
import { useRecommendations } from '../carousel/use-recommendations';
import { checkout, removeFromCart, useCart } from './cart-store';

function CartBoughtTogether({ ids }: { ids: string[] }) {
  const state = useRecommendations('bought-together', { cartItemIds: ids });
  return <Carousel surface="bought-together" title="Frequently bought together" state={state} emptyText="No purchase patterns for these products yet." />;
}

/** Cart: the items, remove, and a simulated checkout (a `purchase` event per item, no server). */
export function CartPage() {
  const cart = useCart();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<{ items: CatalogItem[] } | { error: string }>();

  const onCheckout = () => {
    setBusy(true);
    checkout().then(
      (items) => setDone({ items }),
      (e: unknown) => setDone({ error: errorText(e) }),
    ).finally(() => setBusy(false));
  };

  return (
    <div className="page page--cart">
      <h1>Your cart</h1>
      {done && 'items' in done ? (
        <p className="notice notice--ok" role="status">
          Order placed (simulated): {done.items.length} {done.items.length === 1 ? 'item' : 'items'}. Nothing was sent anywhere.
        </p>
      ) : null}
      {done && 'error' in done ? (
        <p className="notice notice--error" role="alert">
          Checkout failed: {done.error}
        </p>
      ) : null}
      {cart.length === 0 ? (
        <p className="cart__empty">
          Your cart is empty. <Link to={{ name: 'home' }}>Keep shopping</Link>
        </p>
      ) : (
        <>
          <ul className="cart__list" aria-label="Items in your cart">
            {cart.map((item) => (
              <li key={item.id} className="cart__item" data-item-id={item.id}>
                <ProductMedia item={item} size="sm" />
                <div className="cart__info">
                  <Link to={{ name: 'product', itemId: item.id }} className="cart__title">
                    {item.title}
                  </Link>
                  <ProductPrice item={item} className="cart__price" />
                  {item.category ? <span className="card__category">{item.category}</span> : null}
                </div>
                <button type="button" className="button button--quiet" onClick={() => removeFromCart(item.id)} aria-label={`Remove ${item.title}`}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
          <div className="cart__checkout">
            <button type="button" className="button button--primary" onClick={onCheckout} disabled={busy}>
              {busy ? 'Placing order…' : 'Checkout'}
            </button>
          </div>
          <CartBoughtTogether ids={cart.map((i) => i.id)} />
        </>
      )}
    </div>
  );
}
