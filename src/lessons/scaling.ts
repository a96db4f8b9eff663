/**
 * Scaling arithmetic used in the lecture's GPT-size and Chinchilla sections. Figures are from the project's
 * verified fact sheet (§2.2, §3.4, §3.5): GPT-1 (Radford et al. 2018), GPT-2 (2019, model card, nanoGPT
 * configs), GPT-3 (Brown et al. 2020, Table 2.1), Chinchilla and Gopher (Hoffmann et al. 2022, arXiv 2203.15556).
 */

/** ≈12·L·d²: per decoder layer 4d² (Q, K, V, O) + 8d² (MLP with d_ff = 4d); Kaplan et al. 2020. */
export function approxParams(layers: number, dModel: number): number {
  return 12 * layers * dModel * dModel;
}

export interface TransformerShape {
  layers: number;
  dModel: number;
  vocab: number;
  context: number;
  /** GPT-2 and GPT-3 end with one more LayerNorm (2d); GPT-1 does not. */
  finalLayerNorm: boolean;
}

/** Exact count of a GPT decoder with d_ff = 4d and a tied output layer: 12Ld² + 13Ld + (V + n_ctx)·d (+ 2d). */
export function exactParams(shape: TransformerShape): number {
  const { layers: L, dModel: d, vocab, context, finalLayerNorm } = shape;
  return 12 * L * d * d + 13 * L * d + (vocab + context) * d + (finalLayerNorm ? 2 * d : 0);
}

export interface GptModel extends TransformerShape {
  id: string;
  name: string;
  heads: number;
  /** The count its authors published. */
  published: number;
}

export const GPT_MODELS: readonly GptModel[] = [
  { id: 'gpt-1', name: 'GPT-1', layers: 12, dModel: 768, heads: 12, context: 512, vocab: 40478, finalLayerNorm: false, published: 117e6 },
  { id: 'gpt-2-small', name: 'GPT-2 small', layers: 12, dModel: 768, heads: 12, context: 1024, vocab: 50257, finalLayerNorm: true, published: 124e6 },
  { id: 'gpt-2-medium', name: 'GPT-2 medium', layers: 24, dModel: 1024, heads: 16, context: 1024, vocab: 50257, finalLayerNorm: true, published: 355e6 },
  { id: 'gpt-2-large', name: 'GPT-2 large', layers: 36, dModel: 1280, heads: 20, context: 1024, vocab: 50257, finalLayerNorm: true, published: 774e6 },
  { id: 'gpt-2-xl', name: 'GPT-2 XL', layers: 48, dModel: 1600, heads: 25, context: 1024, vocab: 50257, finalLayerNorm: true, published: 1.5e9 },
  { id: 'gpt-3', name: 'GPT-3', layers: 96, dModel: 12288, heads: 96, context: 2048, vocab: 50257, finalLayerNorm: true, published: 175e9 },
];

/** C ≈ 6·N·D training FLOPs: ≈2 per parameter per token forward, ≈4 backward (Kaplan et al. 2020). */
export function trainingFlops(params: number, tokens: number): number {
  return 6 * params * tokens;
}

/** Chinchilla's rule of thumb: ≈20 training tokens per parameter (a reading of Hoffmann et al. Table 3). */
export const CHINCHILLA_TOKENS_PER_PARAM = 20;

export interface ComputeOptimal {
  params: number;
  tokens: number;
  flops: number;
}

/** With C = 6ND and D = r·N: N = √(C / 6r), D = r·N (r = 20 gives N ≈ √(C/120)). */
export function computeOptimal(flops: number, tokensPerParam = CHINCHILLA_TOKENS_PER_PARAM): ComputeOptimal {
  if (!(flops > 0) || !(tokensPerParam > 0)) return { params: 0, tokens: 0, flops: 0 };
  const params = Math.sqrt(flops / (6 * tokensPerParam));
  return { params, tokens: tokensPerParam * params, flops };
}

export function tokensPerParam(params: number, tokens: number): number {
  return params > 0 ? tokens / params : 0;
}

export interface TrainedModel {
  id: 'gpt-3' | 'gopher' | 'chinchilla';
  name: string;
  params: number;
  tokens: number;
  /** The compute the paper reports, where it gives one. */
  publishedFlops?: number;
}

export const TRAINED_MODELS: readonly TrainedModel[] = [
  { id: 'gpt-3', name: 'GPT-3', params: 175e9, tokens: 300e9, publishedFlops: 3.14e23 },
  { id: 'gopher', name: 'Gopher', params: 280e9, tokens: 300e9, publishedFlops: 5.76e23 },
  { id: 'chinchilla', name: 'Chinchilla', params: 70e9, tokens: 1.4e12 },
];

/** Chinchilla paper Table 3 rows quoted in the fact sheet (§2.10, §3.4): params → compute-optimal tokens. */
export const CHINCHILLA_TABLE3: readonly { params: number; tokens: number; flops?: number }[] = [
  { params: 1e9, tokens: 20.2e9 },
  { params: 10e9, tokens: 205.1e9 },
  { params: 67e9, tokens: 1.5e12 },
  { params: 175e9, tokens: 3.7e12, flops: 3.85e24 },
  { params: 280e9, tokens: 5.9e12, flops: 9.9e24 },
  { params: 1e12, tokens: 21.2e12, flops: 1.27e26 },
];

const SI: [number, string][] = [
  [1e12, 'T'],
  [1e9, 'B'],
  [1e6, 'M'],
  [1e3, 'K'],
];

/** 174_556_000_000 → "174.6B"; keeps `digits` significant figures (default 4), drops trailing zeros. */
export function formatCount(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  for (const [size, suffix] of SI) {
    if (abs >= size) return `${trimZeros((value / size).toPrecision(digits))}${suffix}`;
  }
  return trimZeros(value.toPrecision(digits));
}

/** 3.15e23 → "3.15e23" (plain e-notation, `digits` significant figures). */
export function formatScientific(value: number, digits = 3): string {
  if (value === 0) return '0';
  const [mantissa, exponent] = value.toExponential(digits - 1).split('e');
  return `${trimZeros(mantissa)}e${Number(exponent)}`;
}

function trimZeros(text: string): string {
  return text.includes('.') && !text.includes('e') ? text.replace(/\.?0+$/, '') : text;
}
