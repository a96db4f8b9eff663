import { t } from '../core/l10n';
import { rememberSecret } from '../core/redact';
import { badResponse, cancelledError, createLlmError, ErrorContext, errorFromNetwork, errorFromResponse, timeoutError } from './errors';
import { parseRetryAfter, retryDelay, sleep } from './retry';
import { LlmError, StreamEvent } from './types';

export interface HttpClientOptions {
  /** llmLab.requestTimeoutSeconds: time to the first byte and longest silence between chunks. */
  timeoutMs: () => number;
  /** The API key and the one origin it may be sent to (the configured baseUrl's). */
  credentials?: () => { apiKey?: string; origin?: string };
  /**
   * The key's read from SecretStorage (a round trip to the workbench): `pending` resolves once credentials() has
   * the key; `likely` says whether one is expected (stored, or seen, before). A request the key may go with (to the
   * configured origin, auth not false) waits for the read, just before it is sent, only when a key is likely; else it
   * goes without, and a 401/403 answer waits for the read and is sent again if that found a key. Other requests never wait.
   */
  key?: () => { pending?: Promise<void>; likely: boolean };
  /** One line per request (method, URL, status, timings); never headers or bodies. */
  log?: (line: string) => void;
  /** llmLab.maxResponseMegabytes: a response body larger than this is cut off with an error. */
  maxResponseBytes?: () => number;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  /** Sent as JSON. */
  body?: unknown;
  signal: AbortSignal;
  accept?: string;
  /** Overrides the client's timeout (auto-detect probes use a short one). */
  timeoutMs?: number;
  /** false: never attach the API key (probes). */
  auth?: boolean;
  ctx?: ErrorContext;
}

export type RetryEvent = Extract<StreamEvent, { type: 'retry' }>;

/**
 * Aborts the request after `ms` of silence. Silence is time since the last *data* (kick()), not counting the
 * time the consumer holds a chunk (pause/resume). Streams kick only for complete events, so keep-alive
 * comments or a byte-by-byte drip cannot hold a request open for ever.
 */
class Watchdog {
  phase: 'firstByte' | 'idle' = 'firstByte';
  fired: 'firstByte' | 'idle' | undefined;
  private paused = false;
  private silentMs = 0;
  private since = performance.now();
  private timer: NodeJS.Timeout;

  constructor(private readonly ms: number, private readonly onFire: () => void) {
    this.timer = setTimeout(() => this.check(), ms);
  }

  /** Lazy: kicks only move timestamps; the timer re-arms itself for whatever silence remains. */
  private check(): void {
    const silent = this.silentMs + (this.paused ? 0 : performance.now() - this.since);
    if (silent >= this.ms) {
      this.fired = this.phase;
      this.onFire();
      return;
    }
    this.timer = setTimeout(() => this.check(), Math.max(1, Math.ceil(this.ms - silent)));
  }

  kick(): void {
    this.silentMs = 0;
    this.since = performance.now();
  }

  pause(): void {
    if (this.paused) return;
    this.silentMs += performance.now() - this.since;
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.since = performance.now();
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}

export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** `${base}/${path}` without doubled slashes. */
export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

export function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

/** The API key goes only to the configured origin, only in the Authorization header. */
export function authorizationFor(url: string, credentials: { apiKey?: string; origin?: string } | undefined): string | undefined {
  if (!credentials?.apiKey || !credentials.origin) return undefined;
  return originOf(url) === originOf(credentials.origin) ? `Bearer ${credentials.apiKey}` : undefined;
}

/**
 * How long a body may take to end after the stream's own end marker ([DONE], `done: true`). Servers end it in
 * the same write; one that keeps it open is closed after this.
 */
const END_AFTER_MARKER_MS = 5;

/** An open HTTP response whose body is read under the idle watchdog; closing it aborts the socket. */
export class HttpResponse {
  private released = false;
  private bytes = 0;
  private markerSeen = false;

  constructor(
    private readonly res: Response,
    readonly url: string,
    private readonly method: string,
    private readonly started: number,
    private readonly controller: AbortController,
    private readonly watchdog: Watchdog,
    private readonly userSignal: AbortSignal,
    private readonly onAbort: () => void,
    private readonly ctx: ErrorContext,
    private readonly log?: (line: string) => void,
    private readonly maxBytes = DEFAULT_MAX_RESPONSE_BYTES,
  ) {
    watchdog.phase = 'idle';
    watchdog.kick();
  }

  /** A complete event or line arrived: restarts the idle timeout (for chunks({ dataKicks: false })). */
  dataArrived(): void {
    this.watchdog.kick();
  }

  /**
   * The stream's end marker arrived: stopping to read chunks() now is not an early stop. The end of the body
   * (nearly always in the same packet) is read, so the connection ends normally and stays alive for the next
   * request, instead of being torn down (an abort costs the fetch machinery far more than a last read).
   */
  endMarkerSeen(): void {
    this.markerSeen = true;
  }

