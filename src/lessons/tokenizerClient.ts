/**
 * Tokenizes in a worker thread (tokenizerWorker.ts), so long texts never block the extension host. The worker
 * starts on first use, is unref'd (it never keeps a process alive) and ends after a minute without work, which
 * frees its rank tables. A job that runs too long ends the worker (terminate() is immediate) and fails.
 */
import { Worker } from 'node:worker_threads';
import type { TokenizeResult } from './tokenizer';
import type { EncodingName } from './tokenizerInfo';

/** The most any caller may tokenize in one job (the command's limit; widgets allow less). */
export const MAX_TOKENIZE_CHARS = 1_000_000;

export interface TokenizerJob {
  id: number;
  text: string;
  encoding: EncodingName;
}

export type TokenizerReply = { id: number; ok: true; result: TokenizeResult } | { id: number; ok: false; error: string };

export interface TokenizerClientOptions {
  /** End the worker after this long without a job (ms). */
  idleMs?: number;
  /** Fail a job (and restart the worker for the next one) after this long (ms). */
  timeoutMs?: number;
}

interface Pending {
  resolve(result: TokenizeResult): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class TokenizerClient {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(private readonly workerFile: string, private readonly options: TokenizerClientOptions = {}) {}

  /** Starts of the worker so far (for tests). */
  starts = 0;

  tokenize(text: string, encoding: EncodingName): Promise<TokenizeResult> {
    if (this.disposed) return Promise.reject(new Error('the tokenizer was disposed'));
    if (typeof text !== 'string') return Promise.reject(new TypeError('text must be a string'));
    if (text.length > MAX_TOKENIZE_CHARS) return Promise.reject(new RangeError(`text longer than ${MAX_TOKENIZE_CHARS} characters`));
    const worker = this.ensureWorker();
    const id = this.nextId++;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    return new Promise<TokenizeResult>((resolve, reject) => {
      const timeoutMs = this.options.timeoutMs ?? 30_000;
      const timer = setTimeout(() => this.fail(new Error(`tokenizing took longer than ${Math.round(timeoutMs / 1000)} s and was stopped`)), timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      worker.postMessage({ id, text, encoding } satisfies TokenizerJob);
    });
  }

  dispose(): void {
    this.disposed = true;
    this.fail(new Error('the tokenizer was disposed'));
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // Tests hand in the TypeScript source; the extension the bundled dist/tokenizerWorker.js.
    const worker = this.workerFile.endsWith('.ts')
      ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(this.workerFile)});`, { eval: true })
      : new Worker(this.workerFile);
    this.starts++;
    worker.unref();
    worker.on('message', (reply: TokenizerReply) => this.settle(reply));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.fail(new Error(`the tokenizer stopped (exit code ${code})`));
    });
    this.worker = worker;
    return worker;
  }

  private settle(reply: TokenizerReply): void {
    const job = this.pending.get(reply.id);
    if (!job) return;
    this.pending.delete(reply.id);
    clearTimeout(job.timer);
    if (reply.ok) job.resolve(reply.result);
    else job.reject(new Error(reply.error));
    if (!this.pending.size) this.scheduleIdle();
  }

  private scheduleIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stopWorker(), this.options.idleMs ?? 60_000);
    this.idleTimer.unref();
  }

  /** Ends the worker and fails every job still waiting for it. */
  private fail(error: Error): void {
    this.stopWorker();
    for (const job of this.pending.values()) {
      clearTimeout(job.timer);
      job.reject(error);
    }
    this.pending.clear();
  }

  private stopWorker(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) void worker.terminate();
  }
}
