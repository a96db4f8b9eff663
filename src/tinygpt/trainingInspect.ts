/**
 * What the Training panel asks of a model: a sample, the attention pattern of each head, the next-token
 * distribution, and bits per byte on held-out text next to a trigram model trained on the same split.
 * Pure (no vscode, no threads): trainingInspectWorker.ts runs it off the extension host's thread.
 */
import { BpeTokenizer, type BpeData } from './bpe';
import type { GptConfig } from './config';
import { transformerBitsPerByte } from './bitsPerByte';
import { Gpt } from './model';
import { Rng } from './rng';
import type { TokenData } from './training';
import type { AttentionResult, BitsPerByteResult, ModelInfo, NextTokenResult } from './trainingMessages';
import { NgramModel, ngramTokens, trainLanguageModel } from '../lessons/ngramModel';

export interface InspectModel {
  config: GptConfig;
  tokenizer: BpeData;
  params: Float32Array;
}

const encoder = new TextEncoder();

/** What the panel says about a model: its shape, steps trained, and last validation loss (training's, else the shipped meta's). */
export function modelInfoOf(
  ck: { config: GptConfig; params: Float32Array; progress?: { step: number; valLosses: Array<{ loss: number }> }; meta?: Record<string, unknown> },
  source: ModelInfo['source'],
): ModelInfo {
  const metaVal = typeof ck.meta?.valLoss === 'number' && Number.isFinite(ck.meta.valLoss) ? ck.meta.valLoss : undefined;
  return {
    source, layers: ck.config.layers, heads: ck.config.heads, dim: ck.config.dim, context: ck.config.context,
    vocabSize: ck.config.vocabSize, params: ck.params.length, steps: ck.progress?.step ?? 0,
    valLoss: ck.progress?.valLosses.at(-1)?.loss ?? metaVal,
  };
}

