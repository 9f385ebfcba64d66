import type { CSSProperties } from 'react';

import { initials, tileColour } from '../../../client/tile-text';

/** A decorative tile (see tile-text.ts); the title is rendered as text beside it. */
export function ProductTile({ title, category, size = 'md' }: { title: string; category?: string; size?: 'md' | 'lg' }) {
  const { hue, shift } = tileColour(title, category);
  const style = { '--tile-hue': String(hue), '--tile-shift': `${shift}deg` } as CSSProperties;
  return (
    <div className={`tile tile--${size}`} style={style} aria-hidden="true">
      <span className="tile__initials">{initials(title)}</span>
      {category ? <span className="tile__category">{category}</span> : null}
    </div>
  );
}
