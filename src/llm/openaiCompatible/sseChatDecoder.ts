import { createParser, EventSourceParser, ParseError } from 'eventsource-parser';
import { t } from '../../core/l10n';
import { ChunkTemplates } from '../chunkTemplate';
import { badResponse, ErrorContext, errorFromStreamPayload } from '../errors';
import { num, Usage } from '../streamStats';
import { LlmError, StreamEvent, TokenLogprob } from '../types';
import { Utf8StreamDecoder } from '../utf8StreamDecoder';

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

/** A block without a blank line after this many characters goes to eventsource-parser as it comes (it buffers linearly). */
const MAX_PENDING = 256 * 1024;

/**
 * Bytes of an OpenAI-style SSE chat stream → events. The SSE grammar (CRLF/CR/LF, comments, `event:`
 * lines, multi-line data, BOM) is eventsource-parser's; UTF-8 characters split across chunks survive
 * the streaming decoder. Two fast paths for what servers nearly always send, each exact:
 * - a block that is one `data:` line and a blank line is read here; every other block goes to the parser whole,
 *   cut at its blank line ("\n\n" always ends a block, and the parser is back where it started after one), and
 *   a stream with a CR anywhere goes to the parser entirely;
 * - chunks shaped like one learned from the stream skip JSON.parse (ChunkTemplate).
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
  private readonly decoder = new Utf8StreamDecoder();
  private readonly parser: EventSourceParser;
  private readonly templates = new ChunkTemplates<ChatStreamState>((json, state, out) => chatObjectEvents(json, state, out, this.ctx));
  private out: StreamEvent[] = [];
  private readonly scratch: StreamEvent[] = [];
  private failure: LlmError | undefined;
  private ending = false;
  /** Text after the last blank line, not yet a complete block. */
  private pending = '';
  /** Everything goes to the parser (CR line endings, or a block longer than MAX_PENDING). */
  private direct = false;
  private fed = false;
  /** Deltas of one kind not yet joined into an event (coalesce). */
  private readonly parts: string[] = [];
  private partsKind: 'text' | 'reasoning' = 'text';

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
      onEvent: (message) => this.onData(message.data, message.event),
      onError: (error) => this.onParseError(error),
    });
    // The parser drops a mis-decoded BOM (ï»¿) at the start of the first text it is fed; feed() does that now.
    this.parser.feed('');
  }

  /** Feeds bytes; returns the events they completed. Throws LlmError on an error event or bad JSON. */
  push(bytes: Uint8Array): StreamEvent[] {
    if (!this.sawDone && !this.failure) this.feed(this.decoder.decode(bytes, { stream: true }));
    return this.take();
  }

  /** The body ended: the events still buffered (call finish() after delivering them). */
  end(): StreamEvent[] {
    if (!this.sawDone && !this.failure) {
      // Dispatch a last event that lacks its blank line (llama.cpp ends with `data: [DONE]\n`); a cut-off
      // JSON event there counts as a stream that ended early, not as bad JSON.
      this.ending = true;
      this.feed(`${this.decoder.decode()}\n\n`);
    }
    this.join();
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
    this.join();
    if (this.failure && !this.out.length) throw this.failure;
    const events = this.out;
    this.out = [];
    return events;
  }

  private feed(chunk: string): void {
    let text = chunk;
    if (!this.fed) {
      this.fed = true;
      if (text.charCodeAt(0) === 0xef && text.charCodeAt(1) === 0xbb && text.charCodeAt(2) === 0xbf) text = text.slice(3);
    }
    if (!this.direct && text.indexOf('\r') >= 0) this.direct = true;
    if (this.direct) {
      const input = this.pending + text;
      this.pending = '';
      this.parser.feed(input);
      return;
    }
    let from = 0;
    if (this.pending) {
      // `pending` holds no blank line: the first block ends at the first one in `text`, or at one across the two.
      // Only that block is joined with it (not the whole chunk, which would be copied).
      const across = this.pending.charCodeAt(this.pending.length - 1) === 10 && text.charCodeAt(0) === 10;
      const blank = across ? 0 : text.indexOf('\n\n');
      if (blank < 0) {
        this.keep(this.pending + text);
        return;
      }
      from = across ? 1 : blank + 2;
      const head = this.pending + text.slice(0, from);
      this.pending = '';
      this.blocks(head, 0);
    }
    const at = this.blocks(text, from);
    if (at < text.length && !this.sawDone && !this.failure) this.keep(at ? text.slice(at) : text);
  }

  /** Reads the complete blocks of input from `at` on; returns where the first incomplete one starts. */
  private blocks(input: string, from: number): number {
    const n = input.length;
    let at = from;
    const templates = this.templates;
    while (at < n && !this.sawDone && !this.failure) {
      // Nearly every block: one the serving template matches whole, read by one regular expression.
      const fast = templates.matchBlock(input, at);
      const template = templates.last;
      if (fast !== undefined && template) {
        this.messages++;
        this.templateMatched(template.kind, fast);
        at = template.blockEnd;
        continue;
      }
      if (input.charCodeAt(at) === 100 && input.charCodeAt(at + 1) === 97 && input.charCodeAt(at + 2) === 116 && input.charCodeAt(at + 3) === 97 && input.charCodeAt(at + 4) === 58) {
        // `data:`, one optional space (as the parser reads it), the value, "\n\n".
        const start = input.charCodeAt(at + 5) === 32 ? at + 6 : at + 5;
        const lf = input.indexOf('\n', start);
        if (lf < 0 || lf + 1 >= n) break;
        if (input.charCodeAt(lf + 1) === 10) {
          this.onDataAt(input, start, lf);
          at = lf + 2;
          continue;
        }
      }
      const blank = input.indexOf('\n\n', at);
      if (blank < 0) break;
      this.parser.feed(input.slice(at, blank + 2));
      at = blank + 2;
    }
    return at;
  }

  /** Text after the last blank line waits for the rest of its block. */
  private keep(rest: string): void {
    if (rest.length <= MAX_PENDING) {
      this.pending = rest;
      return;
    }
    this.direct = true;
    this.parser.feed(rest);
  }

  /** The value of a `data:` line read by the fast path: input[start, end). */
  private onDataAt(input: string, start: number, end: number): void {
    const text = this.templates.match(input, start, end);
    const template = this.templates.last;
    if (text === undefined || !template) {
      this.onData(input.slice(start, end), undefined, true);
      return;
    }
    // What a template matches is a JSON object: not empty, blank, [DONE] or an error event.
    this.messages++;
    this.templateMatched(template.kind, text);
  }

  /** An event the last template matched: its state assignments and its text (none for ""). */
  private templateMatched(kind: 'text' | 'reasoning', text: string): void {
    this.events++;
    this.templates.applyLast(this.state);
    if (text) this.delta(kind, text);
  }

  private onData(data: string, event: string | undefined, templatesTried = false): void {
    if (this.failure || this.sawDone) return;
    if (data) this.messages++;
    if (data === '[DONE]') {
      this.sawDone = true;
      return;
    }
    if (event === 'error') {
      this.failure = errorFromStreamPayload(this.tryJson(data) ?? data, this.ctx);
      return;
    }
    if (!data || (data.charCodeAt(0) <= 32 && !data.trim())) return;
    const templates = this.templates;
    const text = templatesTried ? undefined : templates.match(data);
    const template = templates.last;
    if (text !== undefined && template) {
      this.templateMatched(template.kind, text);
      return;
    }
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
    templates.stateWritten();
    try {
      chatObjectEvents(json, this.state, scratch, this.ctx);
    } catch (error) {
      this.failure = error as LlmError;
    }
    const learnable = !this.failure && scratch.length === 1 && (scratch[0].type === 'text' || scratch[0].type === 'reasoning');
    for (let i = 0; i < scratch.length; i++) this.add(scratch[i]);
    scratch.length = 0;
    if (learnable) this.templates.learn(data);
  }

  private add(event: StreamEvent): void {
    if (event.type === 'text' || event.type === 'reasoning') this.delta(event.type, event.text);
    else {
      this.join();
      this.out.push(event);
    }
  }

  private delta(kind: 'text' | 'reasoning', text: string): void {
    this.deltas++;
    if (!this.options.coalesce) {
      this.out.push({ type: kind, text });
      return;
    }
    if (kind !== this.partsKind) this.join();
    this.partsKind = kind;
    this.parts.push(text);
  }

  /** The deltas waiting in `parts` become one event (one join, not a string grown delta by delta). */
  private join(): void {
    const parts = this.parts;
    if (!parts.length) return;
    this.out.push({ type: this.partsKind, text: parts.length === 1 ? parts[0] : parts.join('') });
    parts.length = 0;
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
