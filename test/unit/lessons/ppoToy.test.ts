import assert from 'node:assert/strict';
import {
  DEFAULT_SETUP, evaluatePolicy, klDivergence, objectiveGradient, optimalPolicyWithoutPretraining, rewardFavourite, softmax, trainPolicy,
} from '../../../src/lessons/ppoToy';

const near = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) < eps, `${a} ≉ ${b}`);

describe('PPO-ptx toy objective (InstructGPT Eq. 2)', () => {
  it('KL(p‖q) by hand: p = (½, ½), q = (¼, ¾) → ½ln2 + ½ln(2/3)', () => {
    near(klDivergence([0.5, 0.5], [0.25, 0.75]), 0.5 * Math.log(2) + 0.5 * Math.log(2 / 3));
    near(klDivergence([0, 1], [0.5, 0.5]), Math.log(2));
  });

  it('objective = E[r] − β·KL + γ·E_pretrain[log π], term by term', () => {
    const policy = [0.4, 0.3, 0.2, 0.1];
    const report = evaluatePolicy(policy, DEFAULT_SETUP, { beta: 0.5, gamma: 0.25 });
    const reward = 0.4 * 1 + 0.3 * 0.5 + 0.2 * 1.5 + 0.1 * -1;
    const kl = [0.4, 0.3, 0.2, 0.1].reduce((s, p, i) => s + p * Math.log(p / DEFAULT_SETUP.sft[i]), 0);
    const ptx = DEFAULT_SETUP.pretrain.reduce((s, q, i) => s + q * Math.log(policy[i]), 0);
    near(report.reward, reward);
    near(report.kl, kl);
    near(report.pretrainLogLikelihood, ptx);
    near(report.objective, reward - 0.5 * kl + 0.25 * ptx);
  });

  it('starts at π_SFT with KL = 0', () => {
    const [start] = trainPolicy(DEFAULT_SETUP, { beta: 0, gamma: 0 }, { steps: 0 });
    near(start.kl, 0);
    assert.deepEqual(start.policy.map((p) => p.toFixed(6)), DEFAULT_SETUP.sft.map((p) => p.toFixed(6)));
  });

  it('β = 0: the policy collapses onto the reward model\'s favourite, KL keeps growing, true quality falls', () => {
    const favourite = rewardFavourite(DEFAULT_SETUP);
    assert.equal(favourite, 2, 'the over-rated long answer');
    const run = trainPolicy(DEFAULT_SETUP, { beta: 0, gamma: 0 }, { steps: 400, every: 50 });
    for (let i = 1; i < run.length; i++) {
      assert.ok(run[i].kl > run[i - 1].kl, `KL grows at step ${run[i].step}`);
      assert.ok(run[i].reward >= run[i - 1].reward - 1e-12, 'reward never falls');
    }
    const last = run[run.length - 1];
    assert.ok(last.policy[favourite] > 0.97, `π(favourite) = ${last.policy[favourite]}`);
    assert.ok(last.kl > 2.8, `KL → log(1/π_SFT(favourite)) = ${Math.log(20).toFixed(2)}, got ${last.kl}`);
    assert.ok(last.trueQuality < run[0].trueQuality, 'reward hacking: the people\'s score drops');
  });

  it('β = γ = 0: after t steps of size η the policy is π_SFT·exp(η·t·r), the β = 1/(ηt) optimum', () => {
    const last = trainPolicy(DEFAULT_SETUP, { beta: 0, gamma: 0 }, { steps: 40, learningRate: 0.05 }).at(-1)!;
    const expected = softmax(DEFAULT_SETUP.sft.map((s, i) => Math.log(s) + 0.05 * 40 * DEFAULT_SETUP.rewards[i]));
    expected.forEach((p, i) => near(last.policy[i], p, 1e-9));
    optimalPolicyWithoutPretraining(DEFAULT_SETUP, 1 / (0.05 * 40)).forEach((p, i) => near(last.policy[i], p, 1e-9));
  });

  it('a strong KL penalty keeps the policy near π_SFT and on the truly good answer', () => {
    const last = trainPolicy(DEFAULT_SETUP, { beta: 1, gamma: 0 }, { steps: 2000 }).at(-1)!;
    const exact = optimalPolicyWithoutPretraining(DEFAULT_SETUP, 1);
    for (let i = 0; i < exact.length; i++) near(last.policy[i], exact[i], 1e-3);
    assert.ok(last.kl < 0.5);
    assert.ok(last.trueQuality > 0.4);
    assert.equal(last.policy.indexOf(Math.max(...last.policy)), 0, 'the clear, short answer wins');
  });

  it('closed form π* ∝ π_SFT·exp(r/β): β → 0 is one-hot on the favourite, β → ∞ is π_SFT', () => {
    assert.deepEqual(optimalPolicyWithoutPretraining(DEFAULT_SETUP, 0), [0, 0, 1, 0]);
    const wide = optimalPolicyWithoutPretraining(DEFAULT_SETUP, 1e9);
    wide.forEach((p, i) => near(p, DEFAULT_SETUP.sft[i], 1e-6));
  });

  it('the γ (pretraining) term pulls the policy back towards the pretraining distribution', () => {
    const without = trainPolicy(DEFAULT_SETUP, { beta: 0, gamma: 0 }, { steps: 400 }).at(-1)!;
    const withPtx = trainPolicy(DEFAULT_SETUP, { beta: 0, gamma: 1 }, { steps: 400 }).at(-1)!;
    assert.ok(withPtx.pretrainLogLikelihood > without.pretrainLogLikelihood);
    assert.ok(withPtx.policy[2] < without.policy[2]);
  });

  it('the analytic gradient matches finite differences', () => {
    const logits = [0.3, -0.2, 0.9, -1.1];
    const coefficients = { beta: 0.7, gamma: 0.4 };
    const grad = objectiveGradient(logits, DEFAULT_SETUP, coefficients);
    const objectiveAt = (l: number[]) => {
      const m = Math.max(...l);
      const e = l.map((x) => Math.exp(x - m));
      const s = e.reduce((a, b) => a + b, 0);
      return evaluatePolicy(e.map((x) => x / s), DEFAULT_SETUP, coefficients).objective;
    };
    for (let i = 0; i < logits.length; i++) {
      const h = 1e-6;
      const up = [...logits];
      const down = [...logits];
      up[i] += h;
      down[i] -= h;
      near(grad[i], (objectiveAt(up) - objectiveAt(down)) / (2 * h), 1e-6);
    }
  });
});
