import { t } from '../../core/l10n';
import { badResponse, createLlmError, ErrorContext, hostOf } from '../errors';
import { HttpClient, joinUrl } from '../http';
import { StreamStats, usageEvent } from '../streamStats';
import { ChatProvider, ChatRequest, StreamEvent } from '../types';
import { NdjsonChatDecoder } from './ndjsonChatDecoder';

export const OLLAMA_DEFAULT_URL = 'http://127.0.0.1:11434';

/** Ollama's root from whatever was configured: `http://host:11434/v1` and `/api` both → `http://host:11434`. */
export function ollamaRoot(baseUrl: string | undefined): string {
  const trimmed = (baseUrl ?? '').trim().replace(/\/+$/, '');
  return trimmed ? trimmed.replace(/\/(v1|api)$/, '') : OLLAMA_DEFAULT_URL;
}

export function ollamaChatBody(request: ChatRequest, model: string): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  if (request.temperature !== undefined) options.temperature = request.temperature;
  if (request.topP !== undefined) options.top_p = request.topP;
  if (request.maxTokens !== undefined) options.num_predict = request.maxTokens;
  if (request.stop?.length) options.stop = request.stop;
  if (request.seed !== undefined) options.seed = request.seed;
  const body: Record<string, unknown> = { model, messages: request.messages, stream: true, options };
  if (request.logprobs) {
    body.logprobs = true;
    if (request.topLogprobs !== undefined) body.top_logprobs = request.topLogprobs;
  }
  return body;
}

/** Ollama's native API: /api/tags and the NDJSON /api/chat stream (clear "model not pulled" errors, `thinking`). */
export class OllamaProvider implements ChatProvider {
  readonly id = 'ollama' as const;
  readonly label: string;
  readonly shortLabel = 'Ollama';
  readonly baseUrl: string;
  readonly defaultModel?: string;

  constructor(baseUrl: string | undefined, private readonly http: HttpClient, options: { label?: string; defaultModel?: string } = {}) {
    this.baseUrl = ollamaRoot(baseUrl);
    this.label = options.label ?? `Ollama (${hostOf(this.baseUrl) ?? this.baseUrl})`;
    this.defaultModel = options.defaultModel || undefined;
  }

  async listModels(signal: AbortSignal): Promise<string[]> {
    const json = (await this.http.getJson({ url: joinUrl(this.baseUrl, 'api/tags'), signal, ctx: { provider: this.id } })) as { models?: unknown } | null;
    if (!json || !Array.isArray(json.models)) throw badResponse(t('a model list without a “models” array'), { url: this.baseUrl });
    return json.models
      .map((m: unknown) => (m as { name?: unknown; model?: unknown })?.name ?? (m as { model?: unknown })?.model)
      .filter((name: unknown): name is string => typeof name === 'string' && name.length > 0);
  }

  async *chat(request: ChatRequest, signal: AbortSignal): AsyncGenerator<StreamEvent, void, undefined> {
    const stats = new StreamStats();
    const model = request.model || this.defaultModel || (await this.firstModel(signal));
    const url = joinUrl(this.baseUrl, 'api/chat');
    const ctx: ErrorContext = { url, model, provider: this.id };
    const response = yield* this.http.send({ method: 'POST', url, body: ollamaChatBody(request, model), signal, accept: 'application/x-ndjson', ctx });
    const decoder = new NdjsonChatDecoder(ctx);
    // One event per kind of delta per network chunk, counted per token (as in the OpenAI-compatible provider).
    for await (const chunk of response.chunks({ dataKicks: false })) {
      const before = decoder.lines;
      const deltasBefore = decoder.deltas;
      const events = decoder.push(chunk);
      if (decoder.lines !== before) response.dataArrived();
      stats.delta(decoder.deltas - deltasBefore);
      for (const event of events) yield event;
      if (decoder.done) {
        response.endMarkerSeen();
        break;
      }
    }
    if (!decoder.done) {
      const deltasBefore = decoder.deltas;
      const last = decoder.end();
      stats.delta(decoder.deltas - deltasBefore);
      for (const event of last) yield event;
    }
    const { usage, finishReason } = decoder.state;
    if (usage) yield usageEvent(usage);
    yield stats.done(finishReason, decoder.state.model ?? model, usage);
  }

  private async firstModel(signal: AbortSignal): Promise<string> {
    const models = await this.listModels(signal);
    if (!models[0]) throw createLlmError({ kind: 'notFound', reason: 'noModels', host: hostOf(this.baseUrl), provider: this.id });
    return models[0];
  }
}