  get status(): number {
    return this.res.status;
  }
  get ok(): boolean {
    return this.res.ok;
  }
  get headers(): Headers {
    return this.res.headers;
  }
  get contentType(): string {
    return this.res.headers.get('content-type') ?? '';
  }

  /**
   * The body as it arrives, at most maxResponseBytes. Stopping early (break, error) closes the connection.
   * dataKicks false: only dataArrived() restarts the idle timeout (streams call it per complete event).
   */
  async *chunks({ dataKicks = true }: { dataKicks?: boolean } = {}): AsyncGenerator<Uint8Array, void, undefined> {
    const body = this.res.body;
    if (!body) {
      this.release(true);
      return;
    }
    const reader = body.getReader();
    let complete = false;
    try {
      for (;;) {
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await reader.read();
        } catch (error) {
          throw this.failure(error);
        }
        if (result.done) {
          complete = true;
          return;
        }
        this.bytes += result.value.byteLength;
        if (this.bytes > this.maxBytes) throw this.tooLarge();
        if (dataKicks) this.watchdog.kick();
        this.watchdog.pause();
        try {
          yield result.value;
        } finally {
          this.watchdog.resume();
        }
      }
    } finally {
      if (!complete && this.markerSeen && !this.userSignal.aborted) complete = await endsSoon(reader);
      if (!complete) this.controller.abort();
      this.release(complete);
    }
  }

  /** The whole body as text (non-streamed JSON); with a `limit` (error bodies), reading stops after that many characters. */
  async text(limit = Number.POSITIVE_INFINITY): Promise<string> {
    const decoder = new TextDecoder();
    const parts: string[] = [];
    let length = 0;
    for await (const chunk of this.chunks()) {
      const part = decoder.decode(chunk, { stream: true });
      parts.push(part);
      length += part.length;
      if (length >= limit) return parts.join('').slice(0, limit);
    }
    parts.push(decoder.decode());
    return parts.join('');
  }

  /** Closes the connection if the body was not read to the end. */
  close(): void {
    if (!this.released) {
      this.controller.abort();
      this.release(false);
    }
  }

  private tooLarge(): LlmError {
    const megabytes = Math.round((this.maxBytes / (1024 * 1024)) * 10) / 10;
    return badResponse(t('more than {0} MB, the limit set by “llmLab.maxResponseMegabytes”', megabytes), this.ctx);
  }

  private failure(error: unknown): LlmError {
    if (this.userSignal.aborted) return cancelledError(this.ctx);
    if (this.watchdog.fired) return timeoutError(this.watchdog.fired, this.ctx);
    return errorFromNetwork(error, this.ctx, true);
  }

  private release(complete: boolean): void {
    if (this.released) return;
    this.released = true;
    this.watchdog.stop();
    this.userSignal.removeEventListener('abort', this.onAbort);
    const ms = Math.round(performance.now() - this.started);
    this.log?.(`${this.method} ${this.url} ${this.status}: ${this.bytes} bytes in ${ms} ms${complete ? '' : ' (closed by LLM Lab)'}`);
  }
}

/** Whether the body ends within END_AFTER_MARKER_MS with no more data (more data after the end marker is not read). */
async function endsSoon(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), END_AFTER_MARKER_MS);
  });
  const last = await Promise.race([reader.read().catch(() => undefined), late]);
  clearTimeout(timer);
  return last?.done === true;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** fetch with our own timeouts, cancellation, key scoping, retries and error mapping. */
export class HttpClient {
  constructor(private readonly options: HttpClientOptions) {}

  get timeoutMs(): number {
    return this.options.timeoutMs();
  }

