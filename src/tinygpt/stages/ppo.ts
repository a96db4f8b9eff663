/**
 * Stage 4 — PPO with a KL penalty and a pre-training mix (InstructGPT step 3, Ouyang et al. 2022 §3.5,
 * Eq. 2: maximise E[r(x, y) − β log(π(y|x) / π_SFT(y|x))] + γ E_pretrain[log π(x)]).
 *
 * Each step: sample answers from the policy (temperature 1), score them with the reward model, and turn
 * that into per-token rewards — −β·(log π − log π_SFT) at every answer token, plus the score at the last
 * one. A value head on the policy's trunk estimates the return; GAE (Schulman et al. 2016) gives the
 * advantages; then a few epochs of the clipped surrogate (Schulman et al. 2017, ε = 0.2) plus a value
 * loss, plus γ · the next-token loss on a corpus batch (PPO-ptx).
 *
 * The value head shares the policy's trunk (InstructGPT used a separate value model initialised from the
 * reward model): one forward/backward pass serves both, which keeps a step affordable on a laptop.
 */
import type { GptConfig } from '../config';
import { Gpt, weightDecayMask } from '../model';
import type { Tensor } from '../ops';
import { Rng } from '../rng';
import { fillRows } from '../training';
import { StageOptimizer } from './stageOptimizer';
import { generate, TokenLogProbs } from './tokenLogProbs';

/** Rewards of full sequences (prompt + answer); promptLengths says where each answer starts. */
export type Scorer = (sequences: number[][], promptLengths: number[]) => number[];

export interface PpoSettings {
  steps: number;
  /** Answers sampled per step (episodes). */
  rollouts: number;
  maxNewTokens: number;
  /** Passes of the clipped update over each step's answers. */
  epochs: number;
  lr: number;
  /** KL coefficient (InstructGPT: 0.02). */
  beta: number;
  /** Pre-training loss coefficient (InstructGPT PPO-ptx: 27.8; 0 = plain PPO). */
  gamma: number;
  /** Corpus rows (of context tokens) per step for the ptx term. */
  ptxBatch: number;
  clip: number;
  /** GAE: discount and λ. */
  discount: number;
  lambda: number;
  valueCoef: number;
  temperature: number;
  seed: number;
}

export const DEFAULT_PPO: PpoSettings = {
  steps: 50, rollouts: 8, maxNewTokens: 24, epochs: 2, lr: 1e-4, beta: 0.02, gamma: 1, ptxBatch: 4,
  clip: 0.2, discount: 1, lambda: 0.95, valueCoef: 0.1, temperature: 1, seed: 1,
};

export interface PpoStepInfo {
  step: number;
  /** Mean reward-model score of this step's answers. */
  reward: number;
  /** Mean over answers of Σ_t (log π − log π_SFT): the sampled estimate of KL(π ‖ π_SFT) per answer. */
  kl: number;
  /** Next-token loss of the policy on this step's corpus batch (NaN without a corpus). */
  ptxLoss: number;
  policyLoss: number;
  valueLoss: number;
  /** Share of answer tokens whose ratio was clipped in the last epoch. */
  clipFraction: number;
  /** Mean answer length in tokens. */
  length: number;
  ms: number;
}

/** Generalised advantage estimation over one answer's per-token rewards and values (values after the end are 0). */
export function gae(rewards: ArrayLike<number>, values: ArrayLike<number>, discount: number, lambda: number): { advantages: Float64Array; returns: Float64Array } {
  const n = rewards.length;
  const advantages = new Float64Array(n);
  const returns = new Float64Array(n);
  let next = 0;
  let acc = 0;
  for (let t = n - 1; t >= 0; t--) {
    const delta = rewards[t] + discount * next - values[t];
    acc = delta + discount * lambda * acc;
    advantages[t] = acc;
    returns[t] = acc + values[t];
    next = values[t];
  }
  return { advantages, returns };
}

/**
 * The clipped surrogate of one token, −min(ρA, clip(ρ, 1 ± ε)A), and its derivative with respect to
 * log π (ρ = exp(log π − log π_old)): ρA where the unclipped term is the smaller one, 0 where the clip holds.
 */
export function clippedSurrogate(logp: number, oldLogp: number, advantage: number, clip: number): { loss: number; dLogp: number; clipped: boolean } {
  const ratio = Math.exp(logp - oldLogp);
  const unclipped = ratio * advantage;
  const clippedRatio = Math.min(Math.max(ratio, 1 - clip), 1 + clip);
  const clippedTerm = clippedRatio * advantage;
  const clipped = clippedTerm < unclipped;
  return { loss: -Math.min(unclipped, clippedTerm), dLogp: clipped ? 0 : -unclipped, clipped: clippedRatio !== ratio };
}

