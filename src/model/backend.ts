import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { BackendName } from '../shared/protocol';
import { destroyDevice, probeWebGpu, watchDeviceLoss } from './backend-webgpu';

/** Where the wasm backend finds its .wasm files: a folder prefix, or a map of file → URL. */
export type WasmPaths = string | Record<string, string>;

export interface BackendChoice {
  backend: BackendName;
  /** Said to the shopper and QA: why this backend. */
  reason: string;
  /** Median milliseconds of the probe workload per measured backend, when measured. */
  measuredMs?: Partial<Record<BackendName, number>>;
}

export interface BackendOptions {
  /** Force this backend (`?backend=`); if it cannot start, fall back and say why. */
  forced?: BackendName;
  wasmPaths?: WasmPaths;
  /** A backend chosen on an earlier visit: used without measuring again if it starts. */
  remembered?: BackendChoice;
  /** Backends not to use (one that lost its device this session). */
  exclude?: BackendName[];
  /** Shape of the scoring workload used to measure software backends: [items, dim]. */
  workload?: [number, number];
}

const ORDER: BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

interface CanvasLike {
  getContext(kind: string): unknown;
}

/**
 * Why WebGL cannot run here, if it cannot: asked of a 1×1 canvas before the backend's 60 kB
 * (brotli) are downloaded. Headless Firefox, and browsers with WebGL turned off, have none.
 */
function webGlMissing(): string | undefined {
  const g = globalThis as { OffscreenCanvas?: new (w: number, h: number) => CanvasLike; document?: { createElement(tag: 'canvas'): CanvasLike } };
  let canvas: CanvasLike | undefined;
  try {
    canvas = g.OffscreenCanvas ? new g.OffscreenCanvas(1, 1) : g.document?.createElement('canvas');
  } catch {
    canvas = undefined;
  }
  if (!canvas) return 'WebGL needs OffscreenCanvas, which this context lacks';
  try {
    if (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) return undefined;
  } catch {
    // a throwing getContext is the same answer
  }
  return 'no WebGL context in this browser (WebGL disabled, or no GPU driver)';
}

