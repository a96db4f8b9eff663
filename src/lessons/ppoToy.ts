/**
 * A toy of InstructGPT's RL objective (Ouyang et al. 2022, Eq. 2), maximised:
 *   objective(π) = E_{y∼π}[ r(y) − β·log(π(y)/π_SFT(y)) ] + γ·E_{x∼D_pretrain}[ log π(x) ]
 * with the prompt fixed and the "policy" a distribution over a handful of whole responses, so every
 * expectation is an exact finite sum:
 *   reward term  Σ π(y)·r(y),   KL term  β·Σ π(y)·log(π(y)/π_SFT(y)),   pretraining term  γ·Σ q(y)·log π(y)
 * where q is the pretraining distribution over the same responses (the toy's stand-in for D_pretrain).
 * The policy is trained by natural-gradient ascent on softmax logits from π_SFT (the update TRPO/PPO
 * approximate), each step clipped, with exact expectations instead of sampled episodes.
 * With β = 0 nothing holds the policy near π_SFT: it slides onto the reward model's favourite answer, the
 * KL grows without bound, and when that favourite is one the reward model over-rates, the true quality falls.
 */

export interface PpoSetup {
  /** r(y): the reward model's score of each response. */
  rewards: readonly number[];
  /** What people actually think of each response (not seen by the optimiser). */
  trueQuality: readonly number[];
  /** π_SFT(y): the frozen supervised policy, also the starting point. Sums to 1. */
  sft: readonly number[];
  /** q(y): the pretraining distribution the γ term keeps likely. Sums to 1. */
  pretrain: readonly number[];
}

export interface PpoCoefficients {
  beta: number;
  gamma: number;
}

export interface PolicyReport {
  policy: number[];
  /** Σ π r */
  reward: number;
  /** KL(π ‖ π_SFT) in nats */
  kl: number;
  /** Σ q log π (≤ 0) */
  pretrainLogLikelihood: number;
  /** reward − β·kl + γ·pretrainLogLikelihood */
  objective: number;
  /** Σ π · trueQuality */
  trueQuality: number;
}

export const PAPER_BETA = 0.02;
export const PAPER_GAMMA = 27.8;

/**
 * The toy's four answers to "Explain the moon landing to a 6 year old" (the InstructGPT paper's example
 * prompt): the reward model over-rates the long flattering one (index 2), as reward models over-rate length.
 */
export const DEFAULT_SETUP: PpoSetup = {
  rewards: [1.0, 0.5, 1.5, -1.0],
  trueQuality: [1.0, 0.6, 0.1, -1.0],
  sft: [0.35, 0.35, 0.05, 0.25],
  pretrain: [0.3, 0.4, 0.1, 0.2],
};

