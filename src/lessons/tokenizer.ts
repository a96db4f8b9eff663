/**
 * Real BPE tokenization through js-tiktoken: r50k_base (GPT-2, GPT-3), cl100k_base (GPT-3.5/GPT-4),
 * o200k_base (GPT-4o). Rank tables are big (0.5–2.3 MB of JS each), so each is imported on first use of its
 * encoding, never at activation; esbuild still bundles them because the import specifiers are literals.
 *
 * Token texts join back to the input exactly. A byte-level BPE token is a run of UTF-8 bytes, and a token
 * may end in the middle of a character (r50k splits most Chinese characters into 2–3 byte tokens). We never
 * decode a token on its own: from each token's byte length we walk the input's UTF-8 and cut it where token
 * boundaries fall on character boundaries. When a boundary falls inside a character, the tokens up to the
 * next character boundary form one group: the group's text sits on its first token, the others get '' and
 * every token of a group carries its bytes in hex (`bytes`), so count and ids stay exact.
 */
import { Tiktoken, type TiktokenBPE } from 'js-tiktoken/lite';
import { DEFAULT_ENCODING, ENCODINGS, isEncodingName, type EncodingName } from './tokenizerInfo';

export { DEFAULT_ENCODING, ENCODING_INFO, ENCODINGS, isEncodingName, SAMPLE_PAIR } from './tokenizerInfo';
export type { EncodingName } from './tokenizerInfo';

export interface Token {
  id: number;
  text: string;
  /** Only for tokens that split a UTF-8 character: this token's bytes, e.g. "e4 bd". */
  bytes?: string;
}

export interface TokenizeResult {
  encoding: EncodingName;
  count: number;
  tokens: Token[];
}

interface LoadedEncoding {
  tiktoken: Tiktoken;
  /** id → byte length of the token (0 for ids that are not plain tokens). */
  byteLength: Uint16Array;
  /** Token bytes written as "b1,b2,…" → id: js-tiktoken's own table (see rankTable). */
  ranks: Map<string, number>;
  /** The encoding's pre-tokenization pattern (pat_str). */
  pattern: string;
}

type RanksModule = { default: TiktokenBPE };

const loaders: Record<EncodingName, () => Promise<RanksModule>> = {
  r50k_base: () => import('js-tiktoken/ranks/r50k_base'),
  cl100k_base: () => import('js-tiktoken/ranks/cl100k_base'),
  o200k_base: () => import('js-tiktoken/ranks/o200k_base'),
};

const cache = new Map<EncodingName, Promise<LoadedEncoding>>();

/** Loads (once) and returns the encoder; the first call per encoding imports its rank table. */
export function loadEncoding(encoding: EncodingName): Promise<LoadedEncoding> {
  let loaded = cache.get(encoding);
  if (!loaded) {
    loaded = loaders[encoding]().then((mod) => {
      const ranks = mod.default;
      const tiktoken = new Tiktoken(ranks);
      return { tiktoken, ...byteTables(ranks.bpe_ranks), ranks: rankTable(tiktoken), pattern: ranks.pat_str };
    });
    loaded.catch(() => cache.delete(encoding));
    cache.set(encoding, loaded);
  }
  return loaded;
}

export function isEncodingLoaded(encoding: EncodingName): boolean {
  return cache.has(encoding);
}

/**
 * Byte lengths from the public rank table ("! <offset> <base64 token> <base64 token> …" per line), read
 * from base64 lengths alone, so we depend on no internals of js-tiktoken.
 */
function byteTables(bpeRanks: string): Pick<LoadedEncoding, 'byteLength'> {
  const lengths: number[] = [];
  for (const line of bpeRanks.split('\n')) {
    if (!line) continue;
    const parts = line.split(' ');
    const offset = Number.parseInt(parts[1], 10);
    for (let i = 2; i < parts.length; i++) {
      const b64 = parts[i];
      const padding = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
      const len = (b64.length / 4) * 3 - padding;
      lengths[offset + i - 2] = len;
    }
  }
  const byteLength = new Uint16Array(lengths.length);
  for (let i = 0; i < lengths.length; i++) byteLength[i] = lengths[i] ?? 0;
  return { byteLength };
}

/**
 * js-tiktoken keeps its bytes → rank table in `rankMap` (keys "b1,b2,…"); reusing it saves building a second
 * table of up to 200,000 entries. It is not public API, so it is checked, and rebuilt from the tokens if absent.
 */
function rankTable(tiktoken: Tiktoken): Map<string, number> {
  const own = (tiktoken as unknown as { rankMap?: unknown }).rankMap;
  if (own instanceof Map && own.size > 0) return own as Map<string, number>;
  const ranks = new Map<string, number>();
  const textMap = (tiktoken as unknown as { textMap?: Map<number, Uint8Array> }).textMap;
  if (!(textMap instanceof Map)) throw new Error('js-tiktoken: no rank table found');
  for (const [rank, bytes] of textMap) ranks.set(bytes.join(','), rank);
  return ranks;
}

