import { useEffect } from 'react';
import { CartPage } from '../features/cart/cart-page';
import { useCart } from '../features/cart/cart-store';
import { HomePage } from '../features/home/home-page';
import { ProductPage } from '../features/product/product-page';
import { SearchBox } from '../features/search/search-box';
import { SearchPage } from '../features/search/search-page';
import { EngineStatusIndicator } from '../features/status/engine-status-indicator';
import { ConsentBanner, ConsentReopen } from '../features/consent/consent-banner';
import { YourDataPage } from '../features/your-data/your-data-page';
import { Link } from './link';
import { markAppMounted } from './render-tracker';
import { useLocation } from './router';

function Header() {
  const cart = useCart();
  const { route } = useLocation();
  return (
    <header className="topbar">
      <Link to={{ name: 'home' }} className="brand" aria-current={route.name === 'home' ? 'page' : undefined}>
        <span className="brand__mark" aria-hidden="true">◧</span> Shelfwise
      </Link>
      <SearchBox />
      <Link to={{ name: 'cart' }} className="cart-link" aria-current={route.name === 'cart' ? 'page' : undefined}>
        Cart <span className="cart-link__count">{cart.length}</span>
      </Link>
      <Link to={{ name: 'data' }} className="data-link" aria-current={route.name === 'data' ? 'page' : undefined}>
        Your data
      </Link>
    </header>
  );
}

function Page() {
  const { route, visit } = useLocation();
  switch (route.name) {
    case 'home':
      return <HomePage />;
    case 'product':
      return <ProductPage key={route.itemId} itemId={route.itemId} visit={visit} />;
    case 'search':
      return <SearchPage query={route.query} category={route.category} page={route.page} />;
    case 'cart':
      return <CartPage />;
    case 'data':
      return <YourDataPage />;
  }
}

export function App() {
  useEffect(() => markAppMounted(), []);
  return (
    <div className="app">
      <Header />
      <ConsentBanner />
      <main className="main" id="main">
        <Page />
      </main>
      <p className="privacy-note">
        Your browsing is learned from in this browser only. Nothing you do here is sent to a server. <ConsentReopen />
      </p>
      <EngineStatusIndicator />
    </div>
  );
}
