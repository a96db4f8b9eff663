/**
 * Streaming markdown for model output, linear in the length of the text: every character is looked at a
 * constant number of times however the text is cut into deltas.
 *
 * - Complete lines are classified once (paragraph, heading, list item, quote, code fence, rule) and their
 *   inline markup parsed once; they become `block`/`line`/`cont`/`code` ops that only ever append.
 * - The trailing partial line is previewed as it grows (`pending` + `ptext`/`popen`/`pclose` ops), with
 *   optimistic inline styles; when its newline arrives the preview is dropped (`pdone`) and the line is
 *   emitted in its final form.
 *
 * Pure (no DOM): markdownView.ts turns the ops into nodes with textContent only. The subset is small on
 * purpose: no HTML (it stays text), no tables, no images, links only to http(s).
 */

export type Inline =
  | { t: 'text'; v: string }
  | { t: 'code'; v: string }
  | { t: 'strong'; c: Inline[] }
  | { t: 'em'; c: Inline[] }
  | { t: 'link'; href: string; c: Inline[] };

export type BlockKind = 'p' | 'h' | 'ul' | 'ol' | 'quote' | 'code' | 'hr';
export type PendingKind = 'p' | 'h' | 'item' | 'quote' | 'line' | 'cont' | 'code';
export type InlineStyle = 'strong' | 'em' | 'code';

export type MdOp =
  /** A new block at the end. */
  | { op: 'block'; id: number; kind: BlockKind; level?: number; lang?: string; start?: number }
  /** p/quote: one more line (after a line break unless first); h: its text; ul/ol: a new item. */
  | { op: 'line'; id: number; inlines: Inline[] }
  /** ul/ol: a continuation line of the last item. */
  | { op: 'cont'; id: number; inlines: Inline[] }
  /** code: one more line of code. */
  | { op: 'code'; id: number; text: string }
  /**
   * Preview of the partial last line. `into`: the block it continues (p/quote: `line`; a list: `cont` or
   * `item`; code: `code`); without it, a new block of `kind`.
   */
  | { op: 'pending'; kind: PendingKind; into?: number; level?: number; ordered?: boolean }
  | { op: 'ptext'; text: string }
  | { op: 'popen'; style: InlineStyle }
  | { op: 'pclose' }
  /** The partial line is complete: remove its preview (its final form follows). */
  | { op: 'pdone' };

interface OpenBlock {
  id: number;
  kind: BlockKind;
  /** code: the fence (e.g. "```") that closes it. */
  fence?: string;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+|$)/;
