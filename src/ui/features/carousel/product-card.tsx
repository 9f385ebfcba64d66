import type { CatalogItem, Reason } from '../../../shared/protocol';
import { Link } from '../../app/link';
import { ProductTile } from './product-tile';

/**
 * One product: a link to its page (tile + title as plain text, never HTML), and why it is shown.
 * `data-item-id` and `data-reason` are part of the QA contract.
 */
export function ProductCard({ item, reason, as: Tag = 'li' }: { item: CatalogItem; reason?: Reason; as?: 'li' | 'div' }) {
  return (
    <Tag className="card" data-item-id={item.id}>
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
