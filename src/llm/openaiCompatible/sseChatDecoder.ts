import { createParser, EventSourceMessage, EventSourceParser, ParseError } from 'eventsource-parser';
import { t } from '../../core/l10n';
import { badResponse, ErrorContext, errorFromStreamPayload } from '../errors';
import { num, Usage } from '../streamStats';
import { LlmError, StreamEvent, TokenLogprob } from '../types';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function snippet(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? `${one.slice(0, 59)}…` : one;
}

/** OpenAI logprobs.content → TokenLogprob[] (unknown fields such as `bytes` ignored). */
export function mapLogprobs(content: unknown): TokenLogprob[] {
  if (!Array.isArray(content)) return [];
  const tokens: TokenLogprob[] = [];
  for (const item of content) {
    if (!isObject(item) || typeof item.token !== 'string') continue;
    const top = Array.isArray(item.top_logprobs) ? item.top_logprobs : [];
    tokens.push({
      token: item.token,
      logprob: num(item.logprob) ?? Number.NEGATIVE_INFINITY,
      top: top.filter(isObject).filter((a) => typeof a.token === 'string').map((a) => ({ token: a.token as string, logprob: num(a.logprob) ?? Number.NEGATIVE_INFINITY })),
    });
  }
  return tokens;
}

export function mapUsage(usage: unknown): Usage | undefined {
  if (!isObject(usage)) return undefined;
  return { promptTokens: num(usage.prompt_tokens), completionTokens: num(usage.completion_tokens), totalTokens: num(usage.total_tokens) };
}

/** State a chat stream accumulates besides its events. */
export interface ChatStreamState {
  finishReason?: string;
  model?: string;
  usage?: Usage;
}

/**
 * One chat.completion(.chunk) object → events. `part` is `delta` for chunks, `message` for a whole
 * completion. Reasoning arrives as `reasoning_content` (DeepSeek, llama.cpp) or `reasoning` (Ollama /v1,
 * vLLM). Only choice 0 is read.
 */
export function chatObjectEvents(json: Json, state: ChatStreamState, out: StreamEvent[], ctx: ErrorContext): void {
  if (json.error !== undefined && json.error !== null) throw errorFromStreamPayload(json, ctx);
  if (typeof json.model === 'string' && json.model) state.model = json.model;
  const usage = mapUsage(json.usage);
  if (usage) state.usage = usage;
  if (!Array.isArray(json.choices)) return;
  const choices = json.choices as unknown[];
  // Nearly always choices[0] is choice 0; look further only when it is not.
  const head = choices[0];
  const choice = isObject(head) && (head.index ?? 0) === 0 ? head : choices.find((c) => isObject(c) && (c.index ?? 0) === 0);
  if (!isObject(choice)) return;
  const part = isObject(choice.delta) ? choice.delta : isObject(choice.message) ? choice.message : undefined;
  if (part) {
    const reasoning = typeof part.reasoning_content === 'string' ? part.reasoning_content : typeof part.reasoning === 'string' ? part.reasoning : '';
    if (reasoning) out.push({ type: 'reasoning', text: reasoning });
    if (typeof part.content === 'string' && part.content) out.push({ type: 'text', text: part.content });
  }
  if (isObject(choice.logprobs)) {
    const tokens = mapLogprobs(choice.logprobs.content);
    if (tokens.length) out.push({ type: 'logprobs', tokens });
  }
  if (typeof choice.finish_reason === 'string' && choice.finish_reason) state.finishReason = choice.finish_reason;
}

/**
 * Bytes of an OpenAI-style SSE chat stream → events. The SSE grammar (CRLF/CR/LF, comments, `event:`
 * lines, multi-line data, BOM) is eventsource-parser's; UTF-8 characters split across chunks survive
 * the streaming TextDecoder.
 */
export class SseChatDecoder {
  readonly state: ChatStreamState = {};
  sawDone = false;
  /** Events with data (excluding [DONE]). */
  events = 0;
  /** Every complete event with data, [DONE] and error events included (comments are not events): what counts as data for the idle timeout. */
  messages = 0;
  /** Text and reasoning deltas decoded (before coalescing): the token count when a server reports no usage. */
  deltas = 0;
  private readonly decoder = new TextDecoder('utf-8');
  private readonly parser: EventSourceParser;
  private out: StreamEvent[] = [];
  private readonly scratch: StreamEvent[] = [];
  private failure: LlmError | undefined;
  private ending = false;

