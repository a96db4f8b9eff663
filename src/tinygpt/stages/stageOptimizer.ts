/**
 * AdamW over several parameter groups (the GPT's flat vector plus a small head), with one global
 * gradient-norm clip across all of them — the pre-training optimizer's functions applied per group.
 */
import type { Tensor } from '../ops';
import { adamwStep, clipScale, sumOfSquares } from '../optimizer';

export interface ParamGroup {
  params: Tensor;
  grads: Tensor;
  /** 1 where weight decay applies. */
  decay: Uint8Array;
}

export interface AdamSettings {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  gradClip: number;
}

/** Fine-tuning defaults: lighter decay than pre-training (the weights start somewhere good). */
export const FINE_TUNE_ADAM: AdamSettings = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.01, gradClip: 1 };

export class StageOptimizer {
  private readonly state: Array<{ m: Float32Array; v: Float32Array }>;
  t = 0;

  constructor(readonly groups: ParamGroup[], readonly settings: AdamSettings = FINE_TUNE_ADAM) {
    this.state = groups.map((g) => ({ m: new Float32Array(g.params.length), v: new Float32Array(g.params.length) }));
  }

  zeroGrad(): void {
    for (const g of this.groups) g.grads.fill(0);
  }

  /** One AdamW step; returns the gradient norm before clipping. */
  step(lr: number): number {
    const norm = Math.sqrt(this.groups.reduce((s, g) => s + sumOfSquares(g.grads), 0));
    const scale = clipScale(norm, this.settings.gradClip);
    this.t++;
    this.groups.forEach((g, i) => adamwStep(g.params, g.grads, this.state[i], g.decay, this.t, lr, scale, this.settings));
    return norm;
  }
}
