import { useEffect, useState, type FormEvent } from 'react';
import { trackActivity } from '../../app/activity';
import { navigate, routeHref, useLocation } from '../../app/router';
import { engine, errorText } from '../../../client/worker-bridge';

/** Header search: records a `search` event (on this device) and opens the results. */
export function SearchBox() {
  const { route } = useLocation();
  const current = route.name === 'search' ? route.query : '';
  const [query, setQuery] = useState(current);
  useEffect(() => setQuery(current), [current]);

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const q = query.trim();
    if (!q) return;
    trackActivity(engine().recordEvent({ type: 'search', query: q })).catch((err: unknown) =>
      console.warn(`[shelfwise] search not recorded: ${errorText(err)}`),
    );
    navigate(routeHref({ name: 'search', query: q, page: 1 }));
  };

  return (
    <form className="search" role="search" onSubmit={onSubmit}>
      <input
        type="search"
        className="search__input"
        placeholder="Search games…"
        aria-label="Search the catalogue"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <button type="submit" className="button button--primary search__button">
        Search
      </button>
    </form>
  );
}
