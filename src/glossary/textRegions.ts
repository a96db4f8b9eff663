/**
 * Where in a document glossary terms may be matched (docs/glossary.md):
 * - code: only comments and string literals (docstrings included), so identifiers never match;
 * - markdown: everything except YAML front matter, fenced code blocks, code spans and link destinations;
 * - prose and data languages (plaintext, LaTeX, YAML, …) and unknown languages: the whole text.
 * One linear pass per document; callers cache the result per document version and find the range
 * containing a position with `rangeAt` (binary search). Pure: no vscode.
 */

export interface TextRange {
  start: number;
  end: number;
}

interface StringRule {
  open: string;
  close: string;
  multiline: boolean;
  escape: boolean;
}

interface CodeSyntax {
  line: string[];
  block: [string, string][];
  strings: StringRule[];
  /** JavaScript-style regular expression literals (skipped, so a quote inside one does not open a string). */
  regex?: boolean;
}

const q = (open: string, multiline = false, escape = true, close = open): StringRule => ({ open, close, multiline, escape });

const C_STRINGS = [q('"'), q("'")];
const SYNTAX: Record<string, CodeSyntax> = {
  python: { line: ['#'], block: [], strings: [q('"""', true), q("'''", true), q('"'), q("'")] },
  javascript: { line: ['//'], block: [['/*', '*/']], strings: [q('"'), q("'"), q('`', true)], regex: true },
  c: { line: ['//'], block: [['/*', '*/']], strings: C_STRINGS },
  go: { line: ['//'], block: [['/*', '*/']], strings: [q('"'), q("'"), q('`', true, false)] },
  rust: { line: ['//'], block: [['/*', '*/']], strings: [q('"', true)] },
  csharp: { line: ['//'], block: [['/*', '*/']], strings: [q('@"', true, false, '"'), q('"'), q("'")] },
  css: { line: [], block: [['/*', '*/']], strings: C_STRINGS },
  scss: { line: ['//'], block: [['/*', '*/']], strings: C_STRINGS },
  json: { line: [], block: [], strings: [q('"')] },
  jsonc: { line: ['//'], block: [['/*', '*/']], strings: [q('"')] },
  hash: { line: ['#'], block: [], strings: C_STRINGS },
  powershell: { line: ['#'], block: [['<#', '#>']], strings: C_STRINGS },
  sql: { line: ['--'], block: [['/*', '*/']], strings: C_STRINGS },
  lua: { line: ['--'], block: [['--[[', ']]']], strings: [q('[[', true, false, ']]'), ...C_STRINGS] },
  haskell: { line: ['--'], block: [['{-', '-}']], strings: [q('"')] },
  html: { line: [], block: [], strings: [] },
};

const LANGUAGE_SYNTAX: Record<string, keyof typeof SYNTAX> = {
  python: 'python',
  javascript: 'javascript', typescript: 'javascript', javascriptreact: 'javascript', typescriptreact: 'javascript',
  vue: 'javascript', svelte: 'javascript',
  c: 'c', cpp: 'c', 'objective-c': 'c', 'objective-cpp': 'c', java: 'c', kotlin: 'c', scala: 'c', swift: 'c',
  dart: 'c', groovy: 'c', php: 'c', cuda: 'c', 'cuda-cpp': 'c', hlsl: 'c', glsl: 'c', proto: 'c', proto3: 'c',
  go: 'go', rust: 'rust', csharp: 'csharp', fsharp: 'c',
  css: 'css', scss: 'scss', less: 'scss',
  json: 'json', jsonc: 'jsonc', jsonl: 'json', json5: 'jsonc',
  shellscript: 'hash', ruby: 'hash', perl: 'hash', r: 'hash', julia: 'hash', makefile: 'hash', dockerfile: 'hash',
  coffeescript: 'hash', elixir: 'hash', nim: 'hash', cmake: 'hash', 'ignore': 'hash',
  powershell: 'powershell', sql: 'sql', lua: 'lua', haskell: 'haskell',
  html: 'html', xml: 'html', xsl: 'html', svg: 'html',
};

const MARKDOWN_LANGUAGES = new Set(['markdown', 'mdx', 'quarto', 'rmd', 'prompt']);

/** True when `languageId` is matched only inside comments and strings. */
export function isCodeLanguage(languageId: string): boolean {
  return languageId in LANGUAGE_SYNTAX;
}