export function softmax(logits: readonly number[]): number[] {
  const max = Math.max(...logits);
  const exps = logits.map((x) => Math.exp(x - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** KL(p ‖ q) = Σ p log(p/q), with 0·log 0 = 0. */
export function klDivergence(p: readonly number[], q: readonly number[]): number {
  let kl = 0;
  for (let i = 0; i < p.length; i++) if (p[i] > 0) kl += p[i] * Math.log(p[i] / q[i]);
  return kl;
}

export function evaluatePolicy(policy: readonly number[], setup: PpoSetup, coefficients: PpoCoefficients): PolicyReport {
  const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, x, i) => s + x * b[i], 0);
  const reward = dot(policy, setup.rewards);
  const kl = klDivergence(policy, setup.sft);
  let pretrainLogLikelihood = 0;
  for (let i = 0; i < policy.length; i++) {
    if (setup.pretrain[i] > 0) pretrainLogLikelihood += setup.pretrain[i] * Math.log(Math.max(policy[i], Number.MIN_VALUE));
  }
  const objective = reward - coefficients.beta * kl + coefficients.gamma * pretrainLogLikelihood;
  return { policy: [...policy], reward, kl, pretrainLogLikelihood, objective, trueQuality: dot(policy, setup.trueQuality) };
}

/** ∂objective/∂θ for π = softmax(θ). Each term's gradient is bounded, so large steps stay finite. */
export function objectiveGradient(logits: readonly number[], setup: PpoSetup, coefficients: PpoCoefficients): number[] {
  const pi = softmax(logits);
  const meanReward = pi.reduce((s, p, i) => s + p * setup.rewards[i], 0);
  const kl = klDivergence(pi, setup.sft);
  return pi.map((p, k) => {
    const rewardGrad = p * (setup.rewards[k] - meanReward);
    const klGrad = p > 0 ? p * (Math.log(p / setup.sft[k]) - kl) : 0;
    const ptxGrad = setup.pretrain[k] - p;
    return rewardGrad - coefficients.beta * klGrad + coefficients.gamma * ptxGrad;
  });
}

/**
 * The natural-gradient direction (the steepest ascent under the KL geometry that TRPO and PPO approximate):
 * ∂objective/∂π(y) = r(y) − β·(log(π(y)/π_SFT(y)) + 1) + γ·q(y)/π(y), centred under π.
 */
export function naturalGradient(logits: readonly number[], setup: PpoSetup, coefficients: PpoCoefficients): number[] {
  const pi = softmax(logits);
  const g = pi.map((p, k) => setup.rewards[k] - coefficients.beta * Math.log(p / setup.sft[k]) + coefficients.gamma * (setup.pretrain[k] / p));
  const mean = pi.reduce((s, p, k) => s + p * g[k], 0);
  return g.map((x) => x - mean);
}

export interface TrainOptions {
  steps: number;
  /** Step size η (default 0.05). */
  learningRate?: number;
  /** Largest change of one logit per step, like PPO's clipped ratio (default 1). */
  clip?: number;
  /** Record every n-th step (always records step 0 and the last). */
  every?: number;
}

export interface TrainPoint extends PolicyReport {
  step: number;
}

/**
 * Natural-gradient ascent on the logits from π_SFT; returns the trajectory (step 0 = π_SFT). With β = γ = 0
 * the policy after t steps is exactly π_SFT·exp(η·t·r) renormalised, i.e. the β = 1/(ηt) optimum.
 */
export function trainPolicy(setup: PpoSetup, coefficients: PpoCoefficients, options: TrainOptions): TrainPoint[] {
  const lr = options.learningRate ?? 0.05;
  const clip = options.clip ?? 1;
  const every = Math.max(1, Math.floor(options.every ?? 1));
  const steps = Math.max(0, Math.floor(options.steps));
  const logits = setup.sft.map((p) => Math.log(p));
  const trajectory: TrainPoint[] = [{ step: 0, ...evaluatePolicy(softmax(logits), setup, coefficients) }];
  for (let step = 1; step <= steps; step++) {
    const direction = naturalGradient(logits, setup, coefficients);
    for (let i = 0; i < logits.length; i++) logits[i] += Math.max(-clip, Math.min(clip, lr * direction[i]));
    if (step % every === 0 || step === steps) trajectory.push({ step, ...evaluatePolicy(softmax(logits), setup, coefficients) });
  }
  return trajectory;
}

/**
 * The exact maximiser when γ = 0: π*(y) ∝ π_SFT(y)·exp(r(y)/β). At β = 0 it is all mass on the
 * highest-reward response (ties split evenly).
 */
export function optimalPolicyWithoutPretraining(setup: Pick<PpoSetup, 'rewards' | 'sft'>, beta: number): number[] {
  if (beta <= 0) {
    const best = Math.max(...setup.rewards);
    const winners = setup.rewards.map((r) => (r === best ? 1 : 0));
    const count = winners.reduce<number>((a, b) => a + b, 0);
    return winners.map((w) => w / count);
  }
  return softmax(setup.rewards.map((r, i) => Math.log(setup.sft[i]) + r / beta));
}

/** Index of the reward model's favourite response. */
export function rewardFavourite(setup: Pick<PpoSetup, 'rewards'>): number {
  return setup.rewards.indexOf(Math.max(...setup.rewards));
}
