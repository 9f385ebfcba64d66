import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Where the tfjs wasm backend's .wasm files are in Node (the browser build serves its own copies). */
export const NODE_WASM_DIR = join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist/');
