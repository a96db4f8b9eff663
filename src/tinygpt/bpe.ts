/**
 * Byte-level BPE as GPT-2 defines it (Radford et al. 2019; Sennrich et al. 2016): text → UTF-8 bytes, split
 * into pre-tokens by GPT-2's pattern, then the learned merges applied lowest rank first inside each
 * pre-token. Ids 0–255 are the bytes themselves, merge i makes id 256 + i, and the last id is
 * <|endoftext|>. Any text encodes (Chinese included: a character is 3 bytes until merges join them), and
 * the merges are exactly what GGUF's `gpt2` tokenizer (tokens + merges) stores.
 */

/** GPT-2's pre-tokenizer (encoder.py), also llama.cpp's for `tokenizer.ggml.pre = "gpt-2"`. */
export const GPT2_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

export const END_OF_TEXT = '<|endoftext|>';

/** GPT-2's byte → printable character table (bytes_to_unicode), used for token strings in GGUF. */
export const BYTE_TO_UNICODE: string[] = (() => {
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  const table: string[] = new Array(256);
  bs.forEach((b, i) => (table[b] = String.fromCodePoint(cs[i])));
  return table;
})();

export interface BpeData {
  /** Merge i joins ids [a, b] into id 256 + i. */
  merges: Array<[number, number]>;
}

const encoder = new TextEncoder();

export class BpeTokenizer {
  readonly merges: ReadonlyArray<[number, number]>;
  /** Bytes of every id except <|endoftext|>. */
  private readonly bytes: Uint8Array[];
  private readonly ranks = new Map<number, number>();
  private readonly cache = new Map<string, number[]>();

  constructor(data: BpeData) {
    this.merges = data.merges;
    this.bytes = Array.from({ length: 256 }, (_, b) => Uint8Array.of(b));
    data.merges.forEach(([a, b], i) => {
      if (!(a < 256 + i && b < 256 + i)) throw new RangeError(`BPE merge ${i} refers to a later token`);
      const joined = new Uint8Array(this.bytes[a].length + this.bytes[b].length);
      joined.set(this.bytes[a]);
      joined.set(this.bytes[b], this.bytes[a].length);
      this.bytes.push(joined);
      this.ranks.set(a * 65536 + b, i);
    });
  }

  get vocabSize(): number {
    return 256 + this.merges.length + 1;
  }

  get endOfText(): number {
    return 256 + this.merges.length;
  }

  encode(text: string): number[] {
    const out: number[] = [];
    for (const piece of text.match(GPT2_PATTERN) ?? []) {
      let ids = this.cache.get(piece);
      if (!ids) {
        ids = this.encodePiece(Array.from(encoder.encode(piece)));
        if (this.cache.size < 100_000) this.cache.set(piece, ids);
      }
      for (const id of ids) out.push(id);
    }
    return out;
  }

  /** Repeatedly joins the adjacent pair of lowest merge rank (leftmost first on ties). */
  private encodePiece(ids: number[]): number[] {
    for (;;) {
      let best = Infinity;
      let at = -1;
      for (let i = 0; i + 1 < ids.length; i++) {
        const r = this.ranks.get(ids[i] * 65536 + ids[i + 1]);
        if (r !== undefined && r < best) {
          best = r;
          at = i;
        }
      }
      if (at < 0) return ids;
      const next: number[] = [];
      for (let i = 0; i < ids.length; i++) {
        if (i + 1 < ids.length && this.ranks.get(ids[i] * 65536 + ids[i + 1]) === best) {
          next.push(256 + best);
          i++;
        } else next.push(ids[i]);
      }
      ids = next;
    }
  }

  /** The UTF-8 bytes of a token (empty for <|endoftext|>). */
  tokenBytes(id: number): Uint8Array {
    return id === this.endOfText ? new Uint8Array(0) : this.bytes[id];
  }

