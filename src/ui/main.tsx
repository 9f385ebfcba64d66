/** Storefront entry: start the engine early (lazily created worker), install the QA hook, render. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app';
import { installQaHook } from './qa-hook';
import { startEngine } from './worker-bridge';
import './styles.css';

void startEngine();
installQaHook();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
