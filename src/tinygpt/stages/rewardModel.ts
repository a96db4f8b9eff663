/**
 * Stage 3 — the reward model (InstructGPT step 2, Ouyang et al. 2022 §3.5): the SFT model with the
 * output projection replaced by a scalar head, r(x, y) = w · h_last + b, read at the last token of
 * prompt + answer. Trained on rankings: the C(K,2) pairs of one ranking of K answers are one batch element,
 *   loss = −1/|pairs| · Σ log σ(r_w − r_l),
 * so each answer goes through the model once per step.
 */
import type { BpeTokenizer } from '../bpe';
import type { GptConfig } from '../config';
import { Gpt, weightDecayMask } from '../model';
import type { Tensor } from '../ops';
import { learningRate } from '../optimizer';
import { Rng } from '../rng';
import { pairLoss, sigmoid } from '../../lessons/rankingLoss';
import { preferencePairs, rankAnswers, type LabelerRule } from './labeler';
import type { SftExample } from './sftData';
import { Epochs } from './epochs';
import { StageOptimizer } from './stageOptimizer';
import { encodeAll } from './sft';
import { generate } from './tokenLogProbs';

/** K answers to one prompt (full token sequences: prompt + answer) and the pairs the labeler decided. */
export interface Ranking {
  sequences: number[][];
  /** [winner, loser] indexes into sequences. */
  pairs: Array<[number, number]>;
  /** For showing: the answers' text, the labeler's order (best first) and scores. */
  answers?: string[];
  order?: number[];
  scores?: number[];
}

export class RewardModel {
  readonly gpt: Gpt;
  /** Scalar head: dim weights, then the bias. */
  readonly head: Tensor;
  readonly headGrad: Tensor;
  private lastRows: number[] = [];
  private B = 0;
  private h: Tensor = new Float32Array(0);

  /** Starts from a language model's weights (copied); the head starts at zero unless given. */
  constructor(config: GptConfig, params: Tensor, head?: ArrayLike<number>, options: { float64?: boolean } = {}) {
    const Arr = options.float64 ? Float64Array : Float32Array;
    this.gpt = new Gpt(config, { params: Arr.from(params) as Float32Array, grads: new Arr(params.length) as Float32Array, float64: options.float64 });
    this.head = new Arr(config.dim + 1);
    if (head) this.head.set(Arr.from(head));
    this.headGrad = new Arr(config.dim + 1);
  }

  /**
   * Rewards of sequences (each cut to the last `context` tokens), one forward pass over a right-padded
   * batch: attention is causal, so a row's last token never sees the padding after it.
   */
  score(sequences: number[][], pad: number): number[] {
    const T = this.gpt.config.context;
    const C = this.gpt.config.dim;
    const B = sequences.length;
    const x = new Int32Array(B * T).fill(pad);
    this.lastRows = sequences.map((s, b) => {
      const seq = s.length > T ? s.slice(s.length - T) : s;
      for (let t = 0; t < seq.length; t++) x[b * T + t] = seq[t];
      return b * T + seq.length - 1;
    });
    this.B = B;
    const h = this.gpt.forwardTrunk(x, B, T);
    this.h = h; // the final LayerNorm's output buffer, valid until the next pass
    return this.lastRows.map((row) => {
      let r = this.head[C];
      for (let c = 0; c < C; c++) r += this.head[c] * h[row * C + c];
      return r;
    });
  }

  /**
   * Loss of a batch of rankings (the mean over rankings of each ranking's mean pair loss) and its gradient,
   * added into the trunk's and the head's gradients.
   */
  lossAndGrad(rankings: Ranking[], pad: number): { loss: number; pairs: number; correct: number } {
    const sequences = rankings.flatMap((r) => r.sequences);
    const rewards = this.score(sequences, pad);
    const dr = new Float64Array(sequences.length);
    let loss = 0;
    let pairs = 0;
    let correct = 0;
    let base = 0;
    const R = rankings.filter((r) => r.pairs.length > 0).length || 1;
    for (const r of rankings) {
      const P = r.pairs.length;
      for (const [w, l] of r.pairs) {
        const diff = rewards[base + w] - rewards[base + l];
        loss += pairLoss(rewards[base + w], rewards[base + l]) / P / R;
        // d/dr_w of −log σ(r_w − r_l) = −σ(−(r_w − r_l)); d/dr_l the opposite.
        const g = -sigmoid(-diff) / P / R;
        dr[base + w] += g;
        dr[base + l] -= g;
        if (diff > 0) correct++;
      }
      pairs += P;
      base += r.sequences.length;
    }
    this.backward(dr);
    return { loss, pairs, correct };
  }

  /** Backward from d loss / d reward of each row of the last score() call. */
  backward(dr: ArrayLike<number>): void {
    const { context: T, dim: C } = this.gpt.config;
    const trunk = this.h;
    const dh = new (this.head instanceof Float64Array ? Float64Array : Float32Array)(this.B * T * C);
    this.lastRows.forEach((row, b) => {
      const d = dr[b];
      if (d === 0) return;
      for (let c = 0; c < C; c++) {
        this.headGrad[c] += d * trunk[row * C + c];
        dh[row * C + c] = d * this.head[c];
      }
      this.headGrad[C] += d;
    });
    this.gpt.backwardTrunk(dh);
  }