export class PpoTrainer {
  readonly settings: PpoSettings;
  readonly policy: Gpt;
  readonly reference: Gpt;
  /** Value head on the policy's trunk: dim weights, then the bias. */
  readonly valueHead: Float32Array;
  readonly valueGrad: Float32Array;
  readonly history: PpoStepInfo[] = [];
  step = 0;
  private readonly sampler: Gpt;
  private readonly ptxModel: Gpt;
  private readonly policyLp: TokenLogProbs;
  private readonly referenceLp: TokenLogProbs;
  private readonly optimizer: StageOptimizer;
  private readonly rng: Rng;

  /**
   * sftParams: the policy starts here (a copy) and the KL is measured against it (another copy, frozen).
   * corpus: token stream for the ptx term (null: none).
   */
  constructor(
    config: GptConfig, sftParams: Float32Array, readonly prompts: number[][], readonly scorer: Scorer,
    readonly corpus: Uint16Array | null, readonly endOfText: number, settings: Partial<PpoSettings> = {},
  ) {
    this.settings = { ...DEFAULT_PPO, ...settings };
    const s = this.settings;
    if (!prompts.length) throw new Error('PPO: no prompts');
    if (!(s.beta >= 0 && s.gamma >= 0)) throw new RangeError(`PPO: beta and gamma must be ≥ 0 (got ${s.beta}, ${s.gamma})`);
    this.policy = new Gpt(config, { params: Float32Array.from(sftParams) });
    // Sampling and the ptx batch use other shapes: separate activation buffers on the same weights and gradients.
    this.sampler = new Gpt(config, { params: this.policy.params as Float32Array, grads: this.policy.grads as Float32Array });
    this.ptxModel = new Gpt(config, { params: this.policy.params as Float32Array, grads: this.policy.grads as Float32Array });
    this.reference = new Gpt(config, { params: Float32Array.from(sftParams) });
    this.policyLp = new TokenLogProbs(this.policy);
    this.referenceLp = new TokenLogProbs(this.reference);
    this.valueHead = new Float32Array(config.dim + 1);
    this.valueGrad = new Float32Array(config.dim + 1);
    const headDecay = new Uint8Array(config.dim + 1);
    this.optimizer = new StageOptimizer([
      { params: this.policy.params, grads: this.policy.grads, decay: weightDecayMask(config) },
      { params: this.valueHead, grads: this.valueGrad, decay: headDecay },
    ]);
    this.rng = new Rng(s.seed);
  }

  private values(h: Tensor, N: number): Float64Array {
    const C = this.policy.config.dim;
    const out = new Float64Array(N);
    for (let n = 0; n < N; n++) {
      let v = this.valueHead[C];
      for (let c = 0; c < C; c++) v += this.valueHead[c] * h[n * C + c];
      out[n] = v;
    }
    return out;
  }

  /** Answers of the current policy to some prompts (for showing samples; greedy when temperature is 0). */
  sample(prompts: number[][], temperature = 0, seed = 0): number[][] {
    return generate(this.sampler, prompts, { maxNewTokens: this.settings.maxNewTokens, temperature, rng: new Rng(seed), endOfText: this.endOfText });
  }

