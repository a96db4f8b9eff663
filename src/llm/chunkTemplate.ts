import { StreamEvent } from './types';

type Json = Record<string, unknown>;

/**
 * What a stream decoder makes of one JSON object: events into `out`, fields into `state`. It may only assign
 * fields of `state`, never read them, so that its effect on any state is the same assignments.
 */
export type ChunkReader<S extends object> = (json: Json, state: S, out: StreamEvent[]) => void;

/**
 * A JSON string token, exactly as JSON defines it: no raw control characters, only the escapes \" \\ \/ \b \f
 * \n \r \t \uXXXX (so JSON.parse never rejects what this matches). The emitted hole captures its content when
 * it has no escapes (group 1), else the whole token for JSON.parse to decode (group 2).
 */
const IGNORED_STRING = String.raw`"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"`;
const EMITTED_STRING = String.raw`(?:"([^"\\\u0000-\u001f]*)"|("(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"))`;
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Holes: a string whose value the reader ignores, or the one it emits. */
const IGNORED = 0;
const EMITTED = 1;
type Hole = typeof IGNORED | typeof EMITTED;

/**
 * Learning costs two JSON.parse per string of the chunk, so it must pay: after a learned template that served
 * fewer than PAID_OFF chunks, the next learning waits twice as many chunks as the last did (up to MAX_GAP).
 */
const PAID_OFF = 64;
const MAX_GAP = 4096;
/** Templates are for the many small chunks of a token stream; a long one (a whole answer in one line) is not learned from. */
const MAX_LEARN_LENGTH = 4096;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** [start, end) of every string token of valid JSON `text` that is a value (not a key). */
function stringValues(text: string): [number, number][] {
  const found: [number, number][] = [];
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) !== 34) continue;
    let j = i + 1;
    for (let c = text.charCodeAt(j); c !== 34; c = text.charCodeAt(++j)) if (c === 92) j++;
    let k = j + 1;
    while (k < text.length && text.charCodeAt(k) <= 32) k++;
    if (text.charCodeAt(k) !== 58) found.push([i, j + 1]);
    i = j;
  }
  return found;
}

/**
 * The shape of a stream's JSON chunks, learned from one of them, so that the next ones need no JSON.parse.
 * A server sends thousands of chunks that differ only in a few strings, e.g.
 *   {"id":"c1","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"content":"·"}}]}
 * The template is that text cut at its string values into literal pieces and holes. Each hole was tried
 * with other strings through the decoder's own reader: a hole whose value never changes what the reader
 * makes of the object is `ignored` (an id, a fingerprint, OpenAI's per-chunk `obfuscation`); the one
 * hole whose value comes out as the chunk's only text or reasoning event is `emitted`; every other string
 * stays literal. A chunk matches when its text is the literal pieces in order with a valid JSON string
 * in each hole: then, JSON being context-free, it parses to the learned object with other strings in the
 * holes, and the reader would make of it exactly the learned state and one event with the emitted hole's
 * text (none for ""). Anything else — another shape, whitespace, a number that changed, an invalid string
 * — does not match and takes the decoder's JSON.parse path, errors included.
 */
export class ChunkTemplate<S extends object> {
  /** Chunks this template served. */
  hits = 0;

  private readonly keys: (keyof S)[];
  /**
   * The pieces and holes as one sticky regular expression (compiled once per template). The match runs as machine
   * code from the start, where a loop over the pieces in JavaScript ran interpreted, and was then recompiled,
   * through the first thousands of chunks of the first two streams: decoding a 20,000-chunk stream in a fresh
   * Node process took ≈ 75 ms then 35 ms instead of ≈ 115 then 80 ms (≈ 12 ms warm either way; medians of 8, loaded machine).
   */
  private readonly pattern: RegExp;
  /** The same as a whole SSE block: `data:`, the one optional space the SSE grammar drops, the chunk, a blank line. */
  private readonly block: RegExp;

  private constructor(
    private readonly pieces: string[],
    private readonly holes: Hole[],
    /** The event type of the emitted hole. */
    readonly kind: 'text' | 'reasoning',
    /** What the reader assigns to the state for every matching chunk. */
    readonly assigns: Partial<S>,
  ) {
    this.keys = Object.keys(assigns) as (keyof S)[];
    let source = escapeRegExp(pieces[0]);
    for (let h = 0; h < holes.length; h++) source += (holes[h] === EMITTED ? EMITTED_STRING : IGNORED_STRING) + escapeRegExp(pieces[h + 1]);
    this.pattern = new RegExp(source, 'y');
    // A chunk that starts with a space needs the dropped one before it; otherwise the space is optional.
    this.block = new RegExp(`${pieces[0].startsWith(' ') ? 'data: ' : 'data: ?'}${source}\n\n`, 'y');
  }

