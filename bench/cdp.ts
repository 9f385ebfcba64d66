/**
 * The JS heap of a page's dedicated worker, read over CDP. Playwright gives no CDP session for
 * a worker, so the page's session auto-attaches to its workers (non-flat mode) and talks to
 * them through Target.sendMessageToTarget.
 *
 * Heap = V8 heap in use + ArrayBuffer backing stores (typed arrays, wasm memory), after a full
 * GC (`HeapProfiler.collectGarbage`, then `Runtime.getHeapUsage`). WebAssembly memory is not in
 * it (the bench worker adds the wasm backend's). Tensors held by WebGL/WebGPU
 * live in GPU memory (here SwiftShader's, in the GPU process) and are not in it.
 * (`performance.measureUserAgentSpecificMemory` would need cross-origin isolation and can wait
 * up to 20 s for a GC; `performance.memory` does not exist in workers.)
 */
import type { CDPSession, Page } from '@playwright/test';

interface Attached {
  sessionId: string;
  targetInfo: { type: string };
}

export interface WorkerHeap {
  /** MB in the page's (first) dedicated worker. */
  measure(): Promise<number>;
}

export async function watchWorkerHeap(page: Page): Promise<WorkerHeap> {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  let worker: string | undefined;
  let nextId = 1;
  const replies = new Map<number, (result: unknown) => void>();
  cdp.on('Target.attachedToTarget', (e: Attached) => {
    if (e.targetInfo.type === 'worker') worker ??= e.sessionId;
  });
  cdp.on('Target.receivedMessageFromTarget', (e: { message: string }) => {
    const msg = JSON.parse(e.message) as { id?: number; result?: unknown };
    if (msg.id !== undefined) replies.get(msg.id)?.(msg.result);
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  const send = async (method: string): Promise<unknown> => {
    for (let i = 0; worker === undefined && i < 200; i++) await new Promise((r) => setTimeout(r, 25));
    if (worker === undefined) throw new Error('no dedicated worker attached to the page');
    const id = nextId++;
    const reply = new Promise((resolve) => replies.set(id, resolve));
    await cdp.send('Target.sendMessageToTarget', { sessionId: worker, message: JSON.stringify({ id, method, params: {} }) });
    return reply;
  };
  return {
    async measure() {
      await send('HeapProfiler.collectGarbage');
      const usage = (await send('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number };
      return (usage.usedSize + (usage.backingStorageSize ?? 0)) / 2 ** 20;
    },
  };
}
