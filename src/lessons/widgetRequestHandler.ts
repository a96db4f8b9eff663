/**
 * The extension side of widget requests: validates a message that came from a webview (never trusted),
 * runs it against the tokenizer or the n-gram model, and returns a result — never throws.
 * Pure: the n-gram models are handed in, so tests and the bench need no VS Code.
 */
import type { Lang } from '../core/l10n';
import type { WidgetRequest, WidgetResponse } from './widgetProtocol';
import type { NgramModel } from './ngramModel';
import { isEncodingName, tokenize, ENCODINGS, type EncodingName, type TokenizeResult } from './tokenizer';

export const LIMITS = {
  /** Characters a widget may tokenize (about a second's work in the tokenizer's worker). */
  tokenizeText: 100_000,
  prefix: 10_000,
  k: 50,
  maxTokens: 200,
  temperature: 5,
} as const;

export interface WidgetRequestDeps {
  /** The built-in n-gram model for a language (undefined when it is not available). */
  ngram(lang: Lang): Promise<NgramModel | undefined>;
  /** Tokenizes off the extension host's thread (TokenizerClient); tests and the bench may leave it out (same thread). */
  tokenize?(text: string, encoding: EncodingName): Promise<TokenizeResult>;
}

type Parsed = { ok: true; request: WidgetRequest } | { ok: false; error: string };

export type WidgetResult = { ok: true; value: WidgetResponse } | { ok: false; error: string };

const isLang = (v: unknown): v is Lang => v === 'en' || v === 'zh-cn';
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Checks shape and ranges of a request from a webview; unknown fields are dropped. */
export function parseWidgetRequest(raw: unknown): Parsed {
  if (typeof raw !== 'object' || raw === null) return { ok: false, error: 'request must be an object' };
  const r = raw as Record<string, unknown>;
  switch (r.type) {
    case 'tokenize': {
      if (typeof r.text !== 'string') return { ok: false, error: 'tokenize: text must be a string' };
      if (r.text.length > LIMITS.tokenizeText) return { ok: false, error: `tokenize: text longer than ${LIMITS.tokenizeText} characters` };
      if (!isEncodingName(r.encoding)) return { ok: false, error: `tokenize: encoding must be one of ${ENCODINGS.join(', ')}` };
      return { ok: true, request: { type: 'tokenize', text: r.text, encoding: r.encoding } };
    }
    case 'nextTokens': {
      const prefix = checkPrefix(r);
      if (typeof prefix !== 'string') return prefix;
      if (!isLang(r.lang)) return { ok: false, error: 'nextTokens: lang must be en or zh-cn' };
      if (!isFiniteNumber(r.k) || r.k < 1) return { ok: false, error: 'nextTokens: k must be a positive number' };
      const decoding = checkDecoding(r, true);
      if ('error' in decoding) return { ok: false, error: `nextTokens: ${decoding.error}` };
      return { ok: true, request: { type: 'nextTokens', prefix, lang: r.lang, k: Math.min(LIMITS.k, Math.floor(r.k)), ...decoding } };
    }
    case 'sample': {
      const prefix = checkPrefix(r);
      if (typeof prefix !== 'string') return prefix;
      if (!isLang(r.lang)) return { ok: false, error: 'sample: lang must be en or zh-cn' };
      const decoding = checkDecoding(r, false);
      if ('error' in decoding) return { ok: false, error: `sample: ${decoding.error}` };
      if (!isFiniteNumber(r.seed)) return { ok: false, error: 'sample: seed must be a number' };
      if (r.maxTokens !== undefined && (!isFiniteNumber(r.maxTokens) || r.maxTokens < 1)) return { ok: false, error: 'sample: maxTokens must be a positive number' };
      return {
        ok: true,
        request: {
          type: 'sample',
          prefix,
          lang: r.lang,
          temperature: decoding.temperature ?? 1,
          topK: decoding.topK ?? 0,
          topP: decoding.topP ?? 1,
          seed: Math.floor(r.seed) >>> 0,
          maxTokens: Math.min(LIMITS.maxTokens, Math.floor((r.maxTokens) ?? 30)),
        },
      };
    }
    default:
      return { ok: false, error: `unknown widget request type "${String(r.type)}"` };
  }
}

function checkPrefix(r: Record<string, unknown>): string | { ok: false; error: string } {
  if (typeof r.prefix !== 'string') return { ok: false, error: `${String(r.type)}: prefix must be a string` };
  // Only the last two tokens matter to a trigram model; a huge prefix is cut, not refused.
  return r.prefix.length > LIMITS.prefix ? r.prefix.slice(-LIMITS.prefix) : r.prefix;
}

function checkDecoding(
  r: Record<string, unknown>,
  optional: boolean,
): { temperature?: number; topK?: number; topP?: number } | { error: string } {
  const out: { temperature?: number; topK?: number; topP?: number } = {};
  for (const key of ['temperature', 'topK', 'topP'] as const) {
    const value = r[key];
    if (value === undefined && optional) continue;
    if (value === undefined) continue;
    if (!isFiniteNumber(value)) return { error: `${key} must be a number` };
    if (key === 'temperature' && (value < 0 || value > LIMITS.temperature)) return { error: `temperature must be between 0 and ${LIMITS.temperature}` };
    if (key === 'topK' && value < 0) return { error: 'topK must be 0 (off) or more' };
    if (key === 'topP' && (value <= 0 || value > 1)) return { error: 'topP must be in (0, 1]' };
    out[key] = key === 'topK' ? Math.floor(value) : value;
  }
  return out;
}

export async function handleWidgetRequest(raw: unknown, deps: WidgetRequestDeps): Promise<WidgetResult> {
  const parsed = parseWidgetRequest(raw);
  if (!parsed.ok) return parsed;
  const request = parsed.request;
  try {
    switch (request.type) {
      case 'tokenize':
        return { ok: true, value: await (deps.tokenize ?? tokenize)(request.text, request.encoding) };
      case 'nextTokens': {
        const model = await deps.ngram(request.lang);
        if (!model) return { ok: false, error: `no built-in model for ${request.lang}` };
        const { temperature, topK, topP } = request;
        return { ok: true, value: model.nextTokens(request.prefix, request.k, { temperature, topK, topP }) };
      }
      case 'sample': {
        const model = await deps.ngram(request.lang);
        if (!model) return { ok: false, error: `no built-in model for ${request.lang}` };
        return { ok: true, value: model.sample(request.prefix, request) };
      }
    }
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** What answers widget requests for a page (through answerRequest): resolves with the response, rejects with the error text. */
export type WidgetRequestHandler = (payload: unknown) => Promise<WidgetResponse>;

export function createWidgetRequestHandler(deps: WidgetRequestDeps): WidgetRequestHandler {
  return async (payload) => {
    const result = await handleWidgetRequest(payload, deps);
    if (!result.ok) throw new Error(result.error);
    return result.value;
  };
}
