/**
 * Messages between the lesson widgets (webview) and the extension, imported by both sides. A widget asks
 * through WidgetContext.request(); the panel wraps the request in a WidgetRequestEnvelope, the extension
 * answers with a WidgetResponseEnvelope carrying the same requestId (see src/lessons/widgetRequestHandler.ts).
 * Type-only imports: nothing here pulls the tokenizer's rank tables or the n-gram model into a webview.
 */
import type { Lang } from '../core/l10n';
import type { EncodingName, TokenizeResult } from '../lessons/tokenizer';
import type { NextTokensResult, SampleResult } from '../lessons/ngramModel';

export type WidgetId = 'tokenizer' | 'attention' | 'ranking-loss' | 'ppo' | 'scaling' | 'next-token' | 'temperature';

export const WIDGET_IDS: readonly WidgetId[] = ['tokenizer', 'attention', 'ranking-loss', 'ppo', 'scaling', 'next-token', 'temperature'];

export type WidgetRequest =
  | { type: 'tokenize'; text: string; encoding: EncodingName }
  | {
      type: 'nextTokens';
      prefix: string;
      k: number;
      lang: Lang;
      /** When any of these is set, the probabilities are those the decoder would draw from. */
      temperature?: number;
      topK?: number;
      topP?: number;
    }
  | { type: 'sample'; prefix: string; temperature: number; topK: number; topP: number; seed: number; lang: Lang; maxTokens?: number };

export type TokenizeResponse = TokenizeResult;
export type NextTokensResponse = NextTokensResult;
export type SampleResponse = SampleResult;

/** What each request resolves to. */
export type WidgetResponseFor<R extends WidgetRequest> = R extends { type: 'tokenize' }
  ? TokenizeResponse
  : R extends { type: 'nextTokens' }
    ? NextTokensResponse
    : SampleResponse;

export type WidgetResponse = TokenizeResponse | NextTokensResponse | SampleResponse;

export type WidgetResult = { ok: true; value: WidgetResponse } | { ok: false; error: string };

/** Webview → extension (the same envelope the lecture panel uses, src/webview/lectureMessages.ts). */
export interface WidgetRequestEnvelope {
  type: 'widgetRequest';
  requestId: number;
  payload: WidgetRequest;
}

/** Extension → webview. */
export interface WidgetResponseEnvelope {
  type: 'widgetResponse';
  requestId: number;
  ok: boolean;
  data?: WidgetResponse;
  error?: string;
}

/** Webview → extension: the reader used a widget (for progress). */
export interface WidgetUsedMessage {
  type: 'widgetUsed';
  id: WidgetId;
}

export function isWidgetRequestEnvelope(message: unknown): message is WidgetRequestEnvelope {
  const m = message as Partial<WidgetRequestEnvelope> | null;
  return typeof m === 'object' && m !== null && m.type === 'widgetRequest' && typeof m.requestId === 'number';
}

export function isWidgetResponseEnvelope(message: unknown): message is WidgetResponseEnvelope {
  const m = message as Partial<WidgetResponseEnvelope> | null;
  return typeof m === 'object' && m !== null && m.type === 'widgetResponse' && typeof m.requestId === 'number' && typeof m.ok === 'boolean';
}

/**
 * The webview side of the request/response pairing: `request` posts an envelope and resolves when
 * `handleMessage` sees the matching response (rejects with the handler's error text, or after timeoutMs).
 */
export function createWidgetRequester(post: (message: WidgetRequestEnvelope) => void, timeoutMs = 30_000) {
  let next = 1;
  const pending = new Map<number, { resolve(value: WidgetResponse): void; reject(error: Error): void; timer: ReturnType<typeof setTimeout> }>();
  return {
    request<R>(request: WidgetRequest): Promise<R> {
      const requestId = next++;
      return new Promise<R>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(requestId);
          reject(new Error(`widget request "${request.type}" timed out`));
        }, timeoutMs);
        pending.set(requestId, { resolve: resolve as (value: WidgetResponse) => void, reject, timer });
        post({ type: 'widgetRequest', requestId, payload: request });
      });
    },
    /** Feed every message from the extension; returns true when it was a widget response. */
    handleMessage(message: unknown): boolean {
      if (!isWidgetResponseEnvelope(message)) return false;
      const entry = pending.get(message.requestId);
      if (!entry) return true;
      pending.delete(message.requestId);
      clearTimeout(entry.timer);
      if (message.ok) entry.resolve(message.data as WidgetResponse);
      else entry.reject(new Error(message.error ?? 'error'));
      return true;
    },
  };
}
