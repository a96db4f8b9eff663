/**
 * AdamW (Loshchilov & Hutter 2019) over the flat parameter vector, the learning-rate schedule (linear
 * warm-up, then cosine decay) and global gradient-norm clipping, as nanoGPT trains GPT-2. Every function
 * takes a [lo, hi) range so workers can each update their own shard of one shared vector.
 */
import type { TrainConfig } from './config';
import type { Tensor } from './ops';

/** Linear warm-up to lr over warmupSteps, then cosine decay to lr · minLrRatio at `steps`. */
export function learningRate(step: number, c: Pick<TrainConfig, 'lr' | 'warmupSteps' | 'steps' | 'minLrRatio'>): number {
  if (step < c.warmupSteps) return (c.lr * (step + 1)) / c.warmupSteps;
  const minLr = c.lr * c.minLrRatio;
  if (step >= c.steps) return minLr;
  const progress = (step - c.warmupSteps) / Math.max(1, c.steps - c.warmupSteps);
  return minLr + 0.5 * (1 + Math.cos(Math.PI * progress)) * (c.lr - minLr);
}

export function sumOfSquares(values: Tensor, lo = 0, hi = values.length): number {
  let s = 0;
  for (let i = lo; i < hi; i++) s += values[i] * values[i];
  return s;
}

/** The factor that brings a gradient of this norm down to maxNorm (1 when under it or clipping is off). */
export function clipScale(norm: number, maxNorm: number): number {
  return maxNorm > 0 && norm > maxNorm ? maxNorm / (norm + 1e-6) : 1;
}

export interface AdamState {
  m: Float32Array;
  v: Float32Array;
}

/**
 * One AdamW step (t counts from 1) on params[lo, hi):
 *   g ← g·gradScale;  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²
 *   θ ← θ − lr · ( m̂ / (√v̂ + ε) + λ·decay·θ )   with bias-corrected m̂, v̂.
 */
export function adamwStep(
  params: Tensor, grads: Tensor, state: AdamState, decayMask: Uint8Array,
  t: number, lr: number, gradScale: number, c: Pick<TrainConfig, 'beta1' | 'beta2' | 'eps' | 'weightDecay'>,
  lo = 0, hi = params.length,
): void {
  const { beta1, beta2, eps, weightDecay } = c;
  const { m, v } = state;
  const c1 = 1 / (1 - Math.pow(beta1, t));
  const c2 = 1 / (1 - Math.pow(beta2, t));
  for (let i = lo; i < hi; i++) {
    const g = grads[i] * gradScale;
    const mi = beta1 * m[i] + (1 - beta1) * g;
    const vi = beta2 * v[i] + (1 - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    const update = (mi * c1) / (Math.sqrt(vi * c2) + eps) + (decayMask[i] ? weightDecay * params[i] : 0);
    params[i] -= lr * update;
  }
}
