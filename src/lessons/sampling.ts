/**
 * Decoding maths shared by the n-gram model and the temperature widget: softmax with temperature,
 * top-k, top-p (nucleus, Holtzman et al. 2019), and a seeded PRNG so a fixed seed reproduces a sample.
 * Order of operations, as in common decoders: temperature, then top-k, then top-p, then draw.
 */

/** Below this temperature sampling is greedy (argmax); dividing logits by ~0 would overflow. */
export const GREEDY_TEMPERATURE = 1e-3;

/** mulberry32 (Tommy Ettinger's public-domain generator): 32-bit state, uniform floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** Index of the largest value; ties go to the lowest index so greedy decoding is deterministic. */
export function argmax(values: ArrayLike<number>): number {
  let best = -1;
  let bestValue = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] > bestValue) {
      bestValue = values[i];
      best = i;
    }
  }
  return best;
}

function oneHot(length: number, index: number): Float64Array {
  const out = new Float64Array(length);
  if (index >= 0) out[index] = 1;
  return out;
}

/** softmax(logits / T). T ≤ GREEDY_TEMPERATURE gives the one-hot argmax. −Infinity logits get 0. */
export function softmaxWithTemperature(logits: ArrayLike<number>, temperature = 1): Float64Array {
  if (!(temperature > GREEDY_TEMPERATURE)) return oneHot(logits.length, argmax(logits));
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  const out = new Float64Array(logits.length);
  if (max === -Infinity) return out;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const e = Math.exp((logits[i] - max) / temperature);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

/** Re-shape a probability distribution by temperature: p_i^(1/T) renormalised (= softmax(log p / T)). */
export function applyTemperature(probs: ArrayLike<number>, temperature = 1): Float64Array {
  const logits = new Float64Array(probs.length);
  for (let i = 0; i < probs.length; i++) logits[i] = probs[i] > 0 ? Math.log(probs[i]) : -Infinity;
  return softmaxWithTemperature(logits, temperature);
}

/** Indexes sorted by probability, highest first (stable: ties keep index order). */
export function rankIndexes(probs: ArrayLike<number>): number[] {
  const idx = Array.from({ length: probs.length }, (_, i) => i);
  return idx.sort((a, b) => probs[b] - probs[a] || a - b);
}

/** The k highest entries, highest first (ties: lower index first), in one pass: O(n·k) with k small. */
export function topIndexes(values: ArrayLike<number>, k: number): number[] {
  const out: number[] = [];
  if (k <= 0) return out;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (out.length === k && v <= values[out[k - 1]]) continue;
    let at = out.length;
    while (at > 0 && v > values[out[at - 1]]) at--;
    out.splice(at, 0, i);
    if (out.length > k) out.pop();
  }
  return out;
}

function renormalize(probs: Float64Array): Float64Array {
  let sum = 0;
  for (const p of probs) sum += p;
  if (sum > 0) for (let i = 0; i < probs.length; i++) probs[i] /= sum;
  return probs;
}

/** Keep the k most likely entries (k ≤ 0 or ≥ length: keep all), renormalised. */
export function topK(probs: ArrayLike<number>, k: number): Float64Array {
  const out = Float64Array.from(probs);
  if (!(k > 0) || k >= out.length) return renormalize(out);
  const keep = new Set(topIndexes(out, Math.floor(k)));
  for (let i = 0; i < out.length; i++) if (!keep.has(i)) out[i] = 0;
  return renormalize(out);
}

/** Keep the smallest set of most likely entries whose mass reaches p (p ≥ 1: keep all), renormalised. */
export function topP(probs: ArrayLike<number>, p: number): Float64Array {
  const out = Float64Array.from(probs);
  if (!(p < 1)) return renormalize(out);
  let total = 0;
  for (const x of out) total += x;
  const keep = new Set<number>();
  let mass = 0;
  for (const i of rankIndexes(out)) {
    if (out[i] <= 0) break;
    keep.add(i);
    mass += out[i];
    if (mass >= p * total - 1e-12) break;
  }
  for (let i = 0; i < out.length; i++) if (!keep.has(i)) out[i] = 0;
  return renormalize(out);
}

export interface DecodingOptions {
  temperature?: number;
  topK?: number;
  topP?: number;
}

/** The distribution a decoder actually draws from: temperature, then top-k, then top-p. */
export function decodingDistribution(probs: ArrayLike<number>, options: DecodingOptions = {}): Float64Array {
  let out = applyTemperature(probs, options.temperature ?? 1);
  if (options.topK !== undefined && options.topK > 0) out = topK(out, options.topK);
  if (options.topP !== undefined && options.topP < 1) out = topP(out, options.topP);
  return out;
}

/** Inverse-CDF draw with a uniform u ∈ [0, 1); falls back to the last positive entry on rounding. */
export function sampleIndex(probs: ArrayLike<number>, u: number): number {
  let acc = 0;
  let last = -1;
  for (let i = 0; i < probs.length; i++) {
    if (probs[i] <= 0) continue;
    acc += probs[i];
    last = i;
    if (u < acc) return i;
  }
  return last;
}
