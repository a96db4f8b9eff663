/**
 * InstructGPT reward-model loss (Ouyang et al. 2022, arXiv 2203.02155, Eq. 1):
 *   loss(θ) = −1/C(K,2) · E[ log σ(r_θ(x, y_w) − r_θ(x, y_l)) ]
 * over every pair of the K answers a labeler ranked for one prompt. The C(K,2) pairs of one prompt form
 * one batch element (§3.5): each answer goes through the reward model once, and no answer is reused in
 * K − 1 separate gradient updates (which made the model overfit).
 */

export function binomial(n: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(k) || k < 0 || n < 0 || k > n) return 0;
  let result = 1;
  const kk = Math.min(k, n - k);
  for (let i = 1; i <= kk; i++) result = (result * (n - kk + i)) / i;
  return Math.round(result);
}

/** log σ(x), exact for large |x| (never log(0), never exp overflow). */
export function logSigmoid(x: number): number {
  return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
}

export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** −log σ(r_w − r_l): the loss of one (preferred, rejected) pair. */
export function pairLoss(rewardWinner: number, rewardLoser: number): number {
  return -logSigmoid(rewardWinner - rewardLoser);
}

/** Index pairs [winner, loser] for K answers listed best first: (0,1), (0,2), …, (K−2, K−1). */
export function rankedPairs(k: number): [number, number][] {
  const pairs: [number, number][] = [];
  for (let w = 0; w < k; w++) for (let l = w + 1; l < k; l++) pairs.push([w, l]);
  return pairs;
}

export interface PairTerm {
  /** Positions in the preference order (0 = best). */
  winner: number;
  loser: number;
  rewardWinner: number;
  rewardLoser: number;
  /** r_w − r_l */
  margin: number;
  /** σ(r_w − r_l): the modelled probability that a labeler prefers the winner (Bradley–Terry). */
  probability: number;
  /** −log σ(r_w − r_l) */
  loss: number;
}

export interface RankingLossResult {
  k: number;
  pairs: PairTerm[];
  /** Mean of the pair losses: the paper's 1/C(K,2) normalisation. 0 when K < 2. */
  loss: number;
  /** Sum of the pair losses. */
  total: number;
}

/** rewards[i] = r_θ(x, y_i) for the answers in preference order (rewards[0] is the labeler's favourite). */
export function rankingLoss(rewardsInPreferenceOrder: readonly number[]): RankingLossResult {
  const k = rewardsInPreferenceOrder.length;
  const pairs = rankedPairs(k).map(([winner, loser]): PairTerm => {
    const rewardWinner = rewardsInPreferenceOrder[winner];
    const rewardLoser = rewardsInPreferenceOrder[loser];
    const margin = rewardWinner - rewardLoser;
    return { winner, loser, rewardWinner, rewardLoser, margin, probability: sigmoid(margin), loss: -logSigmoid(margin) };
  });
  const total = pairs.reduce((sum, p) => sum + p.loss, 0);
  return { k, pairs, total, loss: pairs.length ? total / pairs.length : 0 };
}

export interface BatchingCost {
  pairs: number;
  /** Reward-model forward passes when the C(K,2) pairs of a prompt share one batch element: K. */
  forwardPassesGrouped: number;
  /** … when every pair is an independent sample: 2·C(K,2). */
  forwardPassesShuffled: number;
  /** How many separate gradient updates each answer takes part in when pairs are shuffled: K − 1. */
  updatesPerAnswerShuffled: number;
}

export function batchingCost(k: number): BatchingCost {
  const pairs = binomial(k, 2);
  return { pairs, forwardPassesGrouped: k, forwardPassesShuffled: 2 * pairs, updatesPerAnswerShuffled: Math.max(0, k - 1) };
}
