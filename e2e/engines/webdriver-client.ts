/**
 * A minimal W3C WebDriver client for WebKitGTK's WebDriver (`WebKitWebDriver`, Debian's
 * `webkit2gtk-driver`), driving its MiniBrowser under a virtual X display (`xvfb-run`). Only
 * what the cross-engine scenarios use: sessions, tabs (windows), navigation, reload and
 * asynchronous script execution.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { EngineTab, PageFunction } from './drivers';
import { ENGINE_BINARIES } from './engines';

const DRIVER = ENGINE_BINARIES.webkit.path;
const MINIBROWSER = ENGINE_BINARIES.webkit.needs![0];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** The driver process of this worker, started on first use; stopped by `stopWebDriver` or at exit. */
let server: Promise<string> | undefined;
let stopDriver = () => undefined as void;

export function stopWebDriver(): void {
  stopDriver();
}

function startDriver(): Promise<string> {
  server ??= (async () => {
    const port = await freePort();
    const child: ChildProcess = spawn('xvfb-run', ['-a', DRIVER, `--port=${port}`], { stdio: 'ignore', detached: true });
    child.unref(); // the driver must not keep this process alive; it is stopped when the process exits
    stopDriver = () => {
      server = undefined;
      try {
        process.kill(-child.pid!, 'SIGTERM'); // xvfb-run, its Xvfb and the driver
      } catch {
        // already gone
      }
    };
    process.once('exit', () => stopDriver());
    const base = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      const ready = await fetch(`${base}/status`).then((r) => r.ok, () => false);
      if (ready) return base;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`WebKitWebDriver did not start on port ${port}`);
  })();
  return server;
}

interface Reply<T> {
  value: T & { error?: string; message?: string };
}

async function call<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    // Bounded: a command the browser never answers fails the scenario instead of stalling the run.
    signal: AbortSignal.timeout(120_000),
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const reply = (await res.json()) as Reply<T>;
  if (!res.ok || reply.value?.error) throw new Error(`WebDriver ${method} ${path}: ${reply.value?.error ?? res.status} ${reply.value?.message ?? ''}`);
  return reply.value;
}

/** Runs the page function with its argument and hands back `{ok}` or `{err}` (execute/async). */
function asyncScript(source: string): string {
  return `const done = arguments[arguments.length - 1];
const fn = (${source});
Promise.resolve().then(() => fn(arguments[0])).then(
  (v) => done({ ok: v === undefined ? null : v }),
  (e) => done({ err: String((e && e.stack) || e) }),
);`;
}

export class WebDriverSession {
  /** One command at a time: each one first switches to its tab's window. */
  private queue: Promise<unknown> = Promise.resolve();
  private current?: string;
  private firstTabTaken = false;

  private constructor(
    private readonly base: string,
    private readonly id: string,
    private readonly firstWindow: string,
  ) {}

  static async start(): Promise<WebDriverSession> {
    const base = await startDriver();
    const session = await call<{ sessionId: string }>(base, 'POST', '/session', {
      capabilities: { alwaysMatch: { browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } } },
    });
    const path = `/session/${session.sessionId}`;
    await call(base, 'POST', `${path}/timeouts`, { script: 60_000, pageLoad: 60_000 });
    const handle = await call<string>(base, 'GET', `${path}/window`);
    return new WebDriverSession(base, session.sessionId, handle);
  }

  private run<T>(handle: string, work: (path: string) => Promise<T>): Promise<T> {
    const path = `/session/${this.id}`;
    const next = this.queue.then(async () => {
      if (this.current !== handle) {
        await call(this.base, 'POST', `${path}/window`, { handle });
        this.current = handle;
      }
      return work(path);
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  async newTab(): Promise<EngineTab> {
    let handle = this.firstWindow;
    // A second "tab" is a second window: MiniBrowser runs no script in a hidden tab, and a
    // WebDriver command there waits until it times out. Two windows are two tabs side by side.
    if (this.firstTabTaken) {
      handle = await this.run(this.firstWindow, (path) => call<{ handle: string }>(this.base, 'POST', `${path}/window/new`, { type: 'window' })).then((w) => w.handle);
    }
    this.firstTabTaken = true;
    return {
      goto: (url) => this.run(handle, (path) => call(this.base, 'POST', `${path}/url`, { url })).then(() => undefined),
      evaluate: <A, T>(fn: PageFunction<A, T>, arg: A) =>
        this.run(handle, async (path) => {
          const source = fn.toString();
          const out = await call<{ ok?: T; err?: string }>(this.base, 'POST', `${path}/execute/async`, { script: asyncScript(source), args: [arg ?? null] }).catch((err: unknown) => {
            throw new Error(`${err instanceof Error ? err.message : String(err)}, running ${source.replace(/\s+/g, ' ').slice(0, 120)} with ${JSON.stringify(arg)}`);
          });
          if (out.err !== undefined) throw new Error(out.err);
          return out.ok as T;
        }),
      reload: () => this.run(handle, (path) => call(this.base, 'POST', `${path}/refresh`, {})).then(() => undefined),
      close: () =>
        this.run(handle, async (path) => {
          await call(this.base, 'DELETE', `${path}/window`);
          this.current = undefined;
        }),
    };
  }

  async close(): Promise<void> {
    await this.queue;
    await call(this.base, 'DELETE', `/session/${this.id}`).catch(() => undefined);
  }
}
