import assert from 'node:assert/strict';
import { Rng } from '../../../../src/tinygpt/rng';
import { LocalTrainer, TrainState } from '../../../../src/tinygpt/training';
import { clippedSurrogate, gae, PpoTrainer, type PpoSettings, type PpoStepInfo } from '../../../../src/tinygpt/stages/ppo';

// A tiny world: 12 tokens, a "corpus" that mostly counts 0…9, a reference policy pre-trained on it, and a
// planted reward model that likes token 3 — a reward a policy can hack by saying "3 3 3 3".
const V = 12;
const EOT = 11;
const LIKED = 3;
const CONFIG = { vocabSize: V, context: 16, layers: 1, heads: 2, dim: 16 };
const PROMPTS = [[0, 1, 2], [5, 6], [7], [2, 3, 4, 5]];
const STEPS = 40;

function world(): { corpus: Uint16Array; sft: Float32Array } {
  const rng = new Rng(4);
  const corpus = new Uint16Array(4000);
  for (let i = 1; i < corpus.length; i++) corpus[i] = rng.next() < 0.05 ? EOT : rng.next() < 0.7 ? (corpus[i - 1] + 1) % 10 : rng.int(10);
  const state = TrainState.create(CONFIG, { batch: 8, lr: 1e-2, steps: 60, warmupSteps: 5, seed: 3 });
  const trainer = new LocalTrainer(state, { train: corpus, val: corpus });
  for (let i = 0; i < 60; i++) trainer.step();
  return { corpus, sft: state.params };
}

const likesThree = (seqs: number[][], promptLengths: number[]): number[] =>
  seqs.map((s, b) => {
    const answer = s.slice(promptLengths[b]);
    return answer.length ? answer.filter((t) => t === LIKED).length / answer.length : 0;
  });

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('tiny GPT stage 4: PPO with a KL penalty and a pre-training mix', function () {
  this.timeout(120_000);
  let corpus: Uint16Array;
  let sft: Float32Array;
  const run = (settings: Partial<PpoSettings>): { history: PpoStepInfo[]; corpusBefore: number; corpusAfter: number } => {
    const ppo = new PpoTrainer(CONFIG, sft, PROMPTS, likesThree, corpus, EOT, {
      steps: STEPS, rollouts: 16, maxNewTokens: 8, epochs: 2, lr: 3e-3, gamma: 0, ptxBatch: 4, seed: 9, ...settings,
    });
    const corpusBefore = ppo.corpusLoss(corpus);
    for (let i = 0; i < STEPS; i++) ppo.runStep();
    return { history: ppo.history, corpusBefore, corpusAfter: ppo.corpusLoss(corpus) };
  };
  const last = (h: PpoStepInfo[], key: 'reward' | 'kl'): number => mean(h.slice(-10).map((s) => s[key]));
  let leashed: ReturnType<typeof run>;
  let unleashed: ReturnType<typeof run>;

  before(() => {
    ({ corpus, sft } = world());
    leashed = run({ beta: 0.05 });
    unleashed = run({ beta: 0 });
  });

  it('GAE: with λ = 1 and no discount the advantage is the return minus the value', () => {
    const { advantages, returns } = gae([0, 0, 1], [0.2, 0.5, 0.1], 1, 1);
    assert.deepEqual(Array.from(returns, (r) => +r.toFixed(12)), [1, 1, 1]);
    assert.deepEqual(Array.from(advantages, (a) => +a.toFixed(12)), [0.8, 0.5, 0.9]);
    const short = gae([1, 1], [0, 0], 0.5, 0);
    assert.deepEqual(Array.from(short.advantages), [1, 1], 'λ = 0: one-step TD errors');
  });

  it('clipped surrogate: gradient flows inside [1 − ε, 1 + ε] and stops where the clip binds', () => {
    const inside = clippedSurrogate(Math.log(1.1), 0, 2, 0.2);
    assert.ok(Math.abs(inside.loss + 2.2) < 1e-12 && Math.abs(inside.dLogp + 2.2) < 1e-12 && !inside.clipped);
    const tooFar = clippedSurrogate(Math.log(1.5), 0, 2, 0.2);
    assert.ok(Math.abs(tooFar.loss + 2.4) < 1e-12, 'objective capped at (1 + ε)·A');
    assert.equal(tooFar.dLogp, 0);
    const wrongWay = clippedSurrogate(Math.log(1.5), 0, -2, 0.2);
    assert.ok(Math.abs(wrongWay.loss - 3) < 1e-12 && Math.abs(wrongWay.dLogp - 3) < 1e-12, 'a worse action made likelier is still pushed back');
  });

  it('with β > 0 the reward rises while the mean KL to the SFT model stays bounded', () => {
    const h = leashed.history;
    const start = mean(h.slice(0, 3).map((s) => s.reward));
    assert.ok(last(h, 'reward') > start + 0.15, `reward ${start.toFixed(3)} → ${last(h, 'reward').toFixed(3)}`);
    const maxKl = Math.max(...h.slice(-10).map((s) => s.kl));
    assert.ok(maxKl < 9, `KL in the last 10 steps stays below 9 nats per answer (max ${maxKl.toFixed(2)})`);
  });

  it('with β = 0 on the same seed the policy hacks the reward and the KL grows far larger', () => {
    const h = unleashed.history;
    assert.ok(last(h, 'reward') > 0.8, `reward → ${last(h, 'reward').toFixed(3)}: nearly every token is the liked one`);
    assert.ok(last(h, 'kl') > 2 * last(leashed.history, 'kl'), `KL β = 0: ${last(h, 'kl').toFixed(2)}, β = 0.05: ${last(leashed.history, 'kl').toFixed(2)}`);
    assert.equal(h[0].reward, leashed.history[0].reward, 'the same first rollouts');
  });

  it('the ptx term (γ > 0) keeps the corpus loss within a bound that plain PPO breaks', () => {
    const mixed = run({ beta: 0, gamma: 1 });
    const bound = mixed.corpusBefore + 0.4;
    assert.ok(mixed.corpusAfter < bound, `γ = 1: corpus loss ${mixed.corpusBefore.toFixed(3)} → ${mixed.corpusAfter.toFixed(3)}`);
    assert.ok(unleashed.corpusAfter > bound, `γ = 0: corpus loss ${unleashed.corpusBefore.toFixed(3)} → ${unleashed.corpusAfter.toFixed(3)}`);
    assert.ok(mixed.history.every((s) => Number.isFinite(s.ptxLoss)));
  });

  it('is deterministic with a seed', () => {
    const again = run({ beta: 0.05 });
    assert.deepEqual(again.history.map(({ ms: _, ...rest }) => rest), leashed.history.map(({ ms: _, ...rest }) => rest));
  });
});
