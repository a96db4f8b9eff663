import { t } from '../../core/l10n';
import { badResponse, ErrorContext, errorFromStreamPayload } from '../errors';
import { num, Usage } from '../streamStats';
import { StreamEvent, TokenLogprob } from '../types';

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

/**
 * Ollama's native /api/chat stream: one JSON object per line; `message.content`, `message.thinking`
 * (reasoning), optional `logprobs`; the last line has `done: true`, `done_reason` and eval counts.
 * An `{"error": …}` line can arrive while the status stays 200.
 */
export class NdjsonChatDecoder {
  done = false;
  finishReason: string | undefined;
  model: string | undefined;
  usage: Usage | undefined;
  /** Complete non-blank lines read: what counts as data for the idle timeout (blank lines do not). */
  lines = 0;
  private readonly decoder = new TextDecoder('utf-8');
  /** The unfinished line, in pieces: only each new piece is searched for a newline, so a long line costs linear time. */
  private pending: string[] = [];

  constructor(private readonly ctx: ErrorContext) {}

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
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw badResponse(t('a line that is not valid JSON: {0}', line.length > 60 ? `${line.slice(0, 59)}…` : line), this.ctx);
    }
    if (!isObject(json)) throw badResponse(t('a line that is not a JSON object: {0}', line.slice(0, 60)), this.ctx);
    if (json.error !== undefined) throw errorFromStreamPayload(json, this.ctx);
    if (typeof json.model === 'string') this.model = json.model;
    const message = isObject(json.message) ? json.message : undefined;
    if (message) {
      if (typeof message.thinking === 'string' && message.thinking) out.push({ type: 'reasoning', text: message.thinking });
      if (typeof message.content === 'string' && message.content) out.push({ type: 'text', text: message.content });
    }
    const logprobs = mapOllamaLogprobs(json.logprobs);
    if (logprobs.length) out.push({ type: 'logprobs', tokens: logprobs });
    if (json.done === true) {
      this.done = true;
      this.finishReason = typeof json.done_reason === 'string' ? json.done_reason : 'stop';
      const prompt = num(json.prompt_eval_count);
      const completion = num(json.eval_count);
      if (prompt !== undefined || completion !== undefined) {
        this.usage = { promptTokens: prompt, completionTokens: completion, totalTokens: prompt !== undefined && completion !== undefined ? prompt + completion : undefined };
      }
    }
  }
}
