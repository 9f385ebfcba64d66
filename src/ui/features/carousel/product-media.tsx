import { useState } from 'react';
import type { CatalogItem } from '../../../shared/protocol';
import { safeLink } from '../../../client/product-format';
import { ProductTile } from './product-tile';

/**
 * A product's picture in a fixed square box (nothing moves while it loads): the catalogue's image,
 * lazily loaded and decoded off the main thread, or the initials tile when the item has no image
 * or its image fails to load.
 */
export function ProductMedia({ item, size = 'md' }: { item: Pick<CatalogItem, 'title' | 'category' | 'image'>; size?: 'sm' | 'md' | 'lg' }) {
  const src = safeLink(item.image);
  // The URL that failed: a later item (or a new image URL) gets its own try.
  const [failed, setFailed] = useState<string>();
  const image = src !== undefined && src !== failed;
  return (
    <div className={`media media--${size}`} data-media={image ? 'image' : 'tile'}>
      {image ? (
        <img className="media__image" src={src} alt={item.title} loading="lazy" decoding="async" onError={() => setFailed(src)} />
      ) : (
        <ProductTile title={item.title} category={item.category} size={size === 'lg' ? 'lg' : 'md'} />
      )}
    </div>
  );
}
