/**
 * The extension host's side of the tiny GPT's sampling thread (samplerWorker.ts): the host only posts jobs
 * and reads replies, so sampling never holds its event loop. The worker (core/idleWorker.ts) starts on
 * first use and ends after a minute without work (which frees the decoded models); a job that runs too
 * long ends it. An AbortSignal stops a job through a flag in shared memory, read before each token.
 * No vscode here (tests drive it in Node).
 */
import { IdleWorker, type IdleWorkerLimits } from '../core/idleWorker';
import { workerPath } from '../core/spawnWorker';
import type { SamplerFailure, SamplerJob, SamplerJobs, SamplerJobType, SamplerReply, SamplerRequest } from './samplerProtocol';

export function defaultSamplerWorkerPath(): string {
  return workerPath(__filename, 'samplerWorker.ts', 'tinygptSamplerWorker.js');
}

export class SamplerError extends Error {
  constructor(readonly kind: SamplerFailure | 'timeout' | 'disposed', message: string) {
    super(message);
    this.name = 'SamplerError';
  }
}

export type SamplerClientOptions = IdleWorkerLimits;

export class SamplerClient {
  private readonly thread: IdleWorker<SamplerReply>;
  private disposed = false;

  constructor(workerFile = defaultSamplerWorkerPath(), options: SamplerClientOptions = {}) {
    this.thread = new IdleWorker<SamplerReply>(workerFile, {
      ...options,
      outcome: (reply) => (reply.ok ? { ok: true, result: reply.result } : { ok: false, error: new SamplerError(reply.kind, reply.error) }),
      timedOut: (ms) => new SamplerError('timeout', `the tiny GPT took longer than ${Math.round(ms / 1000)} s`),
      lost: (cause) => new SamplerError('failed', cause instanceof Error ? cause.message : `the tiny GPT sampler stopped (exit code ${cause})`),
    });
  }

  /** Starts of the worker so far (for tests). */
  get starts(): number {
    return this.thread.starts;
  }

  /** Whether a worker is running now (for tests: idle shutdown, nothing left after dispose). */
  get running(): boolean {
    return this.thread.running;
  }

  run<K extends SamplerJobType>(job: { type: K } & SamplerJobs[K][0], signal?: AbortSignal): Promise<SamplerJobs[K][1]> {
    if (this.disposed) return Promise.reject(new SamplerError('disposed', 'the tiny GPT sampler was disposed'));
    if (signal?.aborted) return Promise.reject(new SamplerError('cancelled', 'cancelled'));
    const cancel = new SharedArrayBuffer(4);
    const { id, result } = this.thread.post<SamplerJobs[K][1]>((id): SamplerRequest => ({ id, job: job as SamplerJob, cancel }));
    if (signal) {
      // The flag stops the worker before its next token; the caller does not wait for that.
      const onAbort = (): void => {
        Atomics.store(new Int32Array(cancel), 0, 1);
        this.thread.reject(id, new SamplerError('cancelled', 'cancelled'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const off = (): void => signal.removeEventListener('abort', onAbort);
      result.then(off, off);
    }
    return result;
  }

  dispose(): void {
    this.disposed = true;
    this.thread.fail(new SamplerError('disposed', 'the tiny GPT sampler was disposed'));
  }
}