/**
 * Raw ids, exactly as js-tiktoken's `encode(text, [], [])` gives them (special-token text such as
 * <|endoftext|> is ordinary text here), but linear-ish on long pieces. js-tiktoken merges a piece (a
 * pre-tokenized word) by rescanning every pair after each merge, O(m²) with a string built per pair: 'a'×20,000
 * took 23 s and 6,000 CJK characters 21 s. Same pattern, same table, same merge rule, with a heap instead.
 */
export function encodeIds(loaded: LoadedEncoding, text: string): number[] {
  const ids: number[] = [];
  const pattern = new RegExp(loaded.pattern, 'gu');
  for (const match of text.matchAll(pattern)) {
    const piece = utf8.encode(match[0]);
    const whole = loaded.ranks.get(piece.join(','));
    if (whole !== undefined) ids.push(whole);
    else mergePiece(piece, loaded.ranks, ids);
  }
  return ids;
}

/**
 * Byte-pair merge of one piece, the rule of tiktoken's `_byte_pair_merge`: repeatedly merge the adjacent pair
 * whose joined bytes have the lowest rank, the leftmost one on ties, until no pair is in the table. Parts are a
 * linked list over byte offsets and candidate pairs sit in a min-heap keyed (rank, offset); entries made stale by
 * a merge are recognised by a per-part version. O(m log m) instead of O(m²).
 */
function mergePiece(piece: Uint8Array, ranks: Map<string, number>, out: number[]): void {
  const n = piece.length;
  // Each part's key ("b1,b2,…"), so a pair's key is two strings joined rather than bytes re-joined.
  const keys: string[] = new Array<string>(n);
  for (let i = 0; i < n; i++) keys[i] = BYTE_KEYS[piece[i]];
  const pairRank = (i: number, j: number): number | undefined => ranks.get(`${keys[i]},${keys[j]}`);
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  const version = new Uint32Array(n);
  const removed = new Uint8Array(n);
  const heap = new PairHeap();
  for (let i = 0; i < n; i++) {
    next[i] = i + 1;
    prev[i] = i - 1;
  }
  for (let i = 0; i + 1 < n; i++) {
    const rank = pairRank(i, i + 1);
    if (rank !== undefined) heap.push(rank, i, 0);
  }
  while (heap.size) {
    const { pos: i, ver } = heap.pop();
    if (removed[i] || version[i] !== ver) continue;
    const j = next[i];
    const k = next[j];
    // j joins i; i now ends where j ended.
    removed[j] = 1;
    keys[i] = `${keys[i]},${keys[j]}`;
    next[i] = k;
    if (k < n) prev[k] = i;
    version[i]++;
    if (k < n) {
      const rank = pairRank(i, k);
      if (rank !== undefined) heap.push(rank, i, version[i]);
    }
    const p = prev[i];
    if (p >= 0) {
      version[p]++;
      const rank = pairRank(p, i);
      if (rank !== undefined) heap.push(rank, p, version[p]);
    }
  }
  for (let i = 0; i < n; i = next[i]) {
    const rank = ranks.get(keys[i]);
    if (rank !== undefined) out.push(rank);
  }
}

const BYTE_KEYS = Array.from({ length: 256 }, (_, b) => String(b));

/** A binary min-heap of candidate merges ordered by (rank, byte offset), in parallel arrays. */
class PairHeap {
  private readonly rank: number[] = [];
  private readonly pos: number[] = [];
  private readonly ver: number[] = [];

  get size(): number {
    return this.rank.length;
  }

  private less(a: number, b: number): boolean {
    return this.rank[a] < this.rank[b] || (this.rank[a] === this.rank[b] && this.pos[a] < this.pos[b]);
  }

  private swap(a: number, b: number): void {
    [this.rank[a], this.rank[b]] = [this.rank[b], this.rank[a]];
    [this.pos[a], this.pos[b]] = [this.pos[b], this.pos[a]];
    [this.ver[a], this.ver[b]] = [this.ver[b], this.ver[a]];
  }

  push(rank: number, pos: number, ver: number): void {
    let i = this.rank.length;
    this.rank.push(rank);
    this.pos.push(pos);
    this.ver.push(ver);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): { pos: number; ver: number } {
    const top = { pos: this.pos[0], ver: this.ver[0] };
    const last = this.rank.length - 1;
    this.swap(0, last);
    this.rank.pop();
    this.pos.pop();
    this.ver.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < last && this.less(l, m)) m = l;
      if (r < last && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }
}