/** The ranges of `text` in which glossary terms may be matched, sorted and disjoint. */
export function allowedRanges(languageId: string, text: string): TextRange[] {
  if (MARKDOWN_LANGUAGES.has(languageId)) return markdownRanges(text);
  const syntax = LANGUAGE_SYNTAX[languageId];
  if (!syntax) return text.length ? [{ start: 0, end: text.length }] : [];
  if (syntax === 'html') return htmlRanges(text);
  return codeRanges(text, SYNTAX[syntax]);
}

/** The range containing `offset` (binary search over sorted, disjoint ranges). */
export function rangeAt(ranges: readonly TextRange[], offset: number): TextRange | undefined {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid];
    if (offset < r.start) hi = mid - 1;
    else if (offset >= r.end) lo = mid + 1;
    else return r;
  }
  return undefined;
}

function push(ranges: TextRange[], start: number, end: number): void {
  if (end <= start) return;
  const last = ranges[ranges.length - 1];
  if (last && last.end === start) last.end = end;
  else ranges.push({ start, end });
}

function lineEnd(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  return nl < 0 ? text.length : nl;
}

const REGEX_PRECEDERS = new Set('(,=:[!&|?{};+-*%<>~^'.split(''));
const REGEX_KEYWORDS = /(?:^|[^\w$])(?:return|typeof|case|do|else|in|of|new|delete|void|throw|yield|await)$/;

/** A `/` that starts a regular expression literal rather than a division (the usual heuristic). */
function startsRegex(text: string, i: number): boolean {
  let k = i - 1;
  while (k >= 0 && (text[k] === ' ' || text[k] === '\t')) k--;
  if (k < 0 || text[k] === '\n') return true;
  const prev = text[k];
  if (REGEX_PRECEDERS.has(prev)) return true;
  return /[a-z]/.test(prev) && REGEX_KEYWORDS.test(text.slice(Math.max(0, k - 8), k + 1));
}

function skipRegex(text: string, i: number): number {
  let inClass = false;
  for (let k = i + 1; k < text.length; k++) {
    const ch = text[k];
    if (ch === '\n') return k;
    if (ch === '\\') k++;
    else if (ch === '[') inClass = true;
    else if (ch === ']') inClass = false;
    else if (ch === '/' && !inClass) return k + 1;
  }
  return text.length;
}

function codeRanges(text: string, syntax: CodeSyntax): TextRange[] {
  const ranges: TextRange[] = [];
  const strings = [...syntax.strings].sort((a, b) => b.open.length - a.open.length);
  const openers = new Set<string>([
    ...syntax.line.map((s) => s[0]),
    ...syntax.block.map(([s]) => s[0]),
    ...strings.map((s) => s.open[0]),
    ...(syntax.regex ? ['/'] : []),
  ]);
  const n = text.length;
  let i = 0;
  outer: while (i < n) {
    const ch = text[i];
    if (!openers.has(ch)) {
      i++;
      continue;
    }
    for (const [open, close] of syntax.block) {
      if (text.startsWith(open, i)) {
        const end = text.indexOf(close, i + open.length);
        const stop = end < 0 ? n : end;
        push(ranges, i + open.length, stop);
        i = end < 0 ? n : end + close.length;
        continue outer;
      }
    }
    for (const open of syntax.line) {
      if (text.startsWith(open, i)) {
        const end = lineEnd(text, i);
        push(ranges, i + open.length, end);
        i = end;
        continue outer;
      }
    }
    for (const rule of strings) {
      if (!text.startsWith(rule.open, i)) continue;
      const start = i + rule.open.length;
      let k = start;
      while (k < n) {
        const c = text[k];
        if (rule.escape && c === '\\') {
          k += 2;
          continue;
        }
        if (c === '\n' && !rule.multiline) break;
        if (text.startsWith(rule.close, k)) break;
        k++;
      }
      k = Math.min(k, n);
      push(ranges, start, k);
      i = text.startsWith(rule.close, k) ? k + rule.close.length : k;
      continue outer;
    }
    if (syntax.regex && ch === '/' && startsRegex(text, i)) {
      i = skipRegex(text, i);
      continue;
    }
    i++;
  }
  return ranges;
}

