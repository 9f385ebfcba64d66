import type { MouseEvent } from 'react';
import type { CatalogItem, Reason, Surface } from '../../../shared/protocol';
import { Link } from '../../app/link';
import { noteClick } from './outcomes';
import { ProductTile } from './product-tile';

/**
 * One product: a link to its page (tile + title as plain text, never HTML), and why it is shown.
 * `data-item-id` and `data-reason` are part of the QA contract. A card of a carousel (`from`)
 * tells the engine when its link is opened, by a plain or a middle click.
 */
export function ProductCard({
  item, reason, as: Tag = 'li', from,
}: { item: CatalogItem; reason?: Reason; as?: 'li' | 'div'; from?: { surface: Surface; position: number } }) {
  const opened = (e: MouseEvent<HTMLElement>) => {
    if (from && (e.type === 'click' || e.button === 1) && (e.target as Element).closest('a')) noteClick(from.surface, from.position, item.id);
  };
  return (
    <Tag className="card" data-item-id={item.id} onClick={from ? opened : undefined} onAuxClick={from ? opened : undefined}>
      <Link to={{ name: 'product', itemId: item.id }} className="card__link">
        <ProductTile title={item.title} category={item.category} />
        <span className="card__title">{item.title}</span>
      </Link>
      {item.category ? <span className="card__category">{item.category}</span> : null}
      {reason ? (
        <p className={`card__reason card__reason--${reason.kind}`} data-reason={reason.kind}>
          {reason.text}
        </p>
      ) : null}
    </Tag>
  );
}