/** UTF-8 length of the UTF-16 code unit(s) at i, and how many code units that character takes. */
function utf8At(text: string, i: number): [bytes: number, units: number] {
  const c = text.charCodeAt(i);
  if (c < 0x80) return [1, 1];
  if (c < 0x800) return [2, 1];
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return [4, 2];
  }
  return [3, 1]; // BMP, or a lone surrogate (encoded as U+FFFD, also 3 bytes)
}

const utf8 = new TextEncoder();
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
let scratch = new Uint8Array(64);

/** Hex bytes of each token of a group, cut from the group's own UTF-8 by the tokens' byte lengths. */
function labelGroupBytes(loaded: LoadedEncoding, tokens: Token[], from: number, to: number, groupText: string): void {
  if (scratch.length < groupText.length * 3) scratch = new Uint8Array(groupText.length * 3);
  utf8.encodeInto(groupText, scratch);
  let offset = 0;
  for (let g = from; g <= to; g++) {
    const end = offset + loaded.byteLength[tokens[g].id];
    let hex = HEX[scratch[offset]];
    for (let i = offset + 1; i < end; i++) hex += ' ' + HEX[scratch[i]];
    tokens[g].bytes = hex;
    offset = end;
  }
}

/** Tokenizes with an already loaded encoding (synchronous; what tokenize() and the bench call). */
export function tokenizeWith(loaded: LoadedEncoding, encoding: EncodingName, text: string): TokenizeResult {
  const ids = encodeIds(loaded, text);
  return { encoding, count: ids.length, tokens: tokensFromIds(loaded, ids, text) };
}

/** Pairs each id with its exact slice of `text` (see the header comment for split characters). */
export function tokensFromIds(loaded: LoadedEncoding, ids: readonly number[], text: string): Token[] {
  const tokens: Token[] = new Array(ids.length);
  let pos = 0; // UTF-16 index of the next unconsumed character
  let carry = 0; // bytes of the character at `pos` already covered by the current group
  let groupStart = -1; // first token of an open group (a token boundary fell inside a character)
  let groupText = pos;
  for (let t = 0; t < ids.length; t++) {
    let need = loaded.byteLength[ids[t]] + carry;
    const start = pos;
    while (need > 0 && pos < text.length) {
      const [bytes, units] = utf8At(text, pos);
      if (need < bytes) break;
      need -= bytes;
      pos += units;
    }
    if (need > 0 && pos < text.length) {
      // Ends inside the character at `pos`: open (or extend) a group.
      if (groupStart < 0) {
        groupStart = t;
        groupText = start;
      }
      carry = need;
      tokens[t] = { id: ids[t], text: '' };
      continue;
    }
    carry = 0;
    if (groupStart >= 0) {
      tokens[t] = { id: ids[t], text: '' };
      tokens[groupStart].text = text.slice(groupText, pos);
      labelGroupBytes(loaded, tokens, groupStart, t, tokens[groupStart].text);
      groupStart = -1;
    } else {
      tokens[t] = { id: ids[t], text: text.slice(start, pos) };
    }
  }
  if (groupStart >= 0) {
    tokens[groupStart].text = text.slice(groupText);
    labelGroupBytes(loaded, tokens, groupStart, ids.length - 1, tokens[groupStart].text);
  }
  return tokens;
}

export async function tokenize(text: string, encoding: EncodingName = DEFAULT_ENCODING): Promise<TokenizeResult> {
  if (typeof text !== 'string') throw new TypeError('text must be a string');
  if (!isEncodingName(encoding)) throw new RangeError(`unknown encoding "${String(encoding)}" (use ${ENCODINGS.join(', ')})`);
  return tokenizeWith(await loadEncoding(encoding), encoding, text);
}

export interface EncodingComparison {
  encoding: EncodingName;
  en: number;
  zh: number;
  /** zh tokens / en tokens (0 when the English side is empty). */
  ratio: number;
  /** Characters per token for each side. */
  enCharsPerToken: number;
  zhCharsPerToken: number;
}

/** The same sentence in English and Chinese, token counts under each encoding. */
export async function compareEnZh(en: string, zh: string, encodings: readonly EncodingName[] = ENCODINGS): Promise<EncodingComparison[]> {
  const rows: EncodingComparison[] = [];
  for (const encoding of encodings) {
    const loaded = await loadEncoding(encoding);
    const enCount = encodeIds(loaded, en).length;
    const zhCount = encodeIds(loaded, zh).length;
    rows.push({
      encoding,
      en: enCount,
      zh: zhCount,
      ratio: enCount ? zhCount / enCount : 0,
      enCharsPerToken: enCount ? [...en].length / enCount : 0,
      zhCharsPerToken: zhCount ? [...zh].length / zhCount : 0,
    });
  }
  return rows;
}
