/**
 * A worker thread for jobs the extension host must not run itself (the tokenizer, the tiny GPT's sampler):
 * it starts on first use, is unref'd (it never keeps a process alive), answers jobs by id, ends after
 * `idleMs` without work (which frees what it holds), and a job over `timeoutMs` ends it (terminate() is
 * immediate) and fails every job waiting for it; the next job starts another. No vscode here.
 */
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from './spawnWorker';

export interface IdleWorkerLimits {
  /** End the worker after this long without a job (ms; default a minute). */
  idleMs?: number;
  /** Fail a job (and end the worker; the next job starts another) after this long (ms; default 30 s). */
  timeoutMs?: number;
}

export interface IdleWorkerOptions<Reply> extends IdleWorkerLimits {
  /** A reply as the job's result, or the error the job fails with. */
  outcome(reply: Reply): { ok: true; result: unknown } | { ok: false; error: Error };
  timedOut(ms: number): Error;
  /** The error waiting jobs fail with when the worker dies: an 'error' event, or an exit it was not asked for. */
  lost(cause: Error | number): Error;
}

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class IdleWorker<Reply extends { id: number }> {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Starts of the worker so far (for tests). */
  starts = 0;

  /** `file`: the bundled .js, or (tests) the TypeScript source, loaded through tsx. */
  constructor(private readonly file: string, private readonly options: IdleWorkerOptions<Reply>) {}

  /** Whether a worker is running now. */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Posts the message `build` makes for a new job id; `id` is for `reject`, `result` settles with the reply. */
  post<T>(build: (id: number) => unknown): { id: number; result: Promise<T> } {
    const worker = this.ensureWorker();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const id = this.nextId++;
    const result = new Promise<T>((resolve, reject) => {
      const timeoutMs = this.options.timeoutMs ?? 30_000;
      const timer = setTimeout(() => this.fail(this.options.timedOut(timeoutMs)), timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      worker.postMessage(build(id));
    });
    return { id, result };
  }

  /** Fails one job now (a cancel); the worker's late reply to it finds nothing waiting. */
  reject(id: number, error: Error): void {
    this.settle(id, { ok: false, error });
  }

  /** Ends the worker and fails every job still waiting for it with `error`. */
  fail(error: Error): void {
    this.stopWorker();
    for (const job of this.pending.values()) {
      clearTimeout(job.timer);
      job.reject(error);
    }
    this.pending.clear();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = spawnWorker(this.file);
    this.starts++;
    worker.unref();
    worker.on('message', (reply: Reply) => this.settle(reply.id, this.options.outcome(reply)));
    worker.on('error', (error) => this.fail(this.options.lost(error)));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.fail(this.options.lost(code));
    });
    this.worker = worker;
    return worker;
  }

  private settle(id: number, outcome: ReturnType<IdleWorkerOptions<Reply>['outcome']>): void {
    const job = this.pending.get(id);
    if (!job) return;
    this.pending.delete(id);
    clearTimeout(job.timer);
    if (outcome.ok) job.resolve(outcome.result);
    else job.reject(outcome.error);
    if (!this.pending.size) this.scheduleIdle();
  }

  private scheduleIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stopWorker(), this.options.idleMs ?? 60_000);
    this.idleTimer.unref();
  }

  private stopWorker(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) void worker.terminate();
  }
}
