import { t } from '../core/l10n';
import { redactSecrets, rememberedSecrets } from '../core/redact';
import { ErrorInfo, userMessage } from './errorMessages';
import { LlmError, ProviderId } from './types';

/** What the caller knows about the request that failed. */
export interface ErrorContext {
  url?: string;
  model?: string;
  provider?: ProviderId;
  hasKey?: boolean;
  timeoutMs?: number;
}

/**
 * Builds an LlmError whose message is the user message for its kind (errorMessages.ts). Every error is made
 * here, so this is the one place secrets are redacted: a server may echo the API key in its error body, and
 * the message goes on to notifications, run history, exports and the log.
 */
export function createLlmError(info: ErrorInfo): LlmError {
  const clean = (text: string | undefined): string | undefined => (text === undefined ? undefined : redactSecrets(text, rememberedSecrets()));
  const safe: ErrorInfo = { ...info, serverMessage: clean(info.serverMessage), what: clean(info.what), code: clean(info.code) };
  return new LlmError(info.kind, clean(userMessage(safe))!, {
    status: info.status,
    retryAfterMs: info.retryAfterMs,
    model: info.model,
    serverMessage: safe.serverMessage,
    reason: info.reason,
    host: info.host,
  });
}

export function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

function base(ctx: ErrorContext): Pick<ErrorInfo, 'host' | 'model' | 'provider' | 'timeoutMs'> {
  return { host: hostOf(ctx.url), model: ctx.model, provider: ctx.provider, timeoutMs: ctx.timeoutMs };
}

const MAX_SERVER_MESSAGE = 300;

export function truncate(text: string, max = MAX_SERVER_MESSAGE): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** Visible text of an HTML error page (nginx, proxies, frameworks), tags and scripts removed. */
export function htmlToText(html: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  const body = html
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
  const text = truncate(body);
  if (title && !text.toLowerCase().includes(truncate(title).toLowerCase())) return truncate(`${truncate(title)} — ${text}`);
  return text;
}

export interface ParsedErrorBody {
  message?: string;
  type?: string;
  code?: string;
  param?: string;
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** Reads the error shapes servers use: OpenAI `{error:{message,type,param,code}}`, vLLM's flat
 *  `{object:"error",message,code}`, Ollama `{error:"…"}`, FastAPI `{detail}`, HTML pages, plain text. */
export function parseErrorPayload(payload: unknown): ParsedErrorBody {
  if (typeof payload === 'string') return { message: truncate(payload) };
  if (!payload || typeof payload !== 'object') return {};
  const record = payload as Record<string, unknown>;
  const inner = record.error;
  if (typeof inner === 'string') return { message: truncate(inner), code: str(record.code) };
  if (inner && typeof inner === 'object') {
    const e = inner as Record<string, unknown>;
    return { message: str(e.message) && truncate(str(e.message)!), type: str(e.type), code: str(e.code), param: str(e.param) };
  }
  const detail = record.detail;
  const message = str(record.message) ?? (typeof detail === 'string' ? detail : Array.isArray(detail) ? JSON.stringify(detail) : undefined);
  return { message: message && truncate(message), type: str(record.type), code: str(record.code), param: str(record.param) };
}

export function parseErrorBody(text: string, contentType = ''): ParsedErrorBody {
  const trimmed = text.trim();
  if (!trimmed) return {};
  if (/html/i.test(contentType) || /^<(!doctype|html|head|body)\b/i.test(trimmed)) return { message: htmlToText(trimmed) };
  try {
    return parseErrorPayload(JSON.parse(trimmed));
  } catch {
    return { message: truncate(trimmed) };
  }
}

const MODEL_MISSING = /model\b.*\b(not found|does not exist|not exist|unknown|no such|not available)|no such model|unknown model|model_not_found|try pulling/i;

/** status + body → the LlmError a user should see. */
export function errorFromResponse(status: number, bodyText: string, ctx: ErrorContext & { contentType?: string; retryAfterMs?: number }): LlmError {
  const parsed = parseErrorBody(bodyText, ctx.contentType);
  const serverMessage = parsed.message || undefined;
  const info: ErrorInfo = { ...base(ctx), kind: 'server', status, serverMessage };
  const haystack = `${parsed.message ?? ''} ${parsed.code ?? ''} ${parsed.type ?? ''}`;
  const modelMissing = MODEL_MISSING.test(haystack);
  if (status === 401 || status === 403) {
    info.kind = 'auth';
    if (status === 401 && !ctx.hasKey) info.reason = 'noKey';
  } else if (status === 404 || ((status === 400 || status === 422) && modelMissing && !!ctx.model)) {
    info.kind = 'notFound';
    info.reason = !modelMissing ? 'endpointMissing' : ctx.provider === 'ollama' || /:11434$/.test(info.host ?? '') ? 'ollamaModelMissing' : 'modelMissing';
  } else if (status === 429) {
    info.kind = 'rateLimited';
    if (/insufficient_quota|billing|quota/i.test(haystack)) info.reason = 'quota';
    info.retryAfterMs = ctx.retryAfterMs;
  } else if (status === 408) {
    info.kind = 'timeout';
  } else if (status >= 400 && status < 500) {
    info.kind = 'invalidInput';
  } else if (status < 400) {
    info.kind = 'badResponse';
    info.what = t('an unexpected HTTP {0} answer', status);
  }
  const error = createLlmError(info);
  if (parsed.param) error.details.param = redactSecrets(parsed.param, rememberedSecrets());
  return error;
}

/** An `{"error": …}` payload inside a 200 stream (vLLM, Ollama, proxies) or a bare `error:` SSE line. */
export function errorFromStreamPayload(payload: unknown, ctx: ErrorContext): LlmError {
  const parsed = parseErrorPayload(payload);
  const text = `${parsed.message ?? ''} ${parsed.code ?? ''} ${parsed.type ?? ''}`;
  const code = Number(parsed.code);
  // Codes that say what to do (key, model, wait) keep their kind; anything else is a failure mid-answer.
  if (code === 401 || code === 403 || code === 404 || code === 429) return errorFromResponse(code, JSON.stringify(payload), ctx);
  if (/rate.?limit/i.test(text)) return errorFromResponse(429, JSON.stringify(payload), ctx);
  if (MODEL_MISSING.test(text) && ctx.model) return errorFromResponse(404, JSON.stringify(payload), ctx);
  return createLlmError({ ...base(ctx), kind: 'server', reason: 'midStream', serverMessage: parsed.message ?? truncate(JSON.stringify(payload)) });
}

export function badResponse(what: string, ctx: ErrorContext): LlmError {
  return createLlmError({ ...base(ctx), kind: 'badResponse', what });
}

export function cancelledError(ctx: ErrorContext = {}): LlmError {
  return createLlmError({ ...base(ctx), kind: 'cancelled' });
}

export function timeoutError(phase: 'firstByte' | 'idle', ctx: ErrorContext): LlmError {
  return createLlmError({ ...base(ctx), kind: 'timeout', reason: phase });
}

function causeChain(error: unknown): { code?: string; message: string; name?: string }[] {
  const chain: { code?: string; message: string; name?: string }[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const e = current as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown; errors?: unknown[] };
    chain.push({ code: typeof e.code === 'string' ? e.code : undefined, message: String(e.message ?? e), name: typeof e.name === 'string' ? e.name : undefined });
    current = e.cause ?? (Array.isArray(e.errors) ? e.errors[0] : undefined);
  }
  return chain;
}

