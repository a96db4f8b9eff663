/**
 * A trigram language model with interpolated Kneser–Ney smoothing (Kneser & Ney 1995; Chen & Goodman
 * 1998, §3): the statistical LM of the lecture's 1990–2010 era, trained on the lecture text itself.
 *
 * Tokens: one word (a run of Latin letters/digits) or one other character, carrying the single space before
 * it (" model", like GPT-2's byte-level BPE). So English is modelled word by word, Chinese character by
 * character (no word segmenter needed, and a character LM is the usual baseline for Chinese), and
 * detokenizing is plain concatenation. Every paragraph is one sequence padded with <s> <s> … </s>.
 *
 *   P(w | u v) = max(c(uvw) − D₃, 0)/c(uv·) + D₃·N₁₊(uv·)/c(uv·) · P(w | v)
 *   P(w | v)   = max(N₁₊(·vw) − D₂, 0)/N₁₊(·v·) + D₂·N₁₊(v·)/N₁₊(·v·) · P(w)
 *   P(w)       = N₁₊(·w)/N₁₊(··)
 * where N₁₊ counts distinct left contexts (continuation counts) and D = n₁/(n₁ + 2n₂) per order (Ney et al.
 * 1994). An unseen context drops to the next lower order, so every known token keeps a probability > 0 and
 * each distribution sums to 1.
 */
import type { Lang } from '../core/l10n';
import { VarintReader, VarintWriter } from './compactCodec';
import { decodingDistribution, mulberry32, sampleIndex, topIndexes } from './sampling';

export const BOS = '<s>';
export const EOS = '</s>';
const BOS_ID = 0;
const EOS_ID = 1;

