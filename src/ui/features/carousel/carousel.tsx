import { useEffect, useId, useRef } from 'react';
import type { Surface } from '../../../shared/protocol';
import { noteImpressions } from './outcomes';
import { ProductCard } from './product-card';
import { noteCarouselRendered } from './timings';
import type { RecommendationsState } from './use-recommendations';

/**
 * A horizontal list of product cards for one surface. Renders what `useRecommendations` gave it;
 * `data-surface`, `role="region"` and `aria-label` are part of the QA contract.
 */
export function Carousel({
  surface,
  title,
  state,
  emptyText = 'Nothing to show yet.',
}: {
  surface: Surface;
  title: string;
  state: RecommendationsState;
  emptyText?: string;
}) {
  const headingId = useId();
  const items = state.list?.items ?? [];
  const personal = state.list?.personal ?? false;

  useEffect(() => {
    if (items.length > 0) noteCarouselRendered(personal);
  }, [items.length, personal]);

  // One impression per card each time new content reaches the screen (not per re-render).
  const content = items.map((i) => i.id).join('\n');
  const noted = useRef<string>(undefined);
  useEffect(() => {
    if (content === '' || noted.current === content) return;
    noted.current = content;
    noteImpressions(surface, content.split('\n'));
  }, [surface, content]);

  return (
    <section
      className="carousel"
      data-surface={surface}
      data-revision={state.revision}
      data-personal={personal ? 'true' : 'false'}
      role="region"
      aria-label={title}
      aria-busy={state.loading}
    >
      <header className="carousel__header">
        <h2 id={headingId} className="carousel__title">
          {title}
        </h2>
        {personal ? <span className="badge">Personal</span> : null}
      </header>
      {items.length > 0 ? (
        <ol className="carousel__track" aria-labelledby={headingId} tabIndex={0}>
          {items.map((item, position) => (
            <ProductCard key={item.id} item={item} reason={item.reason} from={{ surface, position }} />
          ))}
        </ol>
      ) : state.loading || state.revision < 0 ? (
        <div className="carousel__placeholder" aria-hidden="true">
          {Array.from({ length: 5 }, (_, i) => (
            <div key={i} className="card card--skeleton" />
          ))}
        </div>
      ) : (
        <p className="carousel__empty">{state.error ? `Could not load: ${state.error}` : emptyText}</p>
      )}
    </section>
  );
}