  /** Makes the reader's assignments for a matching chunk. */
  applyTo(state: S): void {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) state[keys[i]] = this.assigns[keys[i]] as S[keyof S];
  }

  /**
   * The template of `data`, a chunk the reader made exactly one text or reasoning event of (and no other);
   * undefined when it has no such shape. Costs two JSON.parse per string in the chunk: learn rarely.
   */
  static learn<S extends object>(data: string, read: ChunkReader<S>): ChunkTemplate<S> | undefined {
    const run = (text: string): { out: StreamEvent[]; state: S } | undefined => {
      try {
        const json: unknown = JSON.parse(text);
        if (!isObject(json)) return undefined;
        const state = {} as S;
        const out: StreamEvent[] = [];
        read(json, state, out);
        return { out, state };
      } catch {
        return undefined;
      }
    };
    const base = run(data);
    const only = base?.out.length === 1 ? base.out[0] : undefined;
    if (!base || !only || (only.type !== 'text' && only.type !== 'reasoning')) return undefined;
    const kind = only.type;
    const signature = (result: { out: StreamEvent[]; state: S } | undefined): string => JSON.stringify(result ?? null);
    const same = signature(base);
    const withText = (text: string): string => signature({ out: text ? [{ type: kind, text }] : [], state: base.state });
    const pieces: string[] = [];
    const holes: Hole[] = [];
    let emitted = false;
    let last = 0;
    for (const [start, end] of stringValues(data)) {
      const value = JSON.parse(data.slice(start, end)) as string;
      const other = `${value}\u0001`;
      const as = (replacement: string): string => signature(run(data.slice(0, start) + JSON.stringify(replacement) + data.slice(end)));
      const empty = as('');
      const changed = as(other);
      let hole: Hole | undefined;
      if (empty === same && changed === same) hole = IGNORED;
      else if (!emitted && empty === withText('') && changed === withText(other) && same === withText(value)) hole = EMITTED;
      if (hole === undefined) continue;
      if (hole === EMITTED) emitted = true;
      pieces.push(data.slice(last, start));
      holes.push(hole);
      last = end;
    }
    if (!emitted) return undefined;
    pieces.push(data.slice(last));
    const assigns: Partial<S> = {};
    for (const [key, value] of Object.entries(base.state)) if (value !== undefined) (assigns as Json)[key] = value;
    return new ChunkTemplate(pieces, holes, kind, assigns);
  }

  /** The emitted hole's text if data[from, to) matches ('' for an empty string), else undefined. */
  match(data: string, from = 0, to = data.length): string | undefined {
    const pattern = this.pattern;
    pattern.lastIndex = from;
    const found = pattern.exec(data);
    if (found === null || pattern.lastIndex !== to) return undefined;
    const plain = found[1];
    // Escapes (\n, \", \u00e9, surrogate pairs…) are JSON's to decode; the pattern let through only valid ones.
    return plain !== undefined ? plain : (JSON.parse(found[2]) as string);
  }

  /**
   * The emitted hole's text if an SSE block `data: <chunk>\n\n` that this template matches starts at data[at]
   * (then `blockEnd` is where the block ends), else undefined.
   */
  matchBlock(data: string, at: number): string | undefined {
    const block = this.block;
    block.lastIndex = at;
    const found = block.exec(data);
    if (found === null) return undefined;
    this.blockEnd = block.lastIndex;
    const plain = found[1];
    return plain !== undefined ? plain : (JSON.parse(found[2]) as string);
  }

  /** Where the block matchBlock() matched last ends. */
  blockEnd = 0;
}

/**
 * A stream decoder's templates: the one that served last and the last learned (a chunk of another shape now
 * and then must not evict the template that serves the rest). Call match() for every chunk, and learn() for a
 * chunk that did not match and that the reader made exactly one text or reasoning event of.
 */
export class ChunkTemplates<S extends object> {
  /** The template that served the last match. */
  last: ChunkTemplate<S> | undefined;
  private serving: ChunkTemplate<S> | undefined;
  private other: ChunkTemplate<S> | undefined;
  private lastLearned: ChunkTemplate<S> | undefined;
  private chunks = 0;
  private learnAt = 0;
  private gap = 1;
  /** The template whose assignments the state holds (undefined once the reader has written to it). */
  private applied: ChunkTemplate<S> | undefined;

  constructor(private readonly read: ChunkReader<S>) {}

  /** The text of a chunk (data[from, to)) one of the templates matches ('' for none), else undefined. */
  match(data: string, from = 0, to = data.length): string | undefined {
    this.chunks++;
    let template = this.serving;
    let text = template?.match(data, from, to);
    if (text === undefined && this.other) {
      text = this.other.match(data, from, to);
      if (text === undefined) return undefined;
      template = this.other;
      this.other = this.serving;
      this.serving = template;
    }
    if (text === undefined || !template) return undefined;
    template.hits++;
    this.last = template;
    return text;
  }

  /**
   * The text of an SSE block starting at data[at] that the serving template matches whole (see
   * ChunkTemplate.matchBlock; `last.blockEnd` is where it ends), else undefined: then try match() on its data.
   */
  matchBlock(data: string, at: number): string | undefined {
    const template = this.serving;
    const text = template?.matchBlock(data, at);
    if (text === undefined || !template) return undefined;
    this.chunks++;
    template.hits++;
    this.last = template;
    return text;
  }

  /**
   * Makes the assignments of the template that matched last, unless the state holds them already (that template
   * was applied last and nothing has written to the state since): a stream's thousands of matching chunks then
   * assign once, instead of once each, which ran interpreted through the first thousands of a process.
   */
  applyLast(state: S): void {
    const template = this.last;
    if (!template || template === this.applied) return;
    template.applyTo(state);
    this.applied = template;
  }

  /** The reader is about to write to the state (a chunk that takes the JSON.parse path): the next applyLast() assigns again. */
  stateWritten(): void {
    this.applied = undefined;
  }

  learn(data: string): void {
    if (this.chunks < this.learnAt || data.length > MAX_LEARN_LENGTH) return;
    this.gap = !this.lastLearned || this.lastLearned.hits >= PAID_OFF ? 1 : Math.min(this.gap * 2, MAX_GAP);
    this.learnAt = this.chunks + this.gap;
    const learned = ChunkTemplate.learn(data, this.read);
    if (!learned) return;
    this.lastLearned = learned;
    if (this.serving) this.other = learned;
    else this.serving = learned;
  }
}
