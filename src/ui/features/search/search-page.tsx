import { Link } from '../../app/link';
import { navigate, routeHref } from '../../app/router';
import { ProductCard } from '../carousel/product-card';
import { SEARCH_PAGE_SIZE, useCategories, useSearch } from '../catalog/use-catalog';

/** Search results and category browsing, paged. */
export function SearchPage({ query, category, page }: { query: string; category?: string; page: number }) {
  const result = useSearch(query, category, page);
  const categories = useCategories();
  const total = result.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / SEARCH_PAGE_SIZE));
  const heading = query ? `Results for “${query}”` : category ?? 'All products';

  return (
    <div className="page page--search">
      <div className="search-page__head">
        <h1>{heading}</h1>
        <label className="select">
          <span>Category</span>
          <select
            value={category ?? ''}
            onChange={(e) => navigate(routeHref({ name: 'search', query, category: e.target.value || undefined, page: 1 }))}
          >
            <option value="">All categories</option>
            {(categories.data ?? []).map((c) => (
              <option key={c.name} value={c.name}>
                {c.name} ({c.count})
              </option>
            ))}
          </select>
        </label>
      </div>
      {result.error ? (
        <p className="notice notice--error" role="alert">
          Search failed: {result.error}
        </p>
      ) : null}
      {result.data ? (
        <>
          <p className="search-page__count" aria-live="polite">
            {total === 0 ? 'No products match.' : `${total} ${total === 1 ? 'product' : 'products'}`}
            {query && category ? ` in ${category}` : ''}
          </p>
          <ul className="grid" role="list" aria-label="Search results" aria-busy={result.loading}>
            {result.data.items.map((item) => (
              <ProductCard key={item.id} item={item} />
            ))}
          </ul>
          {pages > 1 ? (
            <nav className="pager" aria-label="Pages">
              {page > 1 ? <Link to={{ name: 'search', query, category, page: page - 1 }}>← Previous</Link> : <span />}
              <span>
                Page {page} of {pages}
              </span>
              {page < pages ? <Link to={{ name: 'search', query, category, page: page + 1 }}>Next →</Link> : <span />}
            </nav>
          ) : null}
        </>
      ) : (
        <p className="loading">Searching…</p>
      )}
    </div>
  );
}
