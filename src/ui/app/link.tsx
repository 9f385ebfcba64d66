import type { ReactNode } from 'react';
import { interceptLinkClick, routeHref, type Route } from './router';

/** A real link (works with middle-click, copy link, no JS) that navigates in place on plain clicks. */
export function Link(props: { to: Route; className?: string; children: ReactNode; 'aria-current'?: 'page'; 'aria-labelledby'?: string }) {
  return (
    <a
      href={routeHref(props.to)}
      className={props.className}
      onClick={interceptLinkClick}
      aria-current={props['aria-current']}
      aria-labelledby={props['aria-labelledby']}
    >
      {props.children}
    </a>
  );
}
