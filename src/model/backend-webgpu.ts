/**
 * WebGPU adapter probe, kept apart from the rest: it is the only code that touches
 * `navigator.gpu`. Typed locally so that the Node and worker builds need no DOM types.
 */

interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface AdapterLike {
  info?: AdapterInfoLike;
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<AdapterLike | null>;
}

export interface WebGpuProbe {
  available: boolean;
  /** A software adapter (SwiftShader and the like): correct, but not fast. */
  software: boolean;
  detail: string;
}

let cached: Promise<WebGpuProbe> | undefined;

export function probeWebGpu(): Promise<WebGpuProbe> {
  cached ??= (async () => {
    const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
    if (!gpu) return { available: false, software: false, detail: 'WebGPU is not available here (no navigator.gpu)' };
    try {
      const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
      if (!adapter) return { available: false, software: false, detail: 'no WebGPU adapter (requestAdapter returned null)' };
      const info = adapter.info ?? {};
      const software = Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter) || /swiftshader|llvmpipe/i.test(`${info.architecture} ${info.description}`);
      const name = [info.vendor, info.architecture].filter(Boolean).join(' ') || 'unknown adapter';
      return { available: true, software, detail: `${software ? 'software' : 'hardware'} adapter: ${name}` };
    } catch (err) {
      return { available: false, software: false, detail: `WebGPU adapter request failed: ${err instanceof Error ? err.message : String(err)}` };
    }
  })();
  return cached;
}

interface DeviceLike {
  lost: Promise<{ reason?: string; message?: string }>;
  destroy(): void;
}

/** The GPU device of the active tfjs WebGPU backend, if that is the backend in use. */
function activeDevice(backend: unknown): DeviceLike | undefined {
  const device = (backend as { device?: DeviceLike } | undefined)?.device;
  return device && typeof device.destroy === 'function' && device.lost instanceof Promise ? device : undefined;
}

/**
 * Calls `onLost` once if the device of the given tfjs WebGPU backend is lost (driver reset, GPU
 * process crash, `destroy()`); nothing for other backends.
 */
export function watchDeviceLoss(backend: unknown, onLost: (why: string) => void): void {
  activeDevice(backend)?.lost.then((info) => onLost(info.message || info.reason || 'unknown reason'));
}

/** Fault injection for QA: destroys the device of the active WebGPU backend. False if none. */
export function destroyDevice(backend: unknown): boolean {
  const device = activeDevice(backend);
  device?.destroy();
  return Boolean(device);
}
