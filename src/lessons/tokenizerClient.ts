/**
 * Tokenizes in a worker thread (tokenizerWorker.ts), so long texts never block the extension host. The worker
 * (core/idleWorker.ts) starts on first use and ends after a minute without work, which frees its rank tables;
 * a job that runs too long ends it and fails.
 */
import { IdleWorker, type IdleWorkerLimits } from '../core/idleWorker';
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

export type TokenizerClientOptions = IdleWorkerLimits;

export class TokenizerClient {
  private readonly thread: IdleWorker<TokenizerReply>;
  private disposed = false;

  constructor(workerFile: string, options: TokenizerClientOptions = {}) {
    this.thread = new IdleWorker<TokenizerReply>(workerFile, {
      ...options,
      outcome: (reply) => (reply.ok ? { ok: true, result: reply.result } : { ok: false, error: new Error(reply.error) }),
      timedOut: (ms) => new Error(`tokenizing took longer than ${Math.round(ms / 1000)} s and was stopped`),
      lost: (cause) => (cause instanceof Error ? cause : new Error(`the tokenizer stopped (exit code ${cause})`)),
    });
  }

  /** Starts of the worker so far (for tests). */
  get starts(): number {
    return this.thread.starts;
  }

  tokenize(text: string, encoding: EncodingName): Promise<TokenizeResult> {
    if (this.disposed) return Promise.reject(new Error('the tokenizer was disposed'));
    if (typeof text !== 'string') return Promise.reject(new TypeError('text must be a string'));
    if (text.length > MAX_TOKENIZE_CHARS) return Promise.reject(new RangeError(`text longer than ${MAX_TOKENIZE_CHARS} characters`));
    return this.thread.post<TokenizeResult>((id) => ({ id, text, encoding }) satisfies TokenizerJob).result;
  }

  dispose(): void {
    this.disposed = true;
    this.thread.fail(new Error('the tokenizer was disposed'));
  }
}