const ITEM = /^[ \t]{0,8}([-*+]|\d{1,9}[.)])[ \t]+/;
const QUOTE = /^ {0,3}> ?/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
/** What a line can still turn into a block marker from (so its preview waits). */
const MARKER_START = /^[ \t]*(?:#{1,6}|[-*+]|\d{1,9}[.)]?|>|`{1,2}|~{1,2})?$/;
const FENCE_START = /^ {0,3}(?:`{1,}|~{1,})$/;
const ESCAPABLE = /[\\`*_[\]()#+\-.!>~|{}]/;
const INLINE_SPECIAL = /[\\`*]/g;
const CODE_SPECIAL = /`/g;
const INLINE_NEXT = /[\\`*[]/g;

/** Only web links survive; anything else (javascript:, data:, file:, command:) is shown as plain text. */
export function safeHref(url: string): string | undefined {
  const trimmed = url.trim().replace(/^<|>$/g, '');
  return /^https?:\/\/[^\s"'<>]+$/i.test(trimmed) ? trimmed : undefined;
}

function pushText(out: Inline[], text: string): void {
  if (!text) return;
  const last = out[out.length - 1];
  if (last?.t === 'text') last.v += text;
  else out.push({ t: 'text', v: text });
}

/**
 * For each position p, the longest stretch of backticks starting at or after p. Searching for a closing run
 * with indexOf from every opener was O(n^1.5) on a line of runs of falling lengths; with this table a search
 * that cannot succeed is never started.
 */
function longestTicksFrom(s: string): Int32Array {
  const best = new Int32Array(s.length + 1);
  let stretch = 0;
  for (let p = s.length - 1; p >= 0; p--) {
    stretch = s.charCodeAt(p) === 96 ? stretch + 1 : 0;
    best[p] = Math.max(stretch, best[p + 1]);
  }
  return best;
}

/** Where `n` backticks in a row first start at or after `from` (as indexOf would say), visiting each character once. */
function findTicks(s: string, from: number, n: number): number {
  let j = from;
  for (;;) {
    j = s.indexOf('`', j);
    if (j < 0) return -1;
    let end = j;
    while (s.charCodeAt(end) === 96) end++;
    if (end - j >= n) return j;
    j = end;
  }
}

/** Inline markup of one complete line: `code`, **strong**, *em*, [label](https://…), backslash escapes. */
export function parseInline(s: string): Inline[] {
  const out: Inline[] = [];
  let text = '';
  // Markers with no later occurrence: never searched for again (keeps unmatched markers linear).
  let noStrong = false;
  let noEm = false;
  let noLink = false;
  let ticksFrom: Int32Array | undefined;
  const flush = (): void => {
    pushText(out, text);
    text = '';
  };
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length && ESCAPABLE.test(s[i + 1])) {
      text += s[i + 1];
      i += 2;
      continue;
    }
    if (c === '`') {
      let n = 1;
      while (s[i + n] === '`') n++;
      const fence = '`'.repeat(n);
      ticksFrom ??= longestTicksFrom(s);
      // Known to fail in O(1); a search that succeeds only walks over what becomes the code span.
      const close = ticksFrom[i + n] >= n ? findTicks(s, i + n, n) : -1;
      if (close >= 0) {
        flush();
        const v = s.slice(i + n, close);
        out.push({ t: 'code', v: v.length > 2 && v.startsWith(' ') && v.endsWith(' ') ? v.slice(1, -1) : v });
        i = close + n;
      } else {
        text += fence;
        i += n;
      }
      continue;
    }
    if (c === '*' && s[i + 1] === '*') {
      if (!noStrong && s[i + 2] !== undefined && s[i + 2] !== ' ') {
        const close = s.indexOf('**', i + 3);
        if (close < 0) noStrong = true;
        else if (s[close - 1] !== ' ') {
          flush();
          out.push({ t: 'strong', c: parseInline(s.slice(i + 2, close)) });
          i = close + 2;
          continue;
        }
      }
      text += '**';
      i += 2;
      continue;
    }
    if (c === '*') {
      if (!noEm && s[i + 1] !== undefined && s[i + 1] !== ' ') {
        let close = s.indexOf('*', i + 2);
        while (close >= 0 && s[close + 1] === '*') close = s.indexOf('*', close + 2);
        if (close < 0) noEm = true;
        else if (s[close - 1] !== ' ') {
          flush();
          out.push({ t: 'em', c: parseInline(s.slice(i + 1, close)) });
          i = close + 1;
          continue;
        }
      }
      text += '*';
      i++;
      continue;
    }
    if (c === '[' && !noLink) {
      const mid = s.indexOf('](', i + 1);
      const end = mid >= 0 ? s.indexOf(')', mid + 2) : -1;
      if (mid < 0 || end < 0) noLink = true;
      else {
        flush();
        const label = parseInline(s.slice(i + 1, mid));
        const href = safeHref(s.slice(mid + 2, end));
        if (href) out.push({ t: 'link', href, c: label });
        else for (const part of label) out.push(part);
        i = end + 1;
        continue;
      }
    }
    // Plain text up to the next character that can start markup, in one slice.
    INLINE_NEXT.lastIndex = i + 1;
    const next = INLINE_NEXT.exec(s)?.index ?? s.length;
    text += s.slice(i, next);
    i = next;
  }
  flush();
  return out;
}

/** Plain text of inlines (for tests and accessible labels). */
export function inlineText(inlines: readonly Inline[]): string {
  return inlines.map((n) => (n.t === 'text' || n.t === 'code' ? n.v : inlineText(n.c))).join('');
}