/** A fetch/socket failure (no HTTP status) → unreachable / timeout / server, naming the host. */
export function errorFromNetwork(error: unknown, ctx: ErrorContext, streaming = false): LlmError {
  const chain = causeChain(error);
  const code = chain.map((c) => c.code).find((c) => c && c !== 'ABORT_ERR');
  const messages = chain.map((c) => c.message).join(' | ');
  const b = base(ctx);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || /getaddrinfo/i.test(messages)) {
    return createLlmError({ ...b, kind: 'unreachable', reason: 'dns', code });
  }
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'ETIMEDOUT') {
    return createLlmError({ ...b, kind: 'timeout', reason: 'firstByte' });
  }
  if (code === 'UND_ERR_BODY_TIMEOUT') return createLlmError({ ...b, kind: 'timeout', reason: 'idle' });
  if (/bad port/i.test(messages)) return createLlmError({ ...b, kind: 'unreachable', reason: 'badPort' });
  if (code && /CERT|SSL|TLS|SELF_SIGNED|EPROTO/i.test(code)) return createLlmError({ ...b, kind: 'unreachable', reason: 'tls', code });
  if (streaming) return createLlmError({ ...b, kind: 'server', reason: 'connectionLost', code: code ?? truncate(chain.at(-1)?.message ?? 'closed', 80) });
  return createLlmError({ ...b, kind: 'unreachable', reason: code === 'ECONNREFUSED' ? 'refused' : 'network', code: code ?? truncate(chain.at(-1)?.message ?? 'fetch failed', 80) });
}

/** Anything thrown → LlmError (LlmErrors pass through). */
export function toLlmError(error: unknown, ctx: ErrorContext = {}): LlmError {
  if (error instanceof LlmError) return error;
  const name = (error as { name?: unknown })?.name;
  if (name === 'AbortError' || name === 'Canceled') return cancelledError(ctx);
  if (name === 'TimeoutError') return timeoutError('firstByte', ctx);
  const message = error instanceof Error ? error.message : String(error);
  return createLlmError({ ...base(ctx), kind: 'server', reason: 'unexpected', serverMessage: truncate(message) });
}