/** A token's text for display: its bytes as UTF-8, or <0xAB> escapes for a piece of a character. */
export function tokenText(tokenizer: BpeTokenizer, id: number): string {
  if (id === tokenizer.endOfText) return '<|endoftext|>';
  const bytes = tokenizer.tokenBytes(id);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return Array.from(bytes, (b) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`).join('');
  }
}

/** Softmax of logits[from … from+V) into probabilities (float64). */
export function softmaxRow(logits: ArrayLike<number>, from: number, V: number, temperature = 1): Float64Array {
  const out = new Float64Array(V);
  let max = -Infinity;
  for (let v = 0; v < V; v++) max = Math.max(max, logits[from + v]);
  let sum = 0;
  for (let v = 0; v < V; v++) {
    out[v] = Math.exp((logits[from + v] - max) / temperature);
    sum += out[v];
  }
  for (let v = 0; v < V; v++) out[v] /= sum;
  return out;
}

export class Inspector {
  readonly model: Gpt;
  readonly tokenizer: BpeTokenizer;

  constructor(m: InspectModel) {
    this.model = new Gpt(m.config, { params: m.params });
    this.tokenizer = new BpeTokenizer(m.tokenizer);
  }

  /** The ids the model reads for `text`: <|endoftext|> first (documents start after one in training). */
  private ids(text: string): number[] {
    return [this.tokenizer.endOfText, ...this.tokenizer.encode(text)];
  }

  /** Continues `prompt` (temperature 0 = greedy) until <|endoftext|> or maxTokens; a seed reproduces it. */
  generate(prompt: string, maxTokens: number, temperature: number, seed: number): { text: string; tokens: number } {
    const { context: T, vocabSize: V } = this.model.config;
    const seq = this.ids(prompt);
    const rng = new Rng(seed);
    const out: number[] = [];
    for (let i = 0; i < maxTokens; i++) {
      const window = seq.slice(Math.max(0, seq.length - T));
      this.model.forward(window, 1, window.length);
      const row = (window.length - 1) * V;
      const logits = this.model.logits;
      let id = 0;
      if (temperature <= 0) {
        for (let v = 1; v < V; v++) if (logits[row + v] > logits[row + id]) id = v;
      } else {
        const p = softmaxRow(logits, row, V, temperature);
        let u = rng.next();
        id = V - 1;
        for (let v = 0; v < V; v++) {
          u -= p[v];
          if (u <= 0) {
            id = v;
            break;
          }
        }
      }
      if (id === this.tokenizer.endOfText) break;
      seq.push(id);
      out.push(id);
    }
    return { text: this.tokenizer.decode(out), tokens: out.length };
  }

  /** The attention weights of every head on `text` (its first context − 1 tokens after <|endoftext|>). */
  attention(text: string): AttentionResult {
    const { context: T, layers: L, heads: H } = this.model.config;
    const all = this.ids(text);
    const ids = all.slice(0, T);
    const n = ids.length;
    this.model.forward(ids, 1, n);
    const att = this.model.attention;
    const weights: number[][][] = [];
    for (let l = 0; l < L; l++) {
      const heads: number[][] = [];
      for (let h = 0; h < H; h++) {
        const base = (l * H + h) * n * n;
        heads.push(Array.from(att.subarray(base, base + n * n), (w) => Math.round(w * 1e4) / 1e4));
      }
      weights.push(heads);
    }
    return { tokens: ids.map((id) => tokenText(this.tokenizer, id)), layers: L, heads: H, weights, truncated: all.length > T };
  }

  /** The k most likely next tokens after `text`. */
  nextToken(text: string, k: number): NextTokenResult {
    const { context: T, vocabSize: V } = this.model.config;
    const all = this.ids(text);
    const ids = all.slice(Math.max(0, all.length - T));
    this.model.forward(ids, 1, ids.length);
    const p = softmaxRow(this.model.logits, (ids.length - 1) * V, V);
    const order = Array.from({ length: V }, (_, v) => v).sort((a, b) => p[b] - p[a]).slice(0, k);
    return {
      context: ids.slice(-6).map((id) => tokenText(this.tokenizer, id)),
      top: order.map((v) => ({ token: tokenText(this.tokenizer, v), p: p[v] })),
    };
  }
}

/** Documents of a token stream (each ends with <|endoftext|>, which is not part of it). */
export function splitDocuments(tokens: ArrayLike<number>, endOfText: number): number[][] {
  const docs: number[][] = [];
  let current: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] === endOfText) {
      if (current.length) docs.push(current);
      current = [];
    } else current.push(tokens[i]);
  }
  if (current.length) docs.push(current);
  return docs;
}

/** Up to `budget` tokens of documents taken evenly across the list (the corpus is ordered by source and language). */
export function pickDocuments(docs: number[][], budget: number): number[][] {
  const picked: number[][] = [];
  let used = 0;
  const stride = Math.max(1, Math.floor(docs.length / Math.max(1, Math.round(budget / 400))));
  for (let start = 0; start < stride && used < budget; start++) {
    for (let i = start; i < docs.length && used < budget; i += stride) {
      const doc = docs[i].slice(0, budget - used);
      picked.push(doc);
      used += doc.length;
    }
  }
  return picked;
}

const paragraphs = (text: string): string[] => text.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);

/** A trigram model (the lecture's Part 1 n-gram, Kneser–Ney) trained on the training split's text. */
export function trainNgram(trainTexts: string[]): NgramModel {
  return new NgramModel(trainLanguageModel(trainTexts.flatMap(paragraphs).map(ngramTokens).filter((s) => s.length > 0)));
}

/**
 * The n-gram's bits for `text`, paragraph by paragraph (as it was trained), ending each with </s>. It has no
 * characters to fall back on: a token it never saw is charged 8 bits per UTF-8 byte (spelled out uniformly).
 */
export function ngramBits(model: NgramModel, text: string): { bits: number; tokens: number; unseen: number } {
  let bits = 0;
  let tokens = 0;
  let unseen = 0;
  for (const para of paragraphs(text)) {
    const pieces = ngramTokens(para);
    const ids = model.encode(para);
    const history: number[] = [];
    for (let i = 0; i <= ids.length; i++) {
      const [u, v] = model.contextOf(history);
      const id = i < ids.length ? ids[i] : 1; // 1 = </s>
      tokens++;
      if (id < 0) {
        unseen++;
        bits += 8 * encoder.encode(pieces[i]).length;
      } else bits -= Math.log2(model.distribution(u, v).probs[id]);
      history.push(id);
    }
  }
  return { bits, tokens, unseen };
}

/**
 * Bits per byte of both models on the same held-out documents (at most `budget` transformer tokens), the
 * n-gram trained on the same training split the transformer was. Lower is better.
 */
export function compareBitsPerByte(inspector: Inspector, data: TokenData, ngram: NgramModel, budget = 3000): BitsPerByteResult {
  const tok = inspector.tokenizer;
  const docs = pickDocuments(splitDocuments(data.val, tok.endOfText), budget);
  let bytes = 0;
  let transformerBits = 0;
  let ngramTotal = 0;
  let ngramTokensCount = 0;
  let unseen = 0;
  for (const ids of docs) {
    const text = tok.decode(ids);
    const n = encoder.encode(text).length;
    bytes += n;
    transformerBits += transformerBitsPerByte(inspector.model, ids, n, tok.endOfText) * n;
    const g = ngramBits(ngram, text);
    ngramTotal += g.bits;
    ngramTokensCount += g.tokens;
    unseen += g.unseen;
  }
  return {
    transformer: transformerBits / bytes, ngram: ngramTotal / bytes, bytes, documents: docs.length,
    ngramUnseen: ngramTokensCount ? unseen / ngramTokensCount : 0,
  };
}

/** The training split's text (documents decoded from the token stream; byte-level BPE is lossless). */
export function trainTexts(data: TokenData, tokenizer: BpeTokenizer): string[] {
  return splitDocuments(data.train, tokenizer.endOfText).map((ids) => tokenizer.decode(ids));
}