export class IncrementalMarkdown {
  private ops: MdOp[] = [];
  /** With a sink, ops go straight to it (no arrays per delta); otherwise they wait for take(). */
  constructor(private readonly sink?: (op: MdOp) => void) {}

  /** The partial line in pieces (joined once, when it completes: indexing a growing string would flatten it each time). */
  private lineParts: string[] = [];
  private lineLength = 0;
  private nextId = 1;
  private open: OpenBlock | undefined;
  private blankBefore = false;
  private finished = false;
  // The preview of the partial line.
  private pStarted = false;
  private pKind: PendingKind | undefined;
  /** Characters of the partial line the preview has not consumed yet (the whole line until it starts). */
  private held = '';
  private prevChar = '';
  private pStack: InlineStyle[] = [];

  /** Appends a delta of model output. */
  push(delta: string): void {
    if (this.finished || !delta) return;
    if (this.pStarted && delta.indexOf('\n') < 0) {
      this.lineParts.push(delta);
      this.lineLength += delta.length;
      this.held += delta;
      this.preview();
      return;
    }
    let start = 0;
    for (;;) {
      const nl = delta.indexOf('\n', start);
      const piece = nl < 0 ? delta.slice(start) : delta.slice(start, nl);
      if (piece) {
        this.lineParts.push(piece);
        this.lineLength += piece.length;
        this.held += piece;
      }
      if (nl < 0) break;
      this.completeLine();
      start = nl + 1;
    }
    if (this.lineLength) this.preview();
  }

  /**
   * The common case in one step: a delta inside a previewed line with no newline and no markup. Returns
   * true when it took the delta, which the caller then appends to the preview text itself (no op).
   */
  appendPlain(delta: string): boolean {
    if (!this.pStarted || this.held !== '' || this.finished) return false;
    if (delta.indexOf('\n') >= 0 || delta.indexOf('`') >= 0) return false;
    if (this.pKind !== 'code' && (delta.indexOf('*') >= 0 || delta.indexOf('\\') >= 0)) return false;
    this.lineParts.push(delta);
    this.lineLength += delta.length;
    this.prevChar = delta[delta.length - 1];
    return true;
  }

  /** The stream ended: the last line is complete. */
  finish(): void {
    if (this.finished) return;
    if (this.lineLength || this.pStarted) this.completeLine();
    this.finished = true;
  }

  /** The ops since the last call. */
  take(): MdOp[] {
    const ops = this.ops;
    this.ops = [];
    return ops;
  }

  private emit(op: MdOp): void {
    if (this.sink) this.sink(op);
    else this.ops.push(op);
  }

  private newBlock(kind: BlockKind, extra: { level?: number; lang?: string; start?: number; fence?: string } = {}): OpenBlock {
    const id = this.nextId++;
    const op: MdOp = { op: 'block', id, kind };
    if (extra.level !== undefined) op.level = extra.level;
    if (extra.lang) op.lang = extra.lang;
    if (extra.start !== undefined && extra.start !== 1) op.start = extra.start;
    this.emit(op);
    const block: OpenBlock = { id, kind };
    if (extra.fence) block.fence = extra.fence;
    this.open = kind === 'h' || kind === 'hr' ? undefined : block;
    return block;
  }

  // ---- complete lines ----

  private completeLine(): void {
    const line = this.lineParts.join('');
    const raw = line.endsWith('\r') ? line.slice(0, -1) : line;
    this.lineParts = [];
    this.lineLength = 0;
    this.held = '';
    this.prevChar = '';
    if (this.pStarted) this.emit({ op: 'pdone' });
    this.pStarted = false;
    this.pKind = undefined;
    this.pStack = [];
    this.classify(raw);
  }