  /** Fraction of the rankings' pairs whose winner gets the higher reward (a tie counts half: chance is 0.5). */
  pairAccuracy(rankings: Ranking[], pad: number, batch = 4): number {
    let correct = 0;
    let total = 0;
    for (let i = 0; i < rankings.length; i += batch) {
      const part = rankings.slice(i, i + batch);
      const rewards = this.score(part.flatMap((r) => r.sequences), pad);
      let base = 0;
      for (const r of part) {
        for (const [w, l] of r.pairs) {
          const diff = rewards[base + w] - rewards[base + l];
          correct += diff > 0 ? 1 : diff === 0 ? 0.5 : 0;
          total++;
        }
        base += r.sequences.length;
      }
    }
    return total ? correct / total : NaN;
  }
}

/**
 * A ranking the learner made (a panel's drag-and-drop order, best first): the prompt's tokens, the K answers'
 * tokens, and the order. Every pair counts — a person ranking four answers has decided all six comparisons.
 */
export function rankingFromOrder(prompt: number[], answers: number[][], order: number[]): Ranking {
  const K = answers.length;
  if (order.length !== K || new Set(order).size !== K || order.some((i) => !(Number.isInteger(i) && i >= 0 && i < K))) {
    throw new RangeError(`reward model: the order must list each of the ${K} answers once`);
  }
  return { sequences: answers.map((a) => [...prompt, ...a]), pairs: preferencePairs(order), order };
}

/**
 * Rankings from the scripted labeler: the policy samples K answers per prompt (temperature 1, as
 * InstructGPT's comparisons were sampled), the rule orders them, every untied pair is kept.
 */
export function collectRankings(
  policy: Gpt, tokenizer: BpeTokenizer, examples: SftExample[], rule: LabelerRule,
  o: { K?: number; maxNewTokens?: number; seed?: number; temperature?: number },
): Ranking[] {
  const K = o.K ?? 4;
  const rng = new Rng(o.seed ?? 1);
  const prompts = encodeAll(tokenizer, examples, policy.config.context).map((e) => e.tokens.slice(0, e.promptLength));
  const out: Ranking[] = [];
  const chunk = Math.max(1, Math.floor(16 / K));
  for (let i = 0; i < prompts.length; i += chunk) {
    const part = prompts.slice(i, i + chunk);
    const answers = generate(policy, part.flatMap((p) => Array.from({ length: K }, () => p)), {
      maxNewTokens: o.maxNewTokens ?? 24, temperature: o.temperature ?? 1, rng, endOfText: tokenizer.endOfText,
    });
    part.forEach((prompt, j) => {
      const mine = answers.slice(j * K, (j + 1) * K);
      const candidates = mine.map((a) => ({ text: tokenizer.decode(a.filter((id) => id !== tokenizer.endOfText)), finished: a.at(-1) === tokenizer.endOfText }));
      const { order, scores } = rankAnswers(rule, candidates, examples[i + j].keyTerms);
      out.push({
        sequences: mine.map((a) => [...prompt, ...a]), pairs: preferencePairs(order, scores),
        answers: candidates.map((c) => c.text), order, scores,
      });
    });
  }
  return out;
}

export interface RewardSettings {
  steps: number;
  /** Rankings per step (each K sequences). */
  batch: number;
  lr: number;
  warmupSteps: number;
  seed: number;
}

export const DEFAULT_REWARD: RewardSettings = { steps: 100, batch: 4, lr: 3e-4, warmupSteps: 5, seed: 1 };

export interface RewardStepInfo {
  step: number;
  loss: number;
  /** Pairs of this batch ordered as the labeler did. */
  batchAccuracy: number;
  lr: number;
  ms: number;
}

export class RewardTrainer {
  readonly settings: RewardSettings;
  readonly losses: number[] = [];
  step = 0;
  private readonly optimizer: StageOptimizer;
  private readonly epochs: Epochs<Ranking>;

  constructor(readonly rm: RewardModel, readonly train: Ranking[], readonly heldOut: Ranking[], readonly pad: number, settings: Partial<RewardSettings> = {}) {
    this.settings = { ...DEFAULT_REWARD, ...settings };
    if (!train.some((r) => r.pairs.length)) throw new Error('reward model: no ranked pairs to learn from');
    const headDecay = new Uint8Array(rm.head.length).fill(1, 0, rm.head.length - 1);
    this.optimizer = new StageOptimizer([
      { params: rm.gpt.params, grads: rm.gpt.grads, decay: weightDecayMask(rm.gpt.config) },
      { params: rm.head, grads: rm.headGrad, decay: headDecay },
    ]);
    this.epochs = new Epochs(train, new Rng(this.settings.seed), (r) => r.pairs.length > 0);
  }

  runStep(): RewardStepInfo {
    const started = performance.now();
    const { lr: peak, warmupSteps, steps } = this.settings;
    this.optimizer.zeroGrad();
    const { loss, pairs, correct } = this.rm.lossAndGrad(this.epochs.batch(this.settings.batch), this.pad);
    const lr = learningRate(this.step, { lr: peak, warmupSteps, steps, minLrRatio: 0.1 });
    this.optimizer.step(lr);
    this.step++;
    this.losses.push(loss);
    return { step: this.step, loss, batchAccuracy: pairs ? correct / pairs : NaN, lr, ms: performance.now() - started };
  }

  heldOutAccuracy(): number {
    return this.rm.pairAccuracy(this.heldOut, this.pad);
  }
}
