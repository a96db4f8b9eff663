/**
 * The program sandbox as shipped, outside VS Code: the real sandbox page and worker bundles (built here
 * from src/ with the same esbuild settings), under the same Content-Security-Policy (sandboxCsp), in the
 * same headless Chromium the integration tests use. Only acquireVsCodeApi is a stand-in: a nonce'd script
 * that records what the page posts. Used by test/unit/sandbox/attacks.test.ts and bench/sandbox.bench.ts.
 *
 * Chromium runs with --no-sandbox here because tests run as root (as in CI); what the tests prove is
 * therefore what the web platform and the worker's lockdown contain, without the OS renderer sandbox that
 * a real VS Code adds on top.
 */
import * as esbuild from 'esbuild';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildWebviewHtml } from '../../src/webview/html';
import { sandboxCsp, SANDBOX_LIMITS } from '../../src/sandbox/sandboxPolicy';
import { limitWasmMemory } from '../../src/sandbox/wasmMemoryLimit';
import type { SandboxLanguage, SandboxLimits, SandboxRunResult } from '../../src/sandbox/sandboxMessages';

const root = join(__dirname, '..', '..');
export const SECRET = `llmlab-secret-${process.pid}-canary`;

export interface HarnessRun {
  result: SandboxRunResult;
  /** Output messages as the extension would receive them. */
  outputs: string[];
  /** From posting the run to the page's `done`. */
  wallMs: number;
}

export class SandboxHarness {
  /** Connections the listener on 127.0.0.1 has seen (any program reaching the network would add one). */
  connections = 0;
  listenerPort = 0;
  private server?: Server;
  private listener?: TcpServer;
  private browser?: Browser;
  page!: Page;
  private dir = mkdtempSync(join(tmpdir(), 'llmlab-sandbox-harness-'));
  private counter = 0;

  async start(): Promise<void> {
    await esbuild.build({
      entryPoints: { sandbox: join(root, 'src/webview-ui/sandbox/main.ts'), worker: join(root, 'src/webview-ui/sandbox/worker.ts') },
      outdir: this.dir,
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'chrome120',
      external: ['node:*'],
      define: { 'import.meta.url': '"https://sandbox.invalid/worker.js"' },
      logLevel: 'error',
    });
    const pageScript = readFileSync(join(this.dir, 'sandbox.js'), 'utf8');
    const nonce = 'harnessNonce0123456789';
    const origin = () => `http://127.0.0.1:${(this.server!.address() as { port: number }).port}`;
    this.server = createServer((req, res) => {
      if (req.url === '/page.js') {
        res.setHeader('content-type', 'text/javascript');
        res.end(pageScript);
        return;
      }
      if (req.url === '/shim.js') {
        res.setHeader('content-type', 'text/javascript');
        res.end(`window.__name = (f) => f; window.__posted = []; window.__state = undefined; window.SECRET_IN_PAGE = ${JSON.stringify(SECRET)};
window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => window.__state, setState: (s) => { window.__state = s; } });`);
        return;
      }
      const html = buildWebviewHtml({
        cspSource: origin(),
        title: 'sandbox harness',
        lang: 'en',
        script: { uri: `${origin()}/page.js` },
        styles: [],
        initialData: null,
        nonce,
        csp: sandboxCsp(origin(), nonce),
      }).replace('<script nonce=', `<script nonce="${nonce}" src="${origin()}/shim.js"></script>\n    <script nonce=`);
      res.setHeader('content-type', 'text/html');
      res.end(html);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.listener = createTcpServer((socket) => socket.destroy());
    this.listener.on('connection', () => this.connections++);
    await new Promise<void>((resolve) => this.listener!.listen(0, '127.0.0.1', resolve));
    this.listenerPort = (this.listener.address() as { port: number }).port;

    const { chromium } = await import('playwright-core');
    this.browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
      env: { ...process.env, LLMLAB_HARNESS_SECRET: SECRET },
    });
    this.page = await this.browser.newPage();
    await this.page.goto(`${origin()}/`);
    await this.page.waitForFunction(() => (window as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === 'ready'));
    await this.send({ type: 'init', lang: 'en', strings: {}, limits: SANDBOX_LIMITS });
  }