  private classify(raw: string): void {
    const open = this.open;
    if (open?.kind === 'code') {
      const trimmed = raw.trim();
      if (open.fence && trimmed.length >= open.fence.length && trimmed === open.fence[0].repeat(trimmed.length) && /^ {0,3}\S/.test(raw)) {
        this.open = undefined;
      } else this.emit({ op: 'code', id: open.id, text: raw });
      return;
    }
    if (raw.trim() === '') {
      this.blankBefore = true;
      if (open && open.kind !== 'ul' && open.kind !== 'ol') this.open = undefined;
      return;
    }
    const blank = this.blankBefore;
    this.blankBefore = false;
    const fence = FENCE.exec(raw);
    if (fence) {
      this.newBlock('code', { lang: fence[2].replace(/[^\w+#.-]/g, '').slice(0, 30), fence: fence[1] });
      return;
    }
    if (RULE.test(raw)) {
      this.newBlock('hr');
      return;
    }
    const heading = HEADING.exec(raw);
    if (heading) {
      const block = this.newBlock('h', { level: heading[1].length });
      this.emit({ op: 'line', id: block.id, inlines: parseInline(raw.slice(heading[0].length).replace(/[ \t]+#+[ \t]*$/, '').trim()) });
      return;
    }
    const item = ITEM.exec(raw);
    if (item) {
      const ordered = /\d/.test(item[1]);
      const kind: BlockKind = ordered ? 'ol' : 'ul';
      const block = open?.kind === kind ? open : this.newBlock(kind, ordered ? { start: Number.parseInt(item[1], 10) } : {});
      this.emit({ op: 'line', id: block.id, inlines: parseInline(raw.slice(item[0].length)) });
      return;
    }
    const quote = QUOTE.exec(raw);
    if (quote) {
      const block = open?.kind === 'quote' && !blank ? open : this.newBlock('quote');
      this.emit({ op: 'line', id: block.id, inlines: parseInline(raw.slice(quote[0].length)) });
      return;
    }
    const inlines = parseInline(raw.trim());
    if (open && !blank && (open.kind === 'p' || open.kind === 'quote')) this.emit({ op: 'line', id: open.id, inlines });
    else if (open && (open.kind === 'ul' || open.kind === 'ol') && (!blank || /^[ \t]{2,}/.test(raw))) this.emit({ op: 'cont', id: open.id, inlines });
    else {
      const block = this.newBlock('p');
      this.emit({ op: 'line', id: block.id, inlines });
    }
  }

  // ---- the partial line ----

  private preview(): void {
    if (!this.pStarted) {
      const consumed = this.startPreview(this.held);
      if (consumed === undefined) return;
      this.held = this.held.slice(consumed);
    }
    if (this.pKind === 'code') {
      if (this.held) this.emit({ op: 'ptext', text: this.held });
      this.held = '';
      return;
    }
    this.streamInline();
  }

  /**
   * Decides what the partial line is once its start says so and returns how many characters its marker
   * takes; undefined while it could still become a marker (a long undecided line is previewed anyway).
   */
  private startPreview(line: string): number | undefined {
    const open = this.open;
    const decided = line.length > 64;
    if (open?.kind === 'code') {
      if (!decided && (FENCE_START.test(line) || (open.fence && line.trimStart().startsWith(open.fence[0].repeat(3))))) return undefined;
      this.beginPending({ op: 'pending', kind: 'code', into: open.id }, 'code');
      return 0;
    }
    if (!decided && (FENCE.test(line) || MARKER_START.test(line))) return undefined;
    const heading = HEADING.exec(line);
    if (heading) {
      if (heading[0].length === line.length) return undefined;
      this.beginPending({ op: 'pending', kind: 'h', level: heading[1].length }, 'h');
      return heading[0].length;
    }
    const item = ITEM.exec(line);
    if (item) {
      if (item[0].length === line.length) return undefined;
      const ordered = /\d/.test(item[1]);
      const into = open?.kind === (ordered ? 'ol' : 'ul') ? open.id : undefined;
      this.beginPending(into !== undefined ? { op: 'pending', kind: 'item', into, ordered } : { op: 'pending', kind: 'item', ordered }, 'item');
      return item[0].length;
    }
    const quote = QUOTE.exec(line);
    if (quote) {
      if (quote[0].length === line.length) return undefined;
      const into = open?.kind === 'quote' && !this.blankBefore ? open.id : undefined;
      this.beginPending(into !== undefined ? { op: 'pending', kind: 'line', into } : { op: 'pending', kind: 'quote' }, 'quote');
      return quote[0].length;
    }
    const start = line.length - line.trimStart().length;
    if (open && !this.blankBefore && (open.kind === 'p' || open.kind === 'quote')) this.beginPending({ op: 'pending', kind: 'line', into: open.id }, 'line');
    else if (open && (open.kind === 'ul' || open.kind === 'ol') && (!this.blankBefore || start >= 2)) this.beginPending({ op: 'pending', kind: 'cont', into: open.id }, 'cont');
    else this.beginPending({ op: 'pending', kind: 'p' }, 'p');
    return start;
  }

  private beginPending(op: MdOp, kind: PendingKind): void {
    this.emit(op);
    this.pStarted = true;
    this.pKind = kind;
    this.pStack = [];
    this.prevChar = '';
  }

  /** Optimistic inline styles over the new characters: a marker opens a style at once; the final parse of the line decides. */
  private streamInline(): void {
    const input = this.held;
    const top0 = this.pStack[this.pStack.length - 1];
    // Fast path: most deltas are a word with no markup at all.
    if (input.indexOf('`') < 0 && (top0 === 'code' || (input.indexOf('*') < 0 && input.indexOf('\\') < 0))) {
      this.emit({ op: 'ptext', text: input });
      this.prevChar = input[input.length - 1];
      this.held = '';
      return;
    }
    let text = '';
    const stack = this.pStack;
    let prev = this.prevChar;
    let i = 0;
    while (i < input.length) {
      const top = stack[stack.length - 1];
      // Plain runs in one slice (most deltas are a word with no markup at all).
      const special = top === 'code' ? CODE_SPECIAL : INLINE_SPECIAL;
      special.lastIndex = i;
      const found = special.exec(input);
      const stop = found ? found.index : input.length;
      if (stop > i) {
        text += input.slice(i, stop);
        prev = input[stop - 1];
        i = stop;
        if (i >= input.length) break;
      }
      const c = input[i];
      if (top === 'code') {
        if (c === '`') {
          if (text) this.emit({ op: 'ptext', text });
          text = '';
          stack.pop();
          this.emit({ op: 'pclose' });
        } else text += c;
        prev = c;
        i++;
        continue;
      }
      if (c === '\\') {
        if (i + 1 >= input.length) break;
        text += ESCAPABLE.test(input[i + 1]) ? input[i + 1] : c + input[i + 1];
        prev = input[i + 1];
        i += 2;
        continue;
      }
      if (c === '`') {
        if (text) this.emit({ op: 'ptext', text });
        text = '';
        stack.push('code');
        this.emit({ op: 'popen', style: 'code' });
        prev = c;
        i++;
        continue;
      }
      if (c === '*') {
        const next = input[i + 1];
        if (next === undefined) break;
        if (next === '*') {
          if (top === 'strong') {
            if (text) this.emit({ op: 'ptext', text });
          text = '';
            stack.pop();
            this.emit({ op: 'pclose' });
            prev = '*';
            i += 2;
            continue;
          }
          const after = input[i + 2];
          if (after === undefined) break;
          if (after !== ' ' && !stack.includes('strong')) {
            if (text) this.emit({ op: 'ptext', text });
          text = '';
            stack.push('strong');
            this.emit({ op: 'popen', style: 'strong' });
          } else text += '**';
          prev = '*';
          i += 2;
          continue;
        }
        if (top === 'em' && prev !== ' ') {
          if (text) this.emit({ op: 'ptext', text });
          text = '';
          stack.pop();
          this.emit({ op: 'pclose' });
        } else if (next !== ' ' && !stack.includes('em')) {
          if (text) this.emit({ op: 'ptext', text });
          text = '';
          stack.push('em');
          this.emit({ op: 'popen', style: 'em' });
        } else text += '*';
        prev = '*';
        i++;
        continue;
      }
      text += c;
      prev = c;
      i++;
    }
    if (text) this.emit({ op: 'ptext', text });
    this.prevChar = prev;
    this.held = i < input.length ? input.slice(i) : '';
  }
}

/** Renders a whole text at once (history, reopened runs). */
export function markdownOps(text: string): MdOp[] {
  const md = new IncrementalMarkdown();
  md.push(text);
  md.finish();
  return md.take();
}