  /** One attempt. Resolves for any HTTP status; rejects with LlmError for network failures, timeouts and abort. */
  async open(request: HttpRequest): Promise<HttpResponse> {
    const timeoutMs = request.timeoutMs ?? this.options.timeoutMs();
    const ctx: ErrorContext = { ...request.ctx, url: request.url, timeoutMs };
    if (!originOf(request.url)) throw createLlmError({ kind: 'invalidInput', reason: 'badUrl', serverMessage: request.url });
    if (request.signal.aborted) throw cancelledError(ctx);
    const started = performance.now();
    const controller = new AbortController();
    const onAbort = (): void => controller.abort();
    request.signal.addEventListener('abort', onAbort, { once: true });
    const watchdog = new Watchdog(timeoutMs, () => controller.abort());
    let credentials: { apiKey?: string; origin?: string } | undefined;
    let url = request.url;
    let method: string = request.method;
    let body = request.body === undefined ? undefined : JSON.stringify(request.body);
    try {
      // Redirects are followed by hand so the key is re-checked against every hop's origin.
      for (let hop = 0; ; hop++) {
        const headers: Record<string, string> = { Accept: request.accept ?? 'application/json' };
        if (body !== undefined) headers['Content-Type'] = 'application/json';
        const { credentials: found, unread } = await this.credentialsFor(url, request.auth);
        credentials = found;
        rememberSecret(credentials?.apiKey);
        const authorization = authorizationFor(url, credentials);
        if (authorization) headers.Authorization = authorization;
        const res = await fetch(url, { method, headers, body, signal: controller.signal, redirect: 'manual' });
        if (unread && !authorization && (res.status === 401 || res.status === 403)) {
          // Sent before the key was read, as none was expected: if the read finds one, this request goes again with it.
          await unread;
          if (authorizationFor(url, this.options.credentials?.())) {
            void res.body?.cancel().catch(() => undefined);
            this.options.log?.(`${method} ${url} ${res.status}: sent again with the API key just read`);
            continue;
          }
        }
        const location = res.headers.get('location');
        if (REDIRECTS.has(res.status) && location && hop < 5) {
          void res.body?.cancel().catch(() => undefined);
          this.options.log?.(`${method} ${url} ${res.status} → ${location}`);
          url = new URL(location, url).href;
          if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
            method = 'GET';
            body = undefined;
          }
          continue;
        }
        this.options.log?.(`${method} ${url} ${res.status} after ${Math.round(performance.now() - started)} ms`);
        return new HttpResponse(res, url, method, started, controller, watchdog, request.signal, onAbort, { ...ctx, url, hasKey: !!credentials?.apiKey }, this.options.log, this.options.maxResponseBytes?.() ?? DEFAULT_MAX_RESPONSE_BYTES);
      }
    } catch (error) {
      watchdog.stop();
      request.signal.removeEventListener('abort', onAbort);
      let failure: LlmError;
      if (error instanceof LlmError) failure = error;
      else if (request.signal.aborted) failure = cancelledError(ctx);
      else if (watchdog.fired) failure = timeoutError(watchdog.fired, ctx);
      else failure = errorFromNetwork(error, ctx);
      this.options.log?.(`${method} ${url} failed after ${Math.round(performance.now() - started)} ms: ${failure.kind}${failure.details.reason ? ` (${failure.details.reason})` : ''}`);
      throw failure;
    }
  }

  /**
   * The credentials for a request to `url`. Waits for the key's read only when the key could be sent there and one
   * is likely; `unread` is the read still pending when the request goes without waiting for it.
   */
  private async credentialsFor(url: string, auth: boolean | undefined): Promise<{ credentials?: { apiKey?: string; origin?: string }; unread?: Promise<void> }> {
    const get = this.options.credentials;
    if (auth === false || !get) return {};
    const credentials = get();
    if (!credentials.origin || originOf(url) !== originOf(credentials.origin)) return { credentials };
    const key = this.options.key?.();
    if (!key?.pending) return { credentials };
    if (!key.likely) return { credentials, unread: key.pending };
    await key.pending;
    return { credentials: get() };
  }

  /**
   * Sends until a 2xx arrives: 429/503 are retried as retryDelay() allows, each retry announced as a
   * 'retry' event before the wait; any other status becomes the matching LlmError.
   * Use with `yield*` inside a provider's chat generator.
   */
  async *send(request: HttpRequest): AsyncGenerator<RetryEvent, HttpResponse, undefined> {
    for (let attempt = 0; ; attempt++) {
      const response = await this.open(request);
      if (response.ok) return response;
      const error = await this.errorOf(response, request.ctx);
      const wait = retryDelay(error, attempt);
      if (wait === undefined) throw error;
      this.options.log?.(`retrying ${request.url} in ${wait} ms (HTTP ${response.status})`);
      yield { type: 'retry', attempt: attempt + 1, waitMs: wait, reason: error.message };
      try {
        await sleep(wait, request.signal);
      } catch {
        throw cancelledError({ ...request.ctx, url: request.url });
      }
    }
  }

  /** GET (with retries) and parse JSON. */
  async getJson(request: Omit<HttpRequest, 'method'>): Promise<unknown> {
    const iterator = this.send({ ...request, method: 'GET' });
    let step = await iterator.next();
    while (!step.done) step = await iterator.next();
    const response = step.value;
    const text = await response.text();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw createLlmError({
        kind: 'badResponse',
        host: new URL(response.url).host,
        what: t('a body that is not JSON ({0})', text.trim().slice(0, 60) || t('empty')),
      });
    }
  }

  /** The error a non-2xx response stands for (reads and closes its body). */
  async errorOf(response: HttpResponse, ctx: ErrorContext = {}): Promise<LlmError> {
    const retryAfterMs = parseRetryAfter(response.headers);
    let body = '';
    try {
      body = await response.text(64 * 1024);
    } catch (error) {
      if (error instanceof LlmError && error.kind === 'cancelled') throw error;
    }
    const credentials = this.options.credentials?.();
    const hasKey = !!authorizationFor(response.url, credentials);
    const error = errorFromResponse(response.status, body, { ...ctx, url: response.url, contentType: response.contentType, retryAfterMs, hasKey });
    if (retryAfterMs !== undefined) error.details.retryAfterMs = retryAfterMs;
    error.details.status = response.status;
    return error;
  }
}
