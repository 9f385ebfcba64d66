import { useId, type MouseEvent } from 'react';
import type { CatalogItem, Reason, Surface } from '../../../shared/protocol';
import { Link } from '../../app/link';
import { noteClick } from './outcomes';
import { ProductMedia } from './product-media';
import { ProductPrice } from './product-price';

/**
 * One product: a link to its page (image or tile, and the title as plain text, never HTML), its
 * price, and why it is shown. The link is named by the title alone (the image's alt repeats it).
 * `data-item-id`, `data-price` and `data-reason` are part of the QA contract. A card of a carousel
 * (`from`) tells the engine when its link is opened, by a plain or a middle click.
 */
export function ProductCard({
  item, reason, as: Tag = 'li', from,
}: { item: CatalogItem; reason?: Reason; as?: 'li' | 'div'; from?: { surface: Surface; position: number } }) {
  const titleId = useId();
  const opened = (e: MouseEvent<HTMLElement>) => {
    if (from && (e.type === 'click' || e.button === 1) && (e.target as Element).closest('a')) noteClick(from.surface, from.position, item.id);
  };
  return (
    <Tag className="card" data-item-id={item.id} onClick={from ? opened : undefined} onAuxClick={from ? opened : undefined}>
      <Link to={{ name: 'product', itemId: item.id }} className="card__link" aria-labelledby={titleId}>
        <ProductMedia item={item} />
        <span className="card__title" id={titleId}>
          {item.title}
        </span>
      </Link>
      <ProductPrice item={item} className="card__price" />
      {item.category ? <span className="card__category">{item.category}</span> : null}
      {reason ? (
        <p className={`card__reason card__reason--${reason.kind}`} data-reason={reason.kind}>
          {reason.text}
        </p>
      ) : null}
    </Tag>
  );
}
