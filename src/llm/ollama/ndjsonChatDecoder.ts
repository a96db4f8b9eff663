import { t } from '../../core/l10n';
import { ChunkTemplates } from '../chunkTemplate';
import { badResponse, ErrorContext, errorFromStreamPayload } from '../errors';
import { num, Usage } from '../streamStats';
import { StreamEvent, TokenLogprob } from '../types';
import { Utf8StreamDecoder } from '../utf8StreamDecoder';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function mapOllamaLogprobs(value: unknown): TokenLogprob[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject).filter((e) => typeof e.token === 'string').map((e) => ({
    token: e.token as string,
    logprob: num(e.logprob) ?? Number.NEGATIVE_INFINITY,
    top: (Array.isArray(e.top_logprobs) ? e.top_logprobs : [])
      .filter(isObject)
      .filter((a) => typeof a.token === 'string')
      .map((a) => ({ token: a.token as string, logprob: num(a.logprob) ?? Number.NEGATIVE_INFINITY })),
  }));
}

/** State an Ollama chat stream accumulates besides its events. */
export interface OllamaStreamState {
  done?: boolean;
  finishReason?: string;
  model?: string;
  usage?: Usage;
}

/** One /api/chat line's object → events (throws the stream's error for an `{"error": …}` line). */
export function ollamaObjectEvents(json: Json, state: OllamaStreamState, out: StreamEvent[], ctx: ErrorContext): void {
  if (json.error !== undefined) throw errorFromStreamPayload(json, ctx);
  if (typeof json.model === 'string') state.model = json.model;
  const message = isObject(json.message) ? json.message : undefined;
  if (message) {
    if (typeof message.thinking === 'string' && message.thinking) out.push({ type: 'reasoning', text: message.thinking });
    if (typeof message.content === 'string' && message.content) out.push({ type: 'text', text: message.content });
  }
  const logprobs = mapOllamaLogprobs(json.logprobs);
  if (logprobs.length) out.push({ type: 'logprobs', tokens: logprobs });
  if (json.done === true) {
    state.done = true;
    state.finishReason = typeof json.done_reason === 'string' ? json.done_reason : 'stop';
    const prompt = num(json.prompt_eval_count);
    const completion = num(json.eval_count);
    if (prompt !== undefined || completion !== undefined) {
      state.usage = { promptTokens: prompt, completionTokens: completion, totalTokens: prompt !== undefined && completion !== undefined ? prompt + completion : undefined };
    }
  }
}

/**
 * Ollama's native /api/chat stream: one JSON object per line; `message.content`, `message.thinking`
 * (reasoning), optional `logprobs`; the last line has `done: true`, `done_reason` and eval counts.
 * An `{"error": …}` line can arrive while the status stays 200. Consecutive text (or reasoning) deltas of
 * one push() come as one event; lines shaped like one learned from the stream skip JSON.parse (ChunkTemplate).
 */
export class NdjsonChatDecoder {
  readonly state: OllamaStreamState = {};
  /** Complete non-blank lines read: what counts as data for the idle timeout (blank lines do not). */
  lines = 0;
  /** Text and reasoning deltas decoded (before coalescing): the token count when a server reports no usage. */
  deltas = 0;
  private readonly decoder = new Utf8StreamDecoder();
  /** The unfinished line, in pieces: only each new piece is searched for a newline, so a long line costs linear time. */
  private pending: string[] = [];
  private readonly scratch: StreamEvent[] = [];
  private readonly templates = new ChunkTemplates<OllamaStreamState>((json, state, out) => ollamaObjectEvents(json, state, out, this.ctx));

  constructor(private readonly ctx: ErrorContext) {}

  get done(): boolean {
    return this.state.done === true;
  }

  push(bytes: Uint8Array): StreamEvent[] {
    const text = this.decoder.decode(bytes, { stream: true });
    const out: StreamEvent[] = [];
    let newline = text.indexOf('\n');
    if (newline < 0) {
      if (text) this.pending.push(text);
      return out;
    }
    this.pending.push(text.slice(0, newline));
    let line = this.pending.join('');
    this.pending = [];
    let start = newline + 1;
    for (;;) {
      if (this.done) return out;
      this.line(line, out);
      newline = text.indexOf('\n', start);
      if (newline < 0) break;
      line = text.slice(start, newline);
      start = newline + 1;
    }
    if (start < text.length) this.pending.push(text.slice(start));
    return out;
  }

  end(): StreamEvent[] {
    const out: StreamEvent[] = [];
    this.pending.push(this.decoder.decode());
    const rest = this.pending.join('');
    this.pending = [];
    if (!this.done && rest.trim()) this.line(rest, out);
    if (!this.done) throw badResponse(t('the stream ended before the model finished (no line with “done”: true)'), this.ctx);
    return out;
  }

  private line(raw: string, out: StreamEvent[]): void {
    const line = raw.trim();
    if (!line) return;
    this.lines++;
    const text = this.templates.match(line);
    const template = this.templates.last;
    if (text !== undefined && template) {
      this.templates.applyLast(this.state);
      if (text) this.add(out, { type: template.kind, text });
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw badResponse(t('a line that is not valid JSON: {0}', line.length > 60 ? `${line.slice(0, 59)}…` : line), this.ctx);
    }
    if (!isObject(json)) throw badResponse(t('a line that is not a JSON object: {0}', line.slice(0, 60)), this.ctx);
    const scratch = this.scratch;
    scratch.length = 0;
    this.templates.stateWritten();
    ollamaObjectEvents(json, this.state, scratch, this.ctx);
    for (let i = 0; i < scratch.length; i++) this.add(out, scratch[i]);
    if (scratch.length === 1 && (scratch[0].type === 'text' || scratch[0].type === 'reasoning')) this.templates.learn(line);
    scratch.length = 0;
  }

  /** Consecutive text (or reasoning) deltas in `out` become one event; `out` is this push()'s own array. */
  private add(out: StreamEvent[], event: StreamEvent): void {
    if (event.type === 'text' || event.type === 'reasoning') {
      this.deltas++;
      const last = out.length ? out[out.length - 1] : undefined;
      if (last?.type === event.type) {
        last.text += event.text;
        return;
      }
    }
    out.push(event);
  }
}