  /**
   * coalesce: consecutive text (or reasoning) deltas completed by the same push() become one event. A network
   * chunk carries dozens of one-token events; handing them on one by one costs an async-iterator step, a
   * promise and a listener call each (20,000 of them for a long answer) for nothing a reader could see.
   */
  constructor(
    private readonly ctx: ErrorContext,
    private readonly options: { coalesce?: boolean } = {},
  ) {
    this.parser = createParser({
      onEvent: (message) => this.onMessage(message),
      onError: (error) => this.onParseError(error),
    });
  }

  /** Feeds bytes; returns the events they completed. Throws LlmError on an error event or bad JSON. */
  push(bytes: Uint8Array): StreamEvent[] {
    if (!this.sawDone && !this.failure) this.parser.feed(this.decoder.decode(bytes, { stream: true }));
    return this.take();
  }

  /** The body ended: the events still buffered (call finish() after delivering them). */
  end(): StreamEvent[] {
    if (!this.sawDone && !this.failure) {
      // Dispatch a last event that lacks its blank line (llama.cpp ends with `data: [DONE]\n`); a cut-off
      // JSON event there counts as a stream that ended early, not as bad JSON.
      this.ending = true;
      this.parser.feed(`${this.decoder.decode()}\n\n`);
    }
    const events = this.out;
    this.out = [];
    return events;
  }

  /** Throws the stream's error, or badResponse if it stopped before the model finished. */
  finish(contentType = 'text/event-stream'): void {
    if (this.failure) throw this.failure;
    if (this.sawDone || this.state.finishReason !== undefined) return;
    if (this.events === 0 && !/event-stream/i.test(contentType)) {
      throw badResponse(t('a “{0}” body instead of an event stream', contentType || t('untyped')), this.ctx);
    }
    throw badResponse(t('the stream ended before the model finished (no finish_reason and no [DONE])'), this.ctx);
  }

  /** Events that came before a failure are delivered first; the failure is thrown on the next call. */
  private take(): StreamEvent[] {
    if (this.failure && !this.out.length) throw this.failure;
    const events = this.out;
    this.out = [];
    return events;
  }

  private onMessage(message: EventSourceMessage): void {
    if (this.failure || this.sawDone) return;
    const data = message.data;
    if (data) this.messages++;
    if (data === '[DONE]') {
      this.sawDone = true;
      return;
    }
    if (message.event === 'error') {
      this.failure = errorFromStreamPayload(this.tryJson(data) ?? data, this.ctx);
      return;
    }
    if (!data || (data.charCodeAt(0) <= 32 && !data.trim())) return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      if (!this.ending) this.failure = badResponse(t('an event that is not valid JSON: {0}', snippet(data)), this.ctx);
      return;
    }
    this.events++;
    if (!isObject(json)) {
      this.failure = badResponse(t('an event that is not a JSON object: {0}', snippet(data)), this.ctx);
      return;
    }
    const scratch = this.scratch;
    try {
      chatObjectEvents(json, this.state, scratch, this.ctx);
    } catch (error) {
      this.failure = error as LlmError;
    }
    for (let i = 0; i < scratch.length; i++) this.add(scratch[i]);
    scratch.length = 0;
  }

  private add(event: StreamEvent): void {
    if (event.type === 'text' || event.type === 'reasoning') {
      this.deltas++;
      const last = this.out.length ? this.out[this.out.length - 1] : undefined;
      // `last` is still ours: take() hands the array over and starts a new one.
      if (this.options.coalesce && last?.type === event.type) {
        last.text += event.text;
        return;
      }
    }
    this.out.push(event);
  }

  /** Older llama.cpp builds send mid-stream errors as a bare `error: {…}` line. */
  private onParseError(error: ParseError): void {
    if (this.failure || this.sawDone) return;
    if (error.type === 'unknown-field' && error.field === 'error') {
      const value = error.value ?? '';
      this.failure = errorFromStreamPayload(this.tryJson(value) ?? value, this.ctx);
    }
  }

  private tryJson(text: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      return undefined;
    }
  }
}