function htmlRanges(text: string): TextRange[] {
  const ranges: TextRange[] = [];
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) {
      push(ranges, i, text.length);
      break;
    }
    push(ranges, i, lt);
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      push(ranges, lt + 4, end < 0 ? text.length : end);
      i = end < 0 ? text.length : end + 3;
    } else {
      const gt = text.indexOf('>', lt);
      i = gt < 0 ? text.length : gt + 1;
    }
  }
  return ranges;
}

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/** Markdown: prose minus front matter, fenced code, code spans and link destinations. */
function markdownRanges(text: string): TextRange[] {
  const ranges: TextRange[] = [];
  const n = text.length;
  let pos = 0;
  if (text.charCodeAt(0) === 0xfeff) pos = 1;
  // YAML front matter: "---" on the first line, closed by "---" or "...".
  if (text.startsWith('---', pos) && /^---[ \t]*\r?$/.test(text.slice(pos, lineEnd(text, pos)))) {
    let k = lineEnd(text, pos) + 1;
    while (k <= n) {
      const end = lineEnd(text, k);
      if (/^(?:---|\.\.\.)[ \t]*\r?$/.test(text.slice(k, end))) {
        pos = Math.min(n, end + 1);
        break;
      }
      if (end >= n) break;
      k = end + 1;
    }
  }
  let blockStart = pos;
  while (pos < n) {
    const end = lineEnd(text, pos);
    const line = text.slice(pos, end);
    const fence = FENCE_OPEN.exec(line);
    if (fence && !(fence[1][0] === '`' && fence[2].includes('`'))) {
      proseRanges(text, blockStart, pos, ranges);
      const marker = fence[1];
      const closing = new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}[ \\t]*\\r?$`);
      let k = end + 1;
      let after = n;
      while (k < n) {
        const e = lineEnd(text, k);
        if (closing.test(text.slice(k, e))) {
          after = Math.min(n, e + 1);
          break;
        }
        k = e + 1;
      }
      pos = after;
      blockStart = after;
      continue;
    }
    pos = end + 1;
  }
  proseRanges(text, blockStart, Math.min(pos, n), ranges);
  return ranges;
}

/** Prose between fences: drops code spans (which may not cross a blank line) and link destinations. */
function proseRanges(text: string, from: number, to: number, ranges: TextRange[]): void {
  let i = from;
  let segment = from;
  while (i < to) {
    const ch = text.charCodeAt(i);
    if (ch === 0x60 /* ` */) {
      let run = i;
      while (run < to && text.charCodeAt(run) === 0x60) run++;
      const width = run - i;
      const close = findClosingBackticks(text, run, to, width);
      if (close >= 0) {
        push(ranges, segment, i);
        i = close + width;
        segment = i;
      } else {
        i = run;
      }
      continue;
    }
    if (ch === 0x5d /* ] */ && text.charCodeAt(i + 1) === 0x28 /* ( */) {
      const close = text.indexOf(')', i + 2);
      const nl = text.indexOf('\n', i + 2);
      if (close >= 0 && close < to && (nl < 0 || close < nl)) {
        push(ranges, segment, i + 1);
        i = close + 1;
        segment = i;
        continue;
      }
    }
    if (ch === 0x3c /* < */) {
      const m = /^<[a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^\s<>]*>/.exec(text.slice(i, Math.min(to, i + 2048)));
      if (m) {
        push(ranges, segment, i);
        i += m[0].length;
        segment = i;
        continue;
      }
    }
    i++;
  }
  push(ranges, segment, to);
}

function findClosingBackticks(text: string, from: number, to: number, width: number): number {
  let k = from;
  while (k < to) {
    const tick = text.indexOf('`', k);
    if (tick < 0 || tick >= to) return -1;
    const blank = /\n[ \t]*\r?\n/.exec(text.slice(k, tick));
    if (blank) return -1;
    let run = tick;
    while (run < to && text.charCodeAt(run) === 0x60) run++;
    if (run - tick === width) return tick;
    k = run;
  }
  return -1;
}

/** What RegionCache needs of a document (vscode.TextDocument fits). */
export interface VersionedDocument {
  readonly version: number;
  readonly languageId: string;
  getText(): string;
}

export interface DocumentRegions {
  text: string;
  ranges: TextRange[];
}

/**
 * Allowed ranges per document version: one scan after each edit, then every hover is a binary search.
 * Weakly keyed, so closed documents are forgotten with their objects.
 */
export class RegionCache {
  private readonly entries = new WeakMap<object, DocumentRegions & { version: number; languageId: string }>();

  get(document: VersionedDocument): DocumentRegions {
    const cached = this.entries.get(document);
    if (cached && cached.version === document.version && cached.languageId === document.languageId) return cached;
    const text = document.getText();
    const entry = { version: document.version, languageId: document.languageId, text, ranges: allowedRanges(document.languageId, text) };
    this.entries.set(document, entry);
    return entry;
  }
}
