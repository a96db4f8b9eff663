/**
 * The extension side of the engine process (pure, no vscode): starts it with fork() on first use (under
 * desktop VS Code `process.execPath` is Electron, so ELECTRON_RUN_AS_NODE=1 makes it run as Node), sends
 * one request at a time, stops it when idle, and turns a crash, a kill or an out-of-memory into an error —
 * the next request simply starts a new process. Cancel asks the engine to stop; if it has not stopped
 * within the grace period (e.g. busy reading a long prompt) the process is killed, so computing stops.
 */
import { ChildProcess, fork } from 'node:child_process';
import { statSync } from 'node:fs';
import { freemem, totalmem } from 'node:os';
import { t } from '../core/l10n';
import type { EngineChatParams, EngineErrorCode, EngineLoadParams, EngineModelInfo, EngineToHost, HostToEngine } from './engineProtocol';

export type EngineClientErrorCode = EngineErrorCode | 'crashed' | 'tooBig' | 'cancelled' | 'startFailed';

export class EngineClientError extends Error {
  constructor(
    readonly code: EngineClientErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EngineClientError';
  }
}

export interface EngineClientOptions {
  /** The engine script (dist/localEngine.mjs, or src/local/engineMain.ts with execArgv ['--import', 'tsx']). */
  entry: string;
  execArgv?: string[];
  /** Read on every request (llmLab.local.idleUnloadMinutes). 0 = never. */
  idleUnloadMs: () => number;
  /** How long a cancelled request may take to stop before the process is killed (default 200 ms). */
  cancelGraceMs?: number;
  /** Free RAM in bytes (tests fake a small machine). */
  freeMemory?: () => number;
  startTimeoutMs?: number;
  log?: (line: string) => void;
}

export type EngineEvent = Extract<EngineToHost, { type: 'text' | 'logprobs' | 'loading' | 'loaded' }>;
export type EngineDone = Extract<EngineToHost, { type: 'done' }>;

interface Pending {
  resolve: (value: EngineToHost) => void;
  reject: (error: Error) => void;
  onEvent?: (event: EngineEvent) => void;
}

export class EngineClient {
  private child: ChildProcess | undefined;
  private starting: Promise<ChildProcess> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private loaded: EngineModelInfo | undefined;
  private stderrTail = '';
  private lastExit: string | undefined;

