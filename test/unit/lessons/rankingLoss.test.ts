import assert from 'node:assert/strict';
import {
  batchingCost, binomial, logSigmoid, pairLoss, rankedPairs, rankingLoss, sigmoid,
} from '../../../src/lessons/rankingLoss';

describe('pairwise ranking loss (InstructGPT Eq. 1)', () => {
  it('K = 2 with equal rewards: −log σ(0) = ln 2', () => {
    assert.ok(Math.abs(rankingLoss([0.7, 0.7]).loss - Math.LN2) < 1e-12);
  });

  it('the fact sheet worked check: r_w = 3.0, r_l = 1.3 → ≈ 0.168', () => {
    assert.equal(pairLoss(3.0, 1.3).toFixed(3), '0.168');
  });

  it('K = 4 gives C(4,2) = 6 pairs, best-first, each winner ranked above its loser', () => {
    const pairs = rankedPairs(4);
    assert.equal(pairs.length, 6);
    assert.deepEqual(pairs, [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]);
    assert.equal(binomial(9, 2), 36);
  });

  it('the loss is the mean over the C(K,2) pairs (1/C(K,2) normalisation)', () => {
    const rewards = [2, 1, 0.5, -1];
    const result = rankingLoss(rewards);
    const byHand = rankedPairs(4).reduce((s, [w, l]) => s + Math.log1p(Math.exp(-(rewards[w] - rewards[l]))), 0) / 6;
    assert.ok(Math.abs(result.loss - byHand) < 1e-12);
    assert.equal(result.pairs.length, 6);
    assert.ok(Math.abs(result.total - 6 * result.loss) < 1e-12);
  });

  it('a reward model that agrees with the ranking has lower loss than one that reverses it', () => {
    assert.ok(rankingLoss([3, 2, 1]).loss < rankingLoss([1, 2, 3]).loss);
    assert.ok(rankingLoss([3, 2, 1]).loss < Math.LN2);
    assert.ok(rankingLoss([1, 2, 3]).loss > Math.LN2);
  });

  it('σ(r_w − r_l) is the Bradley–Terry preference probability e^{r_w}/(e^{r_w}+e^{r_l})', () => {
    const [pair] = rankingLoss([1.2, -0.3]).pairs;
    assert.ok(Math.abs(pair.probability - Math.exp(1.2) / (Math.exp(1.2) + Math.exp(-0.3))) < 1e-12);
    assert.ok(Math.abs(pair.margin - 1.5) < 1e-12);
  });

  it('stays finite and exact for huge margins (no log(0), no overflow)', () => {
    assert.equal(pairLoss(1000, 0), 0);
    assert.ok(Math.abs(pairLoss(0, 1000) - 1000) < 1e-9);
    assert.ok(Math.abs(logSigmoid(-800) + 800) < 1e-9);
    assert.ok(pairLoss(40, 0) > 0, 'tiny but not rounded away');
    assert.equal(sigmoid(-1000), 0);
    assert.equal(sigmoid(1000), 1);
  });

  it('K < 2 has no pairs and zero loss', () => {
    assert.deepEqual(rankingLoss([1]), { k: 1, pairs: [], loss: 0, total: 0 });
  });

  it('one batch element per prompt: K forward passes instead of 2·C(K,2); each answer reused K−1 times otherwise', () => {
    assert.deepEqual(batchingCost(4), { pairs: 6, forwardPassesGrouped: 4, forwardPassesShuffled: 12, updatesPerAnswerShuffled: 3 });
    assert.equal(batchingCost(9).forwardPassesShuffled, 72);
  });
});
