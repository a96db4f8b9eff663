/**
 * Length-changing text normalisation with a map back to the original UTF-16 offsets.
 * Shared by the matcher (on text) and the loader (on aliases, for uniqueness), so both see the same forms.
 *
 * Per code point: NFKC (full-width → half-width, µ → μ, ligatures split), dash variants → "-", curly
 * apostrophes → "'", zero-width characters and soft hyphens dropped. A run of whitespace (newlines too)
 * becomes one space, and disappears entirely next to a CJK character, so "KL 散度" = "KL散度" and a
 * term wrapped across two lines of Chinese still matches. `folded` is `exact` lower-cased unit by unit
 * (same length, so both share the offset map). Pure, no dependencies: usable in webviews too.
 */

export class NormalizedText {
  exact = new Uint16Array(256);
  folded = new Uint16Array(256);
  /** Original offset where the code point that produced unit i starts / ends. */
  start = new Int32Array(256);
  end = new Int32Array(256);
  length = 0;
  /** Normalised unit just before / after the span (a space at the text's edges). */
  before = 0x20;
  after = 0x20;

  /** Makes room for at least `min` units (keeping the first `length`). */
  reserve(min: number): void {
    if (min > this.exact.length) this.grow(min);
  }

  private grow(min: number): void {
    let size = this.exact.length;
    while (size < min) size *= 2;
    const copy = <T extends Uint16Array | Int32Array>(old: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(old.subarray(0, this.length));
      return next;
    };
    this.exact = copy(this.exact, (n) => new Uint16Array(n));
    this.folded = copy(this.folded, (n) => new Uint16Array(n));
    this.start = copy(this.start, (n) => new Int32Array(n));
    this.end = copy(this.end, (n) => new Int32Array(n));
  }

  push(unit: number, s: number, e: number, folded = foldUnit(unit)): void {
    const n = this.length;
    if (n >= this.exact.length) this.grow(n + 1);
    this.exact[n] = unit;
    this.folded[n] = folded;
    this.start[n] = s;
    this.end[n] = e;
    this.length = n + 1;
  }

  exactString(from = 0, to = this.length): string {
    return unitsToString(this.exact, from, to);
  }

  foldedString(from = 0, to = this.length): string {
    return unitsToString(this.folded, from, to);
  }
}

function unitsToString(units: Uint16Array, from: number, to: number): string {
  let out = '';
  for (let i = from; i < to; i += 4096) out += String.fromCharCode(...units.subarray(i, Math.min(to, i + 4096)));
  return out;
}

const foldTable = new Uint16Array(65536);
const FOLD_UNKNOWN = 0;

/** Lower-cases one UTF-16 unit when that keeps the length (so offsets stay aligned). */
export function foldUnit(unit: number): number {
  if (unit < 0x80) return unit >= 0x41 && unit <= 0x5a ? unit + 32 : unit;
  if (unit >= 0xd800 && unit <= 0xdfff) return unit;
  let folded = foldTable[unit];
  if (folded === FOLD_UNKNOWN) {
    const lower = String.fromCharCode(unit).toLowerCase();
    folded = lower.length === 1 ? lower.charCodeAt(0) : unit;
    foldTable[unit] = folded;
  }
  return folded;
}

/** Han, kana, Hangul, CJK punctuation and compatibility forms: matched without word boundaries. */
export function isCjkCodePoint(cp: number): boolean {
  return (
    (cp >= 0x2e80 && cp <= 0x9fff) ||
    (cp >= 0xac00 && cp <= 0xd7af) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xffef) ||
    (cp >= 0x1100 && cp <= 0x11ff) ||
    (cp >= 0x20000 && cp <= 0x3ffff)
  );
}

const wordTable = new Uint8Array(65536); // 0 unknown, 1 word, 2 not a word character
const LETTER_OR_DIGIT = /[\p{L}\p{N}\p{M}]/u;

/**
 * Characters that glue a Latin-script word together: letters, digits, marks and "_" — but not CJK, which
 * needs no spaces between words. Surrogates (emoji, rare astral letters) count as non-word.
 */
export function isWordUnit(unit: number): boolean {
  if (unit < 0x80) return (unit >= 0x30 && unit <= 0x39) || (unit >= 0x41 && unit <= 0x5a) || (unit >= 0x61 && unit <= 0x7a) || unit === 0x5f;
  let known = wordTable[unit];
  if (known === 0) {
    const word = !(unit >= 0xd800 && unit <= 0xdfff) && !isCjkCodePoint(unit) && LETTER_OR_DIGIT.test(String.fromCharCode(unit));
    known = word ? 1 : 2;
    wordTable[unit] = known;
  }
  return known === 1;
}

function isSpace(cp: number): boolean {
  return (
    cp === 0x20 || (cp >= 0x09 && cp <= 0x0d) || cp === 0xa0 || cp === 0x3000 || cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) || cp === 0x2028 || cp === 0x2029 || cp === 0x202f || cp === 0x205f || cp === 0x85
  );
}

/** Zero-width characters and the soft hyphen: invisible, so they must not break a term. */
function isIgnorable(cp: number): boolean {
  return cp === 0x200b || cp === 0x200c || cp === 0x200d || cp === 0x2060 || cp === 0xfeff || cp === 0xad;
}

function simpleMap(unit: number): number {
  if (unit >= 0xff01 && unit <= 0xff5e) return unit - 0xfee0;
  // hyphen, non-breaking hyphen, figure dash, en dash, minus sign, small/full-width hyphen-minus
  if ((unit >= 0x2010 && unit <= 0x2013) || unit === 0x2212 || unit === 0xfe63) return 0x2d;
  if (unit === 0x2018 || unit === 0x2019 || unit === 0x02bc || unit === 0x2032) return 0x27;
  return unit;
}