  runStep(): PpoStepInfo {
    const started = performance.now();
    const s = this.settings;
    const { context: T } = this.policy.config;
    const B = s.rollouts;
    const N = B * T;

    // 1. Rollouts.
    const prompts = Array.from({ length: B }, () => {
      const p = this.prompts[this.rng.int(this.prompts.length)];
      return p.slice(Math.max(0, p.length - (T - 1)));
    });
    const answers = generate(this.sampler, prompts, { maxNewTokens: s.maxNewTokens, temperature: s.temperature, rng: this.rng, endOfText: this.endOfText });
    const sequences = prompts.map((p, b) => [...p, ...answers[b]].slice(0, T + 1));
    const promptLengths = prompts.map((p) => p.length);
    const x = new Int32Array(N).fill(this.endOfText);
    const y = new Int32Array(N).fill(this.endOfText);
    const mask = new Uint8Array(N);
    sequences.forEach((seq, b) => {
      for (let t = 0; t + 1 < seq.length; t++) {
        x[b * T + t] = seq[t];
        y[b * T + t] = seq[t + 1];
        if (t + 1 >= promptLengths[b]) mask[b * T + t] = 1;
      }
    });
    const count = mask.reduce((a, m) => a + m, 0);
    const scores = this.scorer(sequences, promptLengths);

    // 2. Old log-probs, reference log-probs, values; per-token rewards; GAE.
    const oldLp = this.policyLp.forward(x, y, B, T);
    const oldValues = this.values(this.policyLp.h, N);
    const refLp = this.referenceLp.forward(x, y, B, T);
    const advantages = new Float64Array(N);
    const returns = new Float64Array(N);
    let klSum = 0;
    for (let b = 0; b < B; b++) {
      const rows: number[] = [];
      for (let t = 0; t < T; t++) if (mask[b * T + t]) rows.push(b * T + t);
      if (!rows.length) continue;
      const rewards = rows.map((n) => -s.beta * (oldLp[n] - refLp[n]));
      rewards[rows.length - 1] += scores[b];
      for (const n of rows) klSum += oldLp[n] - refLp[n];
      const g = gae(rewards, rows.map((n) => oldValues[n]), s.discount, s.lambda);
      rows.forEach((n, i) => {
        advantages[n] = g.advantages[i];
        returns[n] = g.returns[i];
      });
    }
    // Whitened advantages: the step size does not depend on the reward model's scale.
    let mean = 0;
    let sq = 0;
    for (let n = 0; n < N; n++) if (mask[n]) mean += advantages[n] / count;
    for (let n = 0; n < N; n++) if (mask[n]) sq += (advantages[n] - mean) ** 2 / count;
    const std = Math.sqrt(sq) + 1e-8;
    for (let n = 0; n < N; n++) if (mask[n]) advantages[n] = (advantages[n] - mean) / std;

    // 3. Clipped-surrogate epochs (+ value loss, + γ · corpus loss).
    const C = this.policy.config.dim;
    let policyLoss = 0;
    let valueLoss = 0;
    let clipped = 0;
    let ptxLoss = NaN;
    const coef = new Float64Array(N);
    const dh = new Float32Array(N * C);
    for (let epoch = 0; epoch < s.epochs; epoch++) {
      this.optimizer.zeroGrad();
      const lp = this.policyLp.forward(x, y, B, T);
      const h = this.policyLp.h;
      const values = this.values(h, N);
      policyLoss = 0;
      valueLoss = 0;
      clipped = 0;
      coef.fill(0);
      dh.fill(0);
      for (let n = 0; n < N; n++) {
        if (!mask[n]) continue;
        const r = clippedSurrogate(lp[n], oldLp[n], advantages[n], s.clip);
        policyLoss += r.loss / count;
        coef[n] = r.dLogp / count;
        if (r.clipped) clipped++;
        const err = values[n] - returns[n];
        valueLoss += (0.5 * err * err) / count;
        const dv = (s.valueCoef * err) / count;
        for (let c = 0; c < C; c++) {
          this.valueGrad[c] += dv * h[n * C + c];
          dh[n * C + c] = dv * this.valueHead[c];
        }
        this.valueGrad[C] += dv;
      }
      this.policyLp.backward(coef, dh);
      if (this.corpus && (s.gamma > 0 || epoch === s.epochs - 1)) ptxLoss = this.ptx(s.gamma);
      this.optimizer.step(s.lr);
    }

    this.step++;
    const info: PpoStepInfo = {
      step: this.step, reward: scores.reduce((a, b) => a + b, 0) / B, kl: klSum / B, ptxLoss, policyLoss, valueLoss,
      clipFraction: count ? clipped / count : 0, length: answers.reduce((a, r) => a + r.length, 0) / B, ms: performance.now() - started,
    };
    this.history.push(info);
    return info;
  }

  /** Forward (and, with γ > 0, backward of γ · loss) on a corpus batch; returns its loss. */
  private ptx(gamma: number): number {
    const T = this.policy.config.context;
    const rows = this.settings.ptxBatch;
    const corpus = this.corpus!;
    const span = corpus.length - T - 1;
    if (span < 0) throw new RangeError(`PPO: ${corpus.length} corpus tokens are too few for context ${T}`);
    const offsets = Array.from({ length: rows }, () => this.rng.int(span + 1));
    const x = new Int32Array(rows * T);
    const y = new Int32Array(rows * T);
    fillRows(corpus, offsets, T, x, y);
    const r = this.ptxModel.forward(x, rows, T, y);
    // backward(count) scales by 1/count, so count / γ scales the mean loss's gradient by γ.
    if (gamma > 0) this.ptxModel.backward(r.count / gamma);
    return r.loss;
  }

  /** Mean next-token loss of the policy on fixed windows of a token stream (the "alignment tax" probe). */
  corpusLoss(tokens: Uint16Array, windows = 8): number {
    const T = this.policy.config.context;
    const step = Math.max(1, Math.floor((tokens.length - T - 1) / windows));
    const offsets = Array.from({ length: windows }, (_, i) => Math.min(i * step, tokens.length - T - 1));
    const x = new Int32Array(windows * T);
    const y = new Int32Array(windows * T);
    fillRows(tokens, offsets, T, x, y);
    return this.ptxModel.forward(x, windows, T, y).loss;
  }
}