  decodeBytes(ids: ArrayLike<number>): Uint8Array {
    const parts = Array.from(ids, (id) => this.tokenBytes(id));
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  /** Text of ids; a character cut between tokens shows as U+FFFD. */
  decode(ids: ArrayLike<number>): string {
    return new TextDecoder().decode(this.decodeBytes(ids));
  }

  /** GPT-2 / GGUF token strings: bytes through BYTE_TO_UNICODE; the last is <|endoftext|>. */
  tokenStrings(): string[] {
    const strings = this.bytes.map((b) => Array.from(b, (x) => BYTE_TO_UNICODE[x]).join(''));
    strings.push(END_OF_TEXT);
    return strings;
  }

  /** GGUF / Hugging Face merges: "left right" in token strings. */
  mergeStrings(): string[] {
    const strings = this.tokenStrings();
    return this.merges.map(([a, b]) => `${strings[a]} ${strings[b]}`);
  }

  toJSON(): BpeData {
    return { merges: this.merges.map(([a, b]) => [a, b]) };
  }
}

/**
 * Learns merges from texts until the vocabulary (bytes + merges + <|endoftext|>) has vocabSize ids. Each
 * step joins the most frequent adjacent pair inside pre-tokens (ties: smallest ids), skipping a pair whose
 * bytes some earlier token already spells, so every token string is unique (GGUF requires it).
 */
export function trainBpe(texts: Iterable<string>, vocabSize: number): BpeTokenizer {
  const targetMerges = vocabSize - 257;
  if (!(Number.isInteger(vocabSize) && targetMerges >= 0 && vocabSize <= 65535)) {
    throw new RangeError(`BPE: vocabulary size must be a whole number in 257…65535 (got ${vocabSize})`);
  }
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const piece of text.match(GPT2_PATTERN) ?? []) counts.set(piece, (counts.get(piece) ?? 0) + 1);
  }
  const words: number[][] = [];
  const freq: number[] = [];
  for (const [piece, n] of counts) {
    words.push(Array.from(encoder.encode(piece)));
    freq.push(n);
  }
  const pairCounts = new Map<number, number>();
  const addPairs = (w: number[], f: number, sign: number): void => {
    for (let i = 0; i + 1 < w.length; i++) {
      const key = w[i] * 65536 + w[i + 1];
      const c = (pairCounts.get(key) ?? 0) + sign * f;
      if (c === 0) pairCounts.delete(key);
      else pairCounts.set(key, c);
    }
  };
  words.forEach((w, i) => addPairs(w, freq[i], 1));

  const merges: Array<[number, number]> = [];
  const spelled = new Set<string>(Array.from({ length: 256 }, (_, b) => String(b)));
  const spelling: string[] = Array.from({ length: 256 }, (_, b) => String(b));
  const banned = new Set<number>();
  while (merges.length < targetMerges) {
    let bestKey = -1;
    let bestCount = 0;
    for (const [key, c] of pairCounts) {
      if (banned.has(key)) continue;
      if (c > bestCount || (c === bestCount && key < bestKey)) {
        bestKey = key;
        bestCount = c;
      }
    }
    if (bestKey < 0 || bestCount < 2) break;
    const a = Math.floor(bestKey / 65536);
    const b = bestKey % 65536;
    const spell = `${spelling[a]},${spelling[b]}`;
    if (spelled.has(spell)) {
      banned.add(bestKey);
      continue;
    }
    const id = 256 + merges.length;
    merges.push([a, b]);
    spelled.add(spell);
    spelling.push(spell);
    for (let wi = 0; wi < words.length; wi++) {
      const w = words[wi];
      let has = false;
      for (let i = 0; i + 1 < w.length; i++) {
        if (w[i] === a && w[i + 1] === b) {
          has = true;
          break;
        }
      }
      if (!has) continue;
      addPairs(w, freq[wi], -1);
      const next: number[] = [];
      for (let i = 0; i < w.length; i++) {
        if (i + 1 < w.length && w[i] === a && w[i + 1] === b) {
          next.push(id);
          i++;
        } else next.push(w[i]);
      }
      words[wi] = next;
      addPairs(next, freq[wi], 1);
    }
  }
  return new BpeTokenizer({ merges });
}
