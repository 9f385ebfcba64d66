/// <reference lib="webworker" />
import { expose } from 'comlink';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { createEngine } from '../src/engine/engine';

// The worker entry: one engine, exposed over Comlink. The wasm kernels are served as files
// by the build; their hashed URLs are handed to the engine.
const scope = globalThis as { shelfwiseEngine?: ReturnType<typeof createEngine> };
// WebKit evaluates this module a second time when a lazily loaded chunk imports a helper the
// bundler left in this entry chunk (Chromium and Firefox reuse the worker's own module): a
// second engine exposed beside the first would answer every call twice, sometimes wrongly.
const first = scope.shelfwiseEngine === undefined;
const engine = (scope.shelfwiseEngine ??= createEngine({
  wasmPaths: {
    'tfjs-backend-wasm.wasm': wasmPlain,
    'tfjs-backend-wasm-simd.wasm': wasmSimd,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
  },
}));

if (first) expose(engine);

/** The API the page reaches through `src/client/worker-bridge.ts`. */
export type EngineApi = typeof engine;