const nfkcCache = new Map<number, string>();

function nfkc(cp: number): string {
  let mapped = nfkcCache.get(cp);
  if (mapped === undefined) {
    mapped = String.fromCodePoint(cp).normalize('NFKC');
    if (nfkcCache.size < 4096) nfkcCache.set(cp, mapped);
  }
  return mapped;
}

function codePointAt(text: string, i: number, limit: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < limit) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
  }
  return c;
}

/** The normalised unit standing for the character that ends just before `index` (a space at the start). */
function unitBefore(text: string, index: number): number {
  if (index <= 0) return 0x20;
  let i = index - 1;
  const c = text.charCodeAt(i);
  if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
    const h = text.charCodeAt(i - 1);
    if (h >= 0xd800 && h <= 0xdbff) i--;
  }
  const cp = codePointAt(text, i, text.length);
  if (isSpace(cp)) return 0x20;
  if (cp < 0x80) return cp;
  const mapped = cp <= 0xffff ? simpleMap(cp) : cp;
  if (mapped !== cp || (cp >= 0x4e00 && cp <= 0x9fff)) return mapped;
  const s = nfkc(cp);
  return s.length ? simpleMap(s.charCodeAt(s.length - 1)) : 0x20;
}

function unitAfter(text: string, index: number): number {
  if (index >= text.length) return 0x20;
  const cp = codePointAt(text, index, text.length);
  if (isSpace(cp)) return 0x20;
  if (cp < 0x80) return cp;
  const mapped = cp <= 0xffff ? simpleMap(cp) : cp;
  if (mapped !== cp || (cp >= 0x4e00 && cp <= 0x9fff)) return mapped;
  const s = nfkc(cp);
  return s.length ? simpleMap(s.charCodeAt(0)) : 0x20;
}

interface ScanState {
  /** Original offsets of a pending whitespace run (-1: none). */
  pendingStart: number;
  pendingEnd: number;
  lastCjk: boolean;
}

const state: ScanState = { pendingStart: -1, pendingEnd: -1, lastCjk: false };

/** Emits the pending space unless a CJK character is on either side of it. */
function flushSpace(out: NormalizedText, st: ScanState, nextCjk: boolean): void {
  if (!(out.length > 0 && st.lastCjk) && !nextCjk) out.push(0x20, st.pendingStart, st.pendingEnd, 0x20);
  st.pendingStart = -1;
}

/** Everything but printable ASCII and CJK ideographs; kept out of the hot loop so rare branches do not deoptimise it. */
function slowStep(out: NormalizedText, text: string, i: number, to: number, st: ScanState): number {
  const cp = codePointAt(text, i, to);
  const e = cp > 0xffff ? i + 2 : i + 1;
  if (isSpace(cp)) {
    if (st.pendingStart < 0) st.pendingStart = i;
    st.pendingEnd = e;
    return e;
  }
  if (isIgnorable(cp)) return e;
  let single = -1;
  let expanded = '';
  if (cp < 0x80 || (cp >= 0x4e00 && cp <= 0x9fff)) single = cp;
  else if (cp <= 0xffff && simpleMap(cp) !== cp) single = simpleMap(cp);
  else expanded = nfkc(cp);
  const firstCp = single >= 0 ? single : expanded.length ? codePointAt(expanded, 0, expanded.length) : 0x20;
  const thisCjk = isCjkCodePoint(firstCp);
  if (st.pendingStart >= 0) flushSpace(out, st, thisCjk);
  if (single >= 0) {
    out.push(single, i, e);
    st.lastCjk = thisCjk;
  } else if (expanded.length) {
    for (let k = 0; k < expanded.length; k++) out.push(simpleMap(expanded.charCodeAt(k)), i, e);
    const lastUnit = expanded.charCodeAt(expanded.length - 1);
    const lastCp = lastUnit >= 0xdc00 && lastUnit <= 0xdfff && expanded.length >= 2
      ? codePointAt(expanded, expanded.length - 2, expanded.length)
      : lastUnit;
    st.lastCjk = isCjkCodePoint(lastCp);
  }
  return e;
}

/** Normalises text[from, to) into `out` (reused between calls to avoid allocation). */
export function normalizeInto(out: NormalizedText, text: string, from = 0, to = text.length): NormalizedText {
  out.length = 0;
  out.before = unitBefore(text, from);
  out.after = unitAfter(text, to);
  out.reserve(to - from + 1);
  const st = state;
  st.pendingStart = -1;
  st.pendingEnd = -1;
  st.lastCjk = false;
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c > 0x20 && c < 0x7f) {
      if (st.pendingStart >= 0) flushSpace(out, st, false);
      out.push(c, i, i + 1, c >= 0x41 && c <= 0x5a ? c + 32 : c);
      st.lastCjk = false;
      i++;
    } else if (c >= 0x4e00 && c <= 0x9fff) {
      st.pendingStart = -1;
      out.push(c, i, i + 1, c);
      st.lastCjk = true;
      i++;
    } else {
      i = slowStep(out, text, i, to, st);
    }
  }
  // Trailing whitespace is only needed as the boundary after the last unit (no call here: a rarely
  // reached call site would deoptimise this function every time it is reached).
  if (st.pendingStart >= 0) out.after = 0x20;
  return out;
}

/** The matchable form of an alias: trimmed and normalised exactly like text. */
export function normalizeAliasText(alias: string): { exact: string; folded: string } {
  const out = normalizeInto(new NormalizedText(), alias.trim());
  return { exact: out.exactString(), folded: out.foldedString() };
}