  /** Sends the interpreter files (as the extension does on `needRuntime`). */
  async provide(language: SandboxLanguage, memoryLimitBytes = SANDBOX_LIMITS.memoryLimitBytes): Promise<void> {
    const workerSource = readFileSync(join(this.dir, 'worker.js'), 'utf8');
    const b64 = (p: string) => readFileSync(join(root, 'node_modules', p)).toString('base64');
    const payload =
      language === 'python'
        ? {
            wasm: Buffer.from(limitWasmMemory(new Uint8Array(readFileSync(join(root, 'node_modules/pyodide/pyodide.asm.wasm'))), memoryLimitBytes)).toString('base64'),
            stdlib: b64('pyodide/python_stdlib.zip'),
            lock: readFileSync(join(root, 'node_modules/pyodide/pyodide-lock.json'), 'utf8'),
          }
        : { wasm: b64('@jitl/quickjs-wasmfile-release-sync/dist/emscripten-module.wasm') };
    await this.page.evaluate(
      ({ language, workerSource, payload }) => {
        const bytes = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
        const files =
          language === 'python'
            ? { workerSource, python: { wasm: bytes(payload.wasm), stdlib: bytes(payload.stdlib!), lock: payload.lock! } }
            : { workerSource, javascript: { wasm: bytes(payload.wasm) } };
        window.postMessage({ type: 'runtime', language, files }, '*');
      },
      { language, workerSource, payload: payload },
    );
  }

  async warm(language: SandboxLanguage): Promise<void> {
    await this.send({ type: 'warm', language });
  }

  /** How many interpreters of `language` the page has reported ready so far. */
  readyCount(language: SandboxLanguage): Promise<number> {
    return this.page.evaluate(
      (lang) => (window as unknown as { __posted: Array<{ type: string; text?: string }> }).__posted.filter((m) => m.type === 'log' && m.text?.startsWith(`${lang} interpreter ready`)).length,
      language,
    );
  }

  /** Waits until the page reports more ready interpreters of `language` than `count` (a standby finished starting). */
  async waitForReady(language: SandboxLanguage, count: number, timeoutMs = 180000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.readyCount(language)) <= count) {
      if (Date.now() > deadline) throw new Error(`no ${language} interpreter became ready within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  send(message: unknown): Promise<void> {
    return this.page.evaluate((m) => window.postMessage(m, '*'), message);
  }

  /** Runs a program; `cancelAfterMs` sends a cancel that long after the program's first output. */
  async run(language: SandboxLanguage, program: string, options: { limits?: Partial<SandboxLimits>; cancelAfterMs?: number } = {}): Promise<HarnessRun & { cancelToDoneMs?: number }> {
    const id = `h${++this.counter}`;
    const limits = { ...SANDBOX_LIMITS, ...options.limits };
    return this.page.evaluate(
      async ({ id, language, program, limits, cancelAfterMs }) => {
        type Posted = { type: string; id?: string; text?: string; result?: unknown };
        const posted = (window as unknown as { __posted: Posted[] }).__posted;
        const startIndex = posted.length;
        const began = performance.now();
        let cancelledAt: number | undefined;
        window.postMessage({ type: 'run', id, language, program, label: 'harness', limits }, '*');
        let cancelScheduled = false;
        for (;;) {
          if (cancelAfterMs !== undefined && !cancelScheduled && posted.slice(startIndex).some((m) => m.type === 'output' && m.id === id)) {
            cancelScheduled = true;
            setTimeout(() => {
              cancelledAt = performance.now();
              window.postMessage({ type: 'cancel', id }, '*');
            }, cancelAfterMs);
          }
          const done = posted.slice(startIndex).find((m) => m.type === 'done' && m.id === id);
          if (done) {
            const now = performance.now();
            return {
              result: done.result as SandboxRunResult,
              outputs: posted.slice(startIndex).filter((m) => m.type === 'output' && m.id === id).map((m) => m.text ?? ''),
              wallMs: Math.round(now - began),
              cancelToDoneMs: cancelledAt === undefined ? undefined : Math.round(now - cancelledAt),
            };
          }
          await new Promise((r) => setTimeout(r, 2));
        }
      },
      { id, language, program, limits, cancelAfterMs: options.cancelAfterMs },
    );
  }

  /** The page's main thread answers, and reports how late a 0 ms timer fired (its event-loop lag). */
  async pageLagMs(): Promise<number> {
    return this.page.evaluate(() => new Promise<number>((resolve) => {
      const t = performance.now();
      setTimeout(() => resolve(performance.now() - t), 0);
    }));
  }

  async stop(): Promise<void> {
    await this.browser?.close().catch(() => undefined);
    await new Promise((r) => this.server?.close(r) ?? r(undefined));
    await new Promise((r) => this.listener?.close(r) ?? r(undefined));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