  constructor(private readonly options: EngineClientOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get model(): EngineModelInfo | undefined {
    return this.loaded;
  }

  /** Why the last engine process ended, if it ended abnormally. */
  get lastExitReason(): string | undefined {
    return this.lastExit;
  }

  /** Runs one chat request (queued behind any running one). Resolves with the engine's `done` message. */
  chat(load: EngineLoadParams, params: EngineChatParams, signal: AbortSignal, onEvent?: (event: EngineEvent) => void): Promise<EngineDone> {
    const run = this.queue.then(() => this.runChat(load, params, signal, onEvent));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Memory of the engine process (undefined when it is not running). */
  async stats(): Promise<{ rss: number; heapUsed: number; model?: EngineModelInfo } | undefined> {
    if (!this.child) return undefined;
    const reply = await this.request({ type: 'stats', id: this.nextId++ });
    return reply.type === 'stats' ? { rss: reply.rss, heapUsed: reply.heapUsed, model: reply.model } : undefined;
  }

  /** Ends the engine process (the model's memory is returned to the system). */
  async stop(): Promise<void> {
    clearTimeout(this.idleTimer);
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.disconnect?.();
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  }

  /** For tests and the bench: kill the process as a crash would. */
  killForTest(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.child?.kill(signal);
  }

  dispose(): void {
    clearTimeout(this.idleTimer);
    this.child?.kill('SIGKILL');
  }

  private async runChat(load: EngineLoadParams, params: EngineChatParams, signal: AbortSignal, onEvent?: (event: EngineEvent) => void): Promise<EngineDone> {
    if (signal.aborted) throw this.cancelledError();
    clearTimeout(this.idleTimer);
    const needsLoad = !this.loaded || this.loaded.path !== load.modelPath;
    if (needsLoad) this.checkMemory(load.modelPath);
    const child = await this.ensureProcess();
    if (signal.aborted) throw this.cancelledError();
    const id = this.nextId++;
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      this.post({ type: 'cancel', id });
      killTimer = setTimeout(() => {
        this.options.log?.(`engine: request ${id} did not stop within the grace period; killing pid ${child.pid}`);
        this.lastExit = undefined;
        child.kill('SIGKILL');
      }, this.options.cancelGraceMs ?? 200);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const reply = await this.request({ type: 'chat', id, load, params }, (event) => {
        if (event.type === 'loaded') this.loaded = event.info;
        onEvent?.(event);
      });
      if (reply.type === 'error') throw new EngineClientError(reply.code, this.describe(reply));
      if (reply.type !== 'done') throw new EngineClientError('failed', `unexpected reply ${reply.type}`);
      if (reply.finishReason === 'cancelled' || signal.aborted) throw this.cancelledError();
      return reply;
    } catch (error) {
      if (signal.aborted) throw this.cancelledError();
      throw error;
    } finally {
      clearTimeout(killTimer);
      signal.removeEventListener('abort', onAbort);
      this.armIdle();
    }
  }

  private describe(reply: Extract<EngineToHost, { type: 'error' }>): string {
    switch (reply.code) {
      case 'engineMissing':
        return t('The llama.cpp engine is not in this LLM Lab package ({0}). Install the LLM Lab build for your platform, or use another provider.', reply.message);
      case 'contextOverflow':
        return t('The prompt is too long for the model: {0} tokens, the context holds {1}. Shorten the prompt or raise “llmLab.local.contextSize”.', reply.promptTokens ?? '?', reply.contextSize ?? '?');
      case 'outOfMemory':
        return t('The model does not fit in memory ({0}). Close other programs or choose a smaller model.', reply.message);
      case 'loadFailed':
        return t('llama.cpp could not load the model ({0}). The file may be damaged or of an architecture this engine does not know; download it again or choose another.', reply.message);
      default:
        return t('The model engine failed: {0}', reply.message);
    }
  }

  private cancelledError(): EngineClientError {
    return new EngineClientError('cancelled', t('Cancelled.'));
  }

  private checkMemory(modelPath: string): void {
    let size: number;
    try {
      size = statSync(modelPath).size;
    } catch {
      throw new EngineClientError('loadFailed', t('The model file is missing: {0}. Download it again or choose another model.', modelPath));
    }
    // Weights are mapped into memory, plus the context (KV cache) and runtime: about 1.2× the file + 150 MB.
    const needed = size * 1.2 + 150 * 1024 * 1024;
    const free = (this.options.freeMemory ?? availableMemory)();
    if (needed > free) {
      throw new EngineClientError('tooBig', t('Not enough free memory for this model: it needs about {0} MB, {1} MB are free. Close other programs or choose a smaller model.', Math.ceil(needed / 1e6), Math.floor(free / 1e6)));
    }
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    const ms = this.options.idleUnloadMs();
    if (ms > 0 && this.child) {
      this.idleTimer = setTimeout(() => {
        this.options.log?.(`engine: idle for ${ms} ms, stopping pid ${this.child?.pid}`);
        void this.stop();
      }, ms);
      this.idleTimer.unref?.();
    }
  }

  private ensureProcess(): Promise<ChildProcess> {
    if (this.child?.connected) return Promise.resolve(this.child);
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private start(): Promise<ChildProcess> {
    return new Promise<ChildProcess>((resolve, reject) => {
      let child: ChildProcess;
      try {
        child = fork(this.options.entry, [], {
          execArgv: this.options.execArgv ?? [],
          env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
          stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        });
      } catch (error) {
        reject(new EngineClientError('startFailed', t('The model engine could not start: {0}', (error as Error).message)));
        return;
      }
      this.stderrTail = '';
      const keep = (chunk: Buffer): void => {
        this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-2000);
        this.options.log?.(`engine: ${chunk.toString('utf8').trimEnd()}`);
      };
      child.stderr?.on('data', keep);
      child.stdout?.on('data', keep);
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new EngineClientError('startFailed', t('The model engine did not start within {0} s.', Math.round((this.options.startTimeoutMs ?? 30_000) / 1000))));
      }, this.options.startTimeoutMs ?? 30_000);
      child.on('message', (raw) => {
        const message = raw as EngineToHost;
        if (message.type === 'ready') {
          clearTimeout(timer);
          this.child = child;
          this.lastExit = undefined;
          this.options.log?.(`engine: started pid ${child.pid}`);
          resolve(child);
          return;
        }
        const pending = this.pending.get(message.id);
        if (!pending) return;
        if (message.type === 'text' || message.type === 'logprobs' || message.type === 'loading' || message.type === 'loaded') {
          pending.onEvent?.(message);
          return;
        }
        this.pending.delete(message.id);
        pending.resolve(message);
      });
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(new EngineClientError('startFailed', t('The model engine could not start: {0}', error.message)));
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        clearTimeout(this.idleTimer);
        if (this.child === child) this.child = undefined;
        this.loaded = undefined;
        const how = signal ? `signal ${signal}` : `exit code ${code}`;
        const oom = /out of memory|bad_alloc|ENOMEM|Killed/i.test(this.stderrTail) || signal === 'SIGKILL';
        this.lastExit = code === 0 && !signal ? undefined : how;
        this.options.log?.(`engine: pid ${child.pid} ended (${how})`);
        const error = new EngineClientError(
          'crashed',
          oom
            ? t('The model engine was stopped ({0}), possibly for lack of memory. The next request starts it again; choose a smaller model if it happens again.', how)
            : t('The model engine stopped unexpectedly ({0}). The next request starts it again.', how),
        );
        for (const [id, p] of this.pending) {
          this.pending.delete(id);
          p.reject(error);
        }
        reject(new EngineClientError('startFailed', t('The model engine stopped while starting ({0}): {1}', how, this.stderrTail.trim().split('\n').slice(-3).join(' ') || '—')));
      });
    });
  }

  private request(message: HostToEngine, onEvent?: (event: EngineEvent) => void): Promise<EngineToHost> {
    return new Promise<EngineToHost>((resolve, reject) => {
      this.pending.set(message.id, { resolve, reject, onEvent });
      if (!this.post(message)) {
        this.pending.delete(message.id);
        reject(new EngineClientError('crashed', t('The model engine stopped unexpectedly ({0}). The next request starts it again.', this.lastExit ?? 'disconnected')));
      }
    });
  }

  private post(message: HostToEngine): boolean {
    const child = this.child;
    if (!child?.connected) return false;
    child.send(message);
    return true;
  }
}

/**
 * Memory a model may use. Linux's freemem is MemAvailable (page cache counts as free); macOS and Windows report
 * only untouched pages, often a few hundred MB on a machine with plenty to spare, so there half the RAM counts.
 */
export function availableMemory(): number {
  return process.platform === 'linux' ? freemem() : Math.max(freemem(), totalmem() / 2);
}
