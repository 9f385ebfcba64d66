import type { CSSProperties } from 'react';

/**
 * The catalogue has no images: a tile coloured by category (hue) and title (shade), with the
 * title's initials. Purely decorative; the title is rendered as text beside it.
 */
function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

export function initials(title: string): string {
  const words = title
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/)
    .filter(Boolean);
  const letters = words.slice(0, 2).map((w) => [...w][0]!.toUpperCase());
  return letters.join('') || '?';
}

export function ProductTile({ title, category, size = 'md' }: { title: string; category?: string; size?: 'md' | 'lg' }) {
  const hue = hash(category ?? 'other') % 360;
  const shift = (hash(title) % 40) - 20;
  const style = { '--tile-hue': String(hue), '--tile-shift': `${shift}deg` } as CSSProperties;
  return (
    <div className={`tile tile--${size}`} style={style} aria-hidden="true">
      <span className="tile__initials">{initials(title)}</span>
      {category ? <span className="tile__category">{category}</span> : null}
    </div>
  );
}
