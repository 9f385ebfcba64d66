/** The storefront app, loaded by `boot.ts` once the worker is on its way: install the QA hook, render. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app';
import { installQaHook } from './qa-hook';
import './styles.css';

installQaHook();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
