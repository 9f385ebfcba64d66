import { useSyncExternalStore, type ReactNode } from 'react';
import type { Surface } from '../../../shared/protocol';
import { Link } from '../../app/link';
import { engineStatusStore } from '../../../client/worker-bridge';
import { Carousel } from '../carousel/carousel';
import { useRecommendations } from '../carousel/use-recommendations';
import { useCategories } from '../catalog/use-catalog';
import { orderBySurface } from './surface-order';
import { useExperiment } from './use-experiment';

function ForYou() {
  const state = useRecommendations('for-you');
  return <Carousel surface="for-you" title="For you" state={state} />;
}

/** "More {interest}": the shopper's strongest interest; nothing until there is one. */
function MoreOfInterest() {
  const state = useRecommendations('interest');
  const interest = state.list?.interest;
  if (!interest || state.list?.items.length === 0) return null;
  return <Carousel surface="interest" title={`More ${interest.name}`} state={state} />;
}

function RecentlyViewed() {
  const state = useRecommendations('recently-viewed');
  return <Carousel surface="recently-viewed" title="Recently viewed" state={state} emptyText="Products you open appear here." />;
}

function Trending() {
  const state = useRecommendations('trending');
  return <Carousel surface="trending" title="Trending" state={state} />;
}

export function CategoryNav() {
  const categories = useCategories();
  if (!categories.data?.length) return null;
  return (
    <nav className="categories" aria-label="Browse by category">
      <h2 className="section-title">Browse</h2>
      <ul className="chips">
        {categories.data.map((c) => (
          <li key={c.name}>
            <Link to={{ name: 'search', query: '', category: c.name, page: 1 }} className="chip">
              {c.name} <span className="chip__count">{c.count}</span>
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/**
 * Home: For you, More {interest} and Recently viewed once there is history; Trending always. An
 * experiment variant may set the carousels' order (`surfaceOrder`).
 */
export function HomePage() {
  const hasHistory = useSyncExternalStore(engineStatusStore.subscribe, () => engineStatusStore.get().eventCount > 0);
  const experiment = useExperiment();
  const carousels: { surface: Surface; node: ReactNode }[] = [
    ...(hasHistory ? [{ surface: 'for-you' as const, node: <ForYou key="for-you" /> }, { surface: 'interest' as const, node: <MoreOfInterest key="interest" /> }] : []),
    { surface: 'trending', node: <Trending key="trending" /> },
    ...(hasHistory ? [{ surface: 'recently-viewed' as const, node: <RecentlyViewed key="recently-viewed" /> }] : []),
  ];
  return (
    <div className="page page--home">
      <h1 className="visually-hidden">Shelfwise storefront</h1>
      {hasHistory ? null : <p className="intro">Browse a little and this page learns what you like — on this device only.</p>}
      {orderBySurface(carousels, experiment?.surfaceOrder).map((c) => c.node)}
      <CategoryNav />
    </div>
  );
}