const TOKEN_PATTERN = / ?(?:[A-Za-z0-9\u00C0-\u024F]+(?:['’.][A-Za-z0-9\u00C0-\u024F]+)*|[^\s])/gu;

/** Splits text into model tokens; runs of whitespace count as one space. */
export function ngramTokens(text: string): string[] {
  const normalized = text.replace(/\s+/g, ' ');
  return normalized.match(TOKEN_PATTERN) ?? [];
}

export interface CompactLanguageModel {
  /** id → token; 0 is <s>, 1 is </s>, then by training frequency. */
  vocab: string[];
  /** Trigram counts as base64 varints, see encodeTrigrams. */
  trigrams: string;
  trigramTypes: number;
  trainingTokens: number;
  sequences: number;
}

export interface CompactModel {
  format: 'llm-lab-ngram';
  version: 1;
  order: 3;
  smoothing: 'interpolated-kneser-ney';
  langs: Partial<Record<Lang, CompactLanguageModel>>;
}

export interface NextToken {
  token: string;
  p: number;
}

export type BackoffOrder = 3 | 2 | 1;

export interface NextTokensResult {
  /** The two context tokens the prediction is conditioned on (<s> at the start). */
  context: string[];
  /** 3 = the trigram context was seen in training, 2 = backed off to the last token, 1 = to unigrams. */
  order: BackoffOrder;
  tokens: NextToken[];
}

export interface SampleOptions {
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
  maxTokens?: number;
  /** How many alternatives to report per generated token (default 5). */
  alternatives?: number;
}

export interface SampledToken {
  token: string;
  /** The token as it appears in the continuation (the first one drops its space after a prefix ending in one). */
  text: string;
  /** The model's probability of the chosen token (before temperature / top-k / top-p). */
  p: number;
  /** The model's most likely alternatives at that step, highest first. */
  top: NextToken[];
}

export interface SampleResult {
  /** The continuation (without the prefix). */
  text: string;
  tokens: SampledToken[];
  finish: 'end' | 'length';
}

interface TrigramContext {
  total: number;
  followers: Int32Array;
  counts: Int32Array;
}

interface BigramContext {
  /** N₁₊(·v·) */
  total: number;
  followers: Int32Array;
  /** N₁₊(·vw) */
  counts: Int32Array;
}

// ---------------------------------------------------------------------------------------------- training

/** Counts trigrams of the token sequences (each already split into tokens) into a compact language model. */
export function trainLanguageModel(sequences: readonly string[][]): CompactLanguageModel {
  const frequency = new Map<string, number>();
  let trainingTokens = 0;
  for (const seq of sequences) {
    for (const token of seq) {
      frequency.set(token, (frequency.get(token) ?? 0) + 1);
      trainingTokens++;
    }
  }
  frequency.delete(BOS);
  frequency.delete(EOS);
  const vocab = [BOS, EOS, ...[...frequency.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([t]) => t)];
  const ids = new Map(vocab.map((t, i) => [t, i]));
  const V = vocab.length;
  const counts = new Map<number, Map<number, number>>();
  let used = 0;
  for (const seq of sequences) {
    if (!seq.length) continue;
    used++;
    const padded = [BOS_ID, BOS_ID, ...seq.map((t) => ids.get(t) ?? BOS_ID), EOS_ID];
    for (let i = 2; i < padded.length; i++) {
      const key = padded[i - 2] * V + padded[i - 1];
      let followers = counts.get(key);
      if (!followers) counts.set(key, (followers = new Map()));
      followers.set(padded[i], (followers.get(padded[i]) ?? 0) + 1);
    }
  }
  const { data, types } = encodeTrigrams(counts, V);
  return { vocab, trigrams: data, trigramTypes: types, trainingTokens, sequences: used };
}

/**
 * Stream: for each context (u, v) in ascending order — Δu, then v (absolute when u changed, else Δv),
 * the number of followers, then per follower in ascending w: Δw (first absolute) and count − 1.
 */
function encodeTrigrams(counts: Map<number, Map<number, number>>, V: number): { data: string; types: number } {
  const writer = new VarintWriter();
  let prevU = 0;
  let prevV = 0;
  let types = 0;
  for (const key of [...counts.keys()].sort((a, b) => a - b)) {
    const u = Math.floor(key / V);
    const v = key % V;
    writer.write(u - prevU);
    writer.write(u !== prevU ? v : v - prevV);
    prevU = u;
    prevV = v;
    const followers = [...counts.get(key)!.entries()].sort((a, b) => a[0] - b[0]);
    writer.write(followers.length);
    let prevW = 0;
    for (const [w, c] of followers) {
      writer.write(w - prevW);
      writer.write(c - 1);
      prevW = w;
      types++;
    }
  }
  return { data: writer.toBase64(), types };
}

function decodeTrigrams(data: string, V: number): Map<number, TrigramContext> {
  const reader = new VarintReader(data);
  const out = new Map<number, TrigramContext>();
  let u = 0;
  let v = 0;
  while (!reader.done) {
    const du = reader.read();
    const vv = reader.read();
    v = du > 0 ? vv : v + vv;
    u += du;
    const n = reader.read();
    const followers = new Int32Array(n);
    const counts = new Int32Array(n);
    let w = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      w += reader.read();
      const c = reader.read() + 1;
      followers[i] = w;
      counts[i] = c;
      total += c;
    }
    if (u >= V || v >= V || w >= V) throw new RangeError('n-gram model: token id outside the vocabulary');
    out.set(u * V + v, { total, followers, counts });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- the model

function neyDiscount(countsOfCounts: Map<number, number>): number {
  const n1 = countsOfCounts.get(1) ?? 0;
  const n2 = countsOfCounts.get(2) ?? 0;
  if (n1 + 2 * n2 === 0) return 0.5;
  return Math.min(0.95, Math.max(0.1, n1 / (n1 + 2 * n2)));
}

export class NgramModel {
  readonly vocab: readonly string[];
  readonly discounts: { bigram: number; trigram: number };
  readonly trainingTokens: number;
  private readonly ids: Map<string, number>;
  private readonly trigrams: Map<number, TrigramContext>;
  private readonly bigrams = new Map<number, BigramContext>();
  private readonly unigram: Float64Array;

  constructor(compact: CompactLanguageModel) {
    this.vocab = compact.vocab;
    this.trainingTokens = compact.trainingTokens;
    const V = compact.vocab.length;
    this.ids = new Map(compact.vocab.map((t, i) => [t, i]));
    this.trigrams = decodeTrigrams(compact.trigrams, V);

    // Continuation counts N₁₊(·vw) = distinct u before (v, w): sort every (v, w) of every trigram type and
    // count the runs (numeric sort of one typed array; far cheaper than nested Maps).
    const trigramCountsOfCounts = new Map<number, number>();
    let types = 0;
    for (const ctx of this.trigrams.values()) types += ctx.followers.length;
    const pairs = new Float64Array(types);
    let p = 0;
    for (const [key, ctx] of this.trigrams) {
      const v = key % V;
      for (let i = 0; i < ctx.followers.length; i++) {
        pairs[p++] = v * V + ctx.followers[i];
        trigramCountsOfCounts.set(ctx.counts[i], (trigramCountsOfCounts.get(ctx.counts[i]) ?? 0) + 1);
      }
    }
    pairs.sort();
    const bigramCountsOfCounts = new Map<number, number>();
    const unigramContinuation = new Float64Array(V);
    let bigramTypes = 0;
    let i = 0;
    while (i < pairs.length) {
      const v = Math.floor(pairs[i] / V);
      const followers: number[] = [];
      const counts: number[] = [];
      let total = 0;
      while (i < pairs.length && Math.floor(pairs[i] / V) === v) {
        const key = pairs[i];
        let c = 0;
        while (i < pairs.length && pairs[i] === key) {
          c++;
          i++;
        }
        const w = key - v * V;
        followers.push(w);
        counts.push(c);
        total += c;
        unigramContinuation[w] += 1;
        bigramTypes++;
        bigramCountsOfCounts.set(c, (bigramCountsOfCounts.get(c) ?? 0) + 1);
      }
      this.bigrams.set(v, { total, followers: Int32Array.from(followers), counts: Int32Array.from(counts) });
    }
    this.unigram = new Float64Array(V);
    if (bigramTypes > 0) for (let w = 0; w < V; w++) this.unigram[w] = unigramContinuation[w] / bigramTypes;
    this.discounts = { bigram: neyDiscount(bigramCountsOfCounts), trigram: neyDiscount(trigramCountsOfCounts) };
  }

  get vocabSize(): number {
    return this.vocab.length;
  }

  /** Token ids of the text; −1 for tokens the model never saw. */
  encode(text: string): number[] {
    return ngramTokens(text).map((t) => this.ids.get(t) ?? -1);
  }

  /** The two-token context for what follows `ids` (padded with <s>). */
  contextOf(ids: readonly number[]): [number, number] {
    const n = ids.length;
    return [n >= 2 ? ids[n - 2] : BOS_ID, n >= 1 ? ids[n - 1] : BOS_ID];
  }

  /** P(· | u v) over the whole vocabulary (index = token id), and the order it came from. */
  distribution(u: number, v: number): { probs: Float64Array; order: BackoffOrder } {
    const V = this.vocab.length;
    const probs = Float64Array.from(this.unigram);
    let order: BackoffOrder = 1;
    const bigram = v >= 0 ? this.bigrams.get(v) : undefined;
    if (bigram && bigram.total > 0) {
      const D = this.discounts.bigram;
      const lower = (D * bigram.followers.length) / bigram.total;
      for (let w = 0; w < V; w++) probs[w] *= lower;
      for (let i = 0; i < bigram.followers.length; i++) probs[bigram.followers[i]] += Math.max(bigram.counts[i] - D, 0) / bigram.total;
      order = 2;
    }
    const trigram = u >= 0 && v >= 0 ? this.trigrams.get(u * V + v) : undefined;
    if (trigram && trigram.total > 0) {
      const D = this.discounts.trigram;
      const lower = (D * trigram.followers.length) / trigram.total;
      for (let w = 0; w < V; w++) probs[w] *= lower;
      for (let i = 0; i < trigram.followers.length; i++) probs[trigram.followers[i]] += Math.max(trigram.counts[i] - D, 0) / trigram.total;
      order = 3;
    }
    return { probs, order };
  }

  /** P(token | the text before it). */
  probability(prefix: string, token: string): number {
    const id = this.ids.get(token);
    if (id === undefined) return 0;
    const [u, v] = this.contextOf(this.encode(prefix));
    return this.distribution(u, v).probs[id];
  }

  /** The k most likely next tokens after `prefix`, highest first (</s> = end of paragraph). */
  nextTokens(prefix: string, k: number, options: { temperature?: number; topK?: number; topP?: number } = {}): NextTokensResult {
    const [u, v] = this.contextOf(this.encode(prefix.replace(/\s+$/, '')));
    const { probs, order } = this.distribution(u, v);
    const shaped = options.temperature !== undefined || options.topK !== undefined || options.topP !== undefined
      ? decodingDistribution(probs, options)
      : probs;
    return { context: [this.tokenName(u), this.tokenName(v)], order, tokens: this.top(shaped, k) };
  }

  /** Generates from `prefix` until </s> or maxTokens; a fixed seed reproduces the output. */
  sample(prefix: string, options: SampleOptions = {}): SampleResult {
    const rng = mulberry32(options.seed ?? 1);
    const maxTokens = Math.max(0, Math.floor(options.maxTokens ?? 30));
    const trimmed = prefix.replace(/\s+$/, '');
    const endsWithSpace = trimmed.length !== prefix.length && trimmed.length > 0;
    const ids = this.encode(trimmed);
    const out: SampledToken[] = [];
    let text = '';
    let finish: SampleResult['finish'] = 'length';
    for (let step = 0; step < maxTokens; step++) {
      const [u, v] = this.contextOf(ids);
      const { probs } = this.distribution(u, v);
      const shaped = decodingDistribution(probs, options);
      const id = sampleIndex(shaped, rng());
      if (id < 0 || id === EOS_ID) {
        finish = 'end';
        break;
      }
      const token = this.vocab[id];
      const piece = !text && (endsWithSpace || !trimmed) && token.startsWith(' ') ? token.slice(1) : token;
      out.push({ token, text: piece, p: probs[id], top: this.top(probs, options.alternatives ?? 5) });
      text += piece;
      ids.push(id);
    }
    return { text, tokens: out, finish };
  }

  private tokenName(id: number): string {
    return id < 0 ? '?' : this.vocab[id];
  }

  private top(probs: Float64Array, k: number): NextToken[] {
    const out: NextToken[] = [];
    for (const i of topIndexes(probs, k)) {
      if (probs[i] <= 0) break;
      out.push({ token: this.vocab[i], p: probs[i] });
    }
    return out;
  }
}

export type NgramModels = Partial<Record<Lang, NgramModel>>;

export function loadNgramModels(compact: CompactModel): NgramModels {
  if (compact?.format !== 'llm-lab-ngram' || compact.version !== 1) throw new Error('not an LLM Lab n-gram model (format/version mismatch)');
  const models: NgramModels = {};
  for (const lang of ['en', 'zh-cn'] as const) {
    const langModel = compact.langs[lang];
    if (langModel) models[lang] = new NgramModel(langModel);
  }
  return models;
}
