import { LlmError } from './types';

export const MAX_RETRIES = 2;
export const MAX_RETRY_WAIT_MS = 60_000;

interface HeaderSource {
  get(name: string): string | null;
}

/**
 * The server's requested wait: `retry-after-ms` (OpenAI), then `Retry-After` as seconds or an HTTP date.
 * undefined when absent or unreadable.
 */
export function parseRetryAfter(headers: HeaderSource, now = Date.now()): number | undefined {
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  const raw = headers.get('retry-after')?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw) * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Whether to retry a failed attempt (0-based `attempt` = retries done so far) and after how long.
 * Only 429 (not "insufficient_quota") and 503, at most MAX_RETRIES times, and only when the wait is at
 * most MAX_RETRY_WAIT_MS; without a Retry-After, 1 s then 2 s.
 */
export function retryDelay(error: LlmError, attempt: number): number | undefined {
  const status = error.details.status;
  if (status !== 429 && status !== 503) return undefined;
  if (error.details.reason === 'quota' || attempt >= MAX_RETRIES) return undefined;
  const wait = error.details.retryAfterMs ?? 1000 * 2 ** attempt;
  return wait <= MAX_RETRY_WAIT_MS ? wait : undefined;
}

/** Resolves after `ms`, or rejects with the signal's abort at once. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new DOMException('aborted', 'AbortError'));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new DOMException('aborted', 'AbortError'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