/** Registers (lazily imports) a backend and switches tfjs to it; false if it cannot start. */
async function activate(name: BackendName, wasmPaths?: WasmPaths): Promise<string | true> {
  try {
    if (name === 'webgpu') {
      const probe = await probeWebGpu();
      if (!probe.available) return probe.detail;
      await import('@tensorflow/tfjs-backend-webgpu');
    } else if (name === 'webgl') {
      const missing = webGlMissing();
      if (missing) return missing;
      await import('@tensorflow/tfjs-backend-webgl');
    } else if (name === 'wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // Multi-threaded wasm hangs in a minified build, and 2 cores gain nothing from threads.
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      if (wasmPaths !== undefined) {
        if (typeof wasmPaths === 'string') wasm.setWasmPaths(wasmPaths);
        else wasm.setWasmPaths(wasmPaths);
      }
    }
    if (!(await tf.setBackend(name))) return `${name} failed to initialise`;
    await tf.ready();
    // A backend can register yet fail its first kernel (e.g. a lost device): try one.
    const check = tf.tidy(() => tf.matMul(tf.ones([2, 2]), tf.ones([2, 1])));
    const values = await check.data();
    check.dispose();
    if (values[0] !== 2) return `${name} computed a wrong result in its self-check`;
    return true;
  } catch (err) {
    return `${name} failed: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/**
 * Median ms of scoring a [n, d] table against a vector on the active backend, after warm-up.
 * A backend already far slower than `best` is not timed again: its first run is the answer.
 */
async function measure([n, d]: [number, number], best = Infinity): Promise<number> {
  const table = tf.randomUniform([n, d], -1, 1, 'float32', 7);
  const vec = tf.randomUniform([d, 1], -1, 1, 'float32', 8);
  try {
    const once = async () => {
      const t0 = performance.now();
      const out = tf.matMul(table, vec);
      await out.data();
      out.dispose();
      return performance.now() - t0;
    };
    await once(); // compiles shaders / kernels
    const times: number[] = [];
    for (let r = 0; r < 3; r++) {
      times.push(await once());
      if (times[0] > 4 * best) break;
    }
    return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
  } finally {
    table.dispose();
    vec.dispose();
  }
}

/**
 * Chooses the tfjs backend. A hardware WebGPU adapter wins outright. A software (fallback)
 * adapter says nothing about speed, so then WebGPU, WebGL and WASM are measured on the real
 * scoring workload and the fastest wins. Without WebGPU: WebGL, WASM, CPU in that order.
 */
export async function chooseBackend(options: BackendOptions = {}): Promise<BackendChoice> {
  const excluded = (b?: BackendName) => b !== undefined && (options.exclude ?? []).includes(b);
  const opts: BackendOptions = {
    ...options,
    forced: excluded(options.forced) ? undefined : options.forced,
    remembered: excluded(options.remembered?.backend) ? undefined : options.remembered,
  };
  const failures: string[] = [];
  if (opts.forced) {
    const ok = await activate(opts.forced, opts.wasmPaths);
    if (ok === true) {
      const probe = opts.forced === 'webgpu' ? await probeWebGpu() : undefined;
      return { backend: opts.forced, reason: `forced by ?backend=${opts.forced}${probe ? ` (${probe.detail})` : ''}` };
    }
    failures.push(ok);
  }
  if (!opts.forced && opts.remembered) {
    if ((await activate(opts.remembered.backend, opts.wasmPaths)) === true) {
      return { ...opts.remembered, reason: `${opts.remembered.reason} (chosen on an earlier visit)` };
    }
  }
  const probe = excluded('webgpu') ? { available: false, software: false, detail: 'excluded' } : await probeWebGpu();
  if (!opts.forced && probe.available && !probe.software) {
    const ok = await activate('webgpu', opts.wasmPaths);
    if (ok === true) return { backend: 'webgpu', reason: `hardware WebGPU adapter (${probe.detail})` };
    failures.push(ok);
  }
  const candidates = ORDER.filter((b) => b !== opts.forced && !(b === 'webgpu' && (!probe.available || !probe.software)));
  if (!probe.available && !opts.forced && !excluded('webgpu')) failures.push(`webgpu: ${probe.detail}`);
  const measuredMs: Partial<Record<BackendName, number>> = {};
  // Software WebGPU or no WebGPU at all: measure what starts (cpu only as the last resort),
  // the cheap-to-start wasm first so that slow software GPUs are cut short.
  for (const name of (['wasm', 'webgl', 'webgpu'] as const).filter((b) => candidates.includes(b))) {
    const ok = await activate(name, opts.wasmPaths);
    if (ok !== true) {
      failures.push(ok);
      continue;
    }
    measuredMs[name] = await measure(opts.workload ?? [20000, 64], Math.min(Infinity, ...Object.values(measuredMs)));
  }
  const measured = Object.entries(measuredMs) as [BackendName, number][];
  const prefix = failures.length ? `${failures.join('; ')}. ` : '';
  if (measured.length > 0) {
    measured.sort((a, b) => a[1] - b[1]);
    const [best] = measured[0];
    await activate(best, opts.wasmPaths);
    const figures = measured.map(([b, ms]) => `${b} ${ms.toFixed(1)} ms`).join(', ');
    const why = probe.available && probe.software ? `WebGPU adapter is a software fallback (${probe.detail}); ` : '';
    return { backend: best, reason: `${prefix}${why}measured scoring: ${figures} → ${best}`, measuredMs };
  }
  await activate('cpu');
  return { backend: 'cpu', reason: `${prefix}using the CPU backend` };
}

/** Calls `onLost` once if the active backend is WebGPU and its device is lost. */
export function onDeviceLost(onLost: (why: string) => void): void {
  if (tf.getBackend() === 'webgpu') watchDeviceLoss(tf.backend(), onLost);
}

/** Fault injection for QA: destroys the active WebGPU device. False when WebGPU is not in use. */
export function loseDeviceForTest(): boolean {
  return tf.getBackend() === 'webgpu' && destroyDevice(tf.backend());
}
