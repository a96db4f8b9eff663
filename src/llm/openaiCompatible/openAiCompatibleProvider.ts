import { t } from '../../core/l10n';
import { badResponse, createLlmError, ErrorContext, hostOf } from '../errors';
import { HttpClient, HttpResponse, joinUrl } from '../http';
import { StreamStats, usageEvent } from '../streamStats';
import { ChatProvider, ChatRequest, LlmError, StreamEvent } from '../types';
import { chatObjectEvents, ChatStreamState, SseChatDecoder } from './sseChatDecoder';

type Body = Record<string, unknown>;

/** The request body for POST /chat/completions. `max_tokens`, not `max_completion_tokens`: Ollama's /v1 reads only that. */
export function chatBody(request: ChatRequest, model: string): Body {
  const body: Body = { model, messages: request.messages, stream: true, stream_options: { include_usage: true } };
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.stop?.length) body.stop = request.stop;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.logprobs) {
    body.logprobs = true;
    if (request.topLogprobs !== undefined) body.top_logprobs = request.topLogprobs;
  }
  return body;
}

/**
 * A 400/422 that names an optional field some servers reject: the body adjusted to retry once without
 * it, or undefined. (Gateways reject `stream_options`; reasoning models reject `max_tokens`; some
 * servers reject `logprobs` or `seed`.)
 */
export function withoutRejectedField(error: LlmError, body: Body): { body: Body; field: string } | undefined {
  if (error.kind !== 'invalidInput' || (error.details.status !== 400 && error.details.status !== 422)) return undefined;
  const said = `${error.details.param ?? ''} ${error.details.serverMessage ?? ''}`;
  const names = (field: string): boolean => new RegExp(`\\b${field}\\b`).test(said);
  const next = { ...body };
  if ('stream_options' in body && names('stream_options')) {
    delete next.stream_options;
    return { body: next, field: 'stream_options' };
  }
  if ('max_tokens' in body && names('max_tokens')) {
    next.max_completion_tokens = body.max_tokens;
    delete next.max_tokens;
    return { body: next, field: 'max_tokens' };
  }
  if ('logprobs' in body && (names('logprobs') || names('top_logprobs'))) {
    delete next.logprobs;
    delete next.top_logprobs;
    return { body: next, field: 'logprobs' };
  }
  if ('seed' in body && names('seed')) {
    delete next.seed;
    return { body: next, field: 'seed' };
  }
  return undefined;
}

export interface OpenAiProviderOptions {
  label?: string;
  shortLabel?: string;
  defaultModel?: string;
}

/** OpenAI, Ollama /v1, LM Studio, llama.cpp, vLLM, DeepSeek and other hosts of `POST {baseUrl}/chat/completions`. */
export class OpenAiCompatibleProvider implements ChatProvider {
  readonly id = 'openai-compatible' as const;
  readonly label: string;
  readonly shortLabel: string;
  readonly defaultModel?: string;

  constructor(readonly baseUrl: string, private readonly http: HttpClient, options: OpenAiProviderOptions = {}) {
    this.label = options.label ?? t('OpenAI-compatible ({0})', hostOf(baseUrl) ?? baseUrl);
    this.shortLabel = options.shortLabel ?? hostOf(baseUrl) ?? baseUrl;
    this.defaultModel = options.defaultModel || undefined;
  }

  async listModels(signal: AbortSignal): Promise<string[]> {
    const json = await this.http.getJson({ url: joinUrl(this.baseUrl, 'models'), signal, ctx: { provider: this.id } });
    const list = (json as { data?: unknown; models?: unknown } | null) ?? {};
    const items = Array.isArray(list.data) ? list.data : Array.isArray(list.models) ? list.models : undefined;
    if (!items) throw badResponse(t('a model list without a “data” array'), { url: this.baseUrl });
    return items
      .map((m: unknown) => (typeof m === 'string' ? m : (m as { id?: unknown; name?: unknown })?.id ?? (m as { name?: unknown })?.name))
      .filter((id: unknown): id is string => typeof id === 'string' && id.length > 0);
  }

  async *chat(request: ChatRequest, signal: AbortSignal): AsyncGenerator<StreamEvent, void, undefined> {
    const stats = new StreamStats();
    const model = request.model || this.defaultModel || (await this.firstModel(signal));
    const url = joinUrl(this.baseUrl, 'chat/completions');
    const ctx: ErrorContext = { url, model, provider: this.id };
    let body = chatBody(request, model);
    const dropped = new Set<string>();
    let response: HttpResponse;
    for (;;) {
      try {
        response = yield* this.http.send({ method: 'POST', url, body, signal, accept: 'text/event-stream', ctx });
        break;
      } catch (error) {
        const retry = error instanceof LlmError ? withoutRejectedField(error, body) : undefined;
        if (!retry || dropped.has(retry.field)) throw error;
        dropped.add(retry.field);
        body = retry.body;
      }
    }
    const contentType = response.contentType;
    if (/json/i.test(contentType) && !/event-stream/i.test(contentType)) {
      yield* this.wholeBody(response, ctx, stats);
      return;
    }
    // One event per kind of delta per network chunk (see SseChatDecoder's coalesce), counted per token.
    const decoder = new SseChatDecoder(ctx, { coalesce: true });
    for await (const chunk of response.chunks({ dataKicks: false })) {
      const before = decoder.messages;
      const deltasBefore = decoder.deltas;
      const events = decoder.push(chunk);
      if (decoder.messages !== before) response.dataArrived();
      stats.delta(decoder.deltas - deltasBefore);
      for (const event of events) yield event;
      if (decoder.sawDone) {
        response.endMarkerSeen();
        break;
      }
    }
    const deltasBefore = decoder.deltas;
    const last = decoder.end();
    stats.delta(decoder.deltas - deltasBefore);
    for (const event of last) yield event;
    decoder.finish(contentType);
    if (decoder.state.usage) yield usageEvent(decoder.state.usage);
    yield stats.done(decoder.state.finishReason, decoder.state.model ?? model, decoder.state.usage);
  }

  /** A server that ignored `stream: true` and sent one chat.completion. */
  private async *wholeBody(response: HttpResponse, ctx: ErrorContext, stats: StreamStats): AsyncGenerator<StreamEvent, void, undefined> {
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw badResponse(t('a body that is not JSON ({0})', text.trim().slice(0, 60) || t('empty')), ctx);
    }
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw badResponse(t('a body that is not a chat completion'), ctx);
    const state: ChatStreamState = {};
    const events: StreamEvent[] = [];
    chatObjectEvents(json as Record<string, unknown>, state, events, ctx);
    if (!events.length && state.finishReason === undefined) throw badResponse(t('a body that is not a chat completion'), ctx);
    for (const event of events) {
      if (event.type === 'text' || event.type === 'reasoning') stats.delta();
      yield event;
    }
    if (state.usage) yield usageEvent(state.usage);
    yield stats.done(state.finishReason, state.model ?? ctx.model, state.usage);
  }

  private async firstModel(signal: AbortSignal): Promise<string> {
    const models = await this.listModels(signal);
    if (!models[0]) throw createLlmError({ kind: 'notFound', reason: 'noModels', host: hostOf(this.baseUrl), provider: this.id });
    return models[0];
  }
}
