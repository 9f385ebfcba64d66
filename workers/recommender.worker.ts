/// <reference lib="webworker" />
import { expose } from 'comlink';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { createEngine } from '../src/engine/engine';

// The worker entry: one engine, exposed over Comlink. The wasm kernels are served as files
// by the build; their hashed URLs are handed to the engine.
const engine = createEngine({
  wasmPaths: {
    'tfjs-backend-wasm.wasm': wasmPlain,
    'tfjs-backend-wasm-simd.wasm': wasmSimd,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
  },
});

expose(engine);

/** The API the page reaches through `src/client/worker-bridge.ts`. */
export type EngineApi = typeof engine;
