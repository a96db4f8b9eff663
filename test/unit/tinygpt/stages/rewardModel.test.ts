import assert from 'node:assert/strict';
import { Rng } from '../../../../src/tinygpt/rng';
import { DEFAULT_RULE, describeRule, parseRule, preferencePairs, rankAnswers } from '../../../../src/tinygpt/stages/labeler';
import { rankingFromOrder, RewardModel, RewardTrainer, type Ranking } from '../../../../src/tinygpt/stages/rewardModel';
import { formatPrompt, type SftExample } from '../../../../src/tinygpt/stages/sftData';
import { initParams, paramCount } from '../../../../src/tinygpt/model';
import { pretrained } from './fixture';

const TINY = { vocabSize: 11, context: 8, layers: 1, heads: 2, dim: 8 };

function tinyRm(seed: number): RewardModel {
  const params = new Float64Array(paramCount(TINY));
  initParams(TINY, params, new Rng(seed));
  const rng = new Rng(seed + 1);
  const head = Array.from({ length: TINY.dim + 1 }, () => rng.normal());
  return new RewardModel(TINY, params, head, { float64: true });
}

describe('tiny GPT stage 3: reward model', function () {
  this.timeout(300_000);

  it('scripted labeler: the rule is readable, ranks by it, and a changed rule changes the ranking', () => {
    const candidates = [
      { text: 'A long answer that goes on and on without ever saying what it is about, on and on and on.', finished: false },
      { text: 'RLHF tunes a model with human rankings.', finished: true },
      { text: 'It tunes a model.', finished: true },
      { text: 'rank rank rank rank', finished: false },
    ];
    const keyTerms = ['RLHF', 'reward model'];
    const { order, scores } = rankAnswers(DEFAULT_RULE, candidates, keyTerms);
    assert.deepEqual(order, [1, 2, 3, 0], `scores ${scores.map((s) => s.toFixed(2)).join(', ')}`);
    assert.equal(preferencePairs(order, scores).length, 6, 'C(4,2) pairs');
    const longWins = rankAnswers({ ...DEFAULT_RULE, perCharacter: 0.1 }, candidates, keyTerms);
    assert.equal(longWins.order[0], 0, 'a rule that pays per character prefers the long answer');
    assert.deepEqual(preferencePairs([0, 1, 2], [1, 1, 0]), [[0, 2], [1, 2]], 'a tie gives no pair');
    assert.deepEqual(describeRule(DEFAULT_RULE, 'en'), [
      '+2 if the answer names the right glossary term', '-0.02 per character', '+1 if the answer ends by itself', '-2 × the share of repeated words',
    ]);
    assert.equal(describeRule({ ...DEFAULT_RULE, repetition: 0 }, 'zh-cn').length, 3);
    assert.deepEqual(parseRule({ namesTerm: 5, finished: 'x', evil: 1 }), { ...DEFAULT_RULE, namesTerm: 5 });
  });

  it('the loss is −1/|pairs| Σ log σ(r_w − r_l) over one ranking, averaged over rankings', () => {
    const rm = tinyRm(3);
    const seqs = [[1, 2, 3], [1, 2, 4, 5], [1, 6], [1, 2, 7, 8, 9]];
    const r = rm.score(seqs, 0);
    const ranking: Ranking = { sequences: seqs, pairs: preferencePairs([2, 0, 3, 1]) };
    const second: Ranking = { sequences: seqs.slice(0, 2), pairs: [[1, 0]] };
    const hand = (w: number, l: number, rr = r): number => Math.log(1 + Math.exp(-(rr[w] - rr[l])));
    const expected = ((hand(2, 0) + hand(2, 3) + hand(2, 1) + hand(0, 3) + hand(0, 1) + hand(3, 1)) / 6 + hand(1, 0)) / 2;
    const { loss, pairs } = rm.lossAndGrad([ranking, second], 0);
    assert.equal(pairs, 7);
    assert.ok(Math.abs(loss - expected) < 1e-12, `${loss} vs ${expected}`);
    // Numbers by hand: rewards 1, 0 → −log σ(1) = log(1 + e⁻¹) = 0.31326…
    const fixed = new RewardModel(TINY, new Float64Array(paramCount(TINY)), new Float64Array(TINY.dim + 1), { float64: true });
    fixed.head[TINY.dim] = 1;
    assert.deepEqual(fixed.score([[1]], 0), [1]);
    assert.ok(Math.abs(Math.log(1 + Math.exp(-1)) - 0.3132616875182228) < 1e-15);
  });

  it('gradients of the head and the trunk match finite differences (float64)', () => {
    const rm = tinyRm(5);
    const rankings: Ranking[] = [
      { sequences: [[1, 2, 3], [1, 2, 4, 5], [1, 6], [1, 2, 7, 8, 9]], pairs: preferencePairs([3, 0, 1, 2]) },
      { sequences: [[4, 3], [4, 10, 10, 2]], pairs: [[1, 0]] },
    ];
    const lossOf = (): number => {
      const probe = new RewardModel(TINY, rm.gpt.params, rm.head, { float64: true });
      return probe.lossAndGrad(rankings, 0).loss;
    };
    rm.headGrad.fill(0);
    rm.gpt.zeroGrad();
    rm.lossAndGrad(rankings, 0);
    const eps = 1e-6;
    const check = (values: Float64Array | Float32Array, grads: Float64Array | Float32Array, indexes: number[], what: string): void => {
      for (const i of indexes) {
        const keep = values[i];
        values[i] = keep + eps;
        const up = lossOf();
        values[i] = keep - eps;
        const down = lossOf();
        values[i] = keep;
        const numeric = (up - down) / (2 * eps);
        assert.ok(Math.abs(numeric - grads[i]) < 1e-6 * Math.max(1, Math.abs(numeric)), `${what}[${i}]: analytic ${grads[i]} vs numeric ${numeric}`);
      }
    };
    check(rm.head, rm.headGrad, Array.from({ length: TINY.dim + 1 }, (_, i) => i), 'head');
    const rng = new Rng(9);
    check(rm.gpt.params, rm.gpt.grads, Array.from({ length: 25 }, () => rng.int(rm.gpt.params.length)), 'trunk');
  });

  it('on a planted preference (scripted labeler) held-out pair accuracy rises well above 50%', () => {
    const { config, params, tokenizer, examples } = pretrained();
    const rng = new Rng(17);
    const eot = tokenizer.endOfText;
    // The planted preference: short answers that end by themselves and do not repeat themselves.
    const rule = { ...DEFAULT_RULE, namesTerm: 0 };
    const planted = (list: SftExample[]): Ranking[] => list.map((e, i) => {
      const other = list[(i + 1 + rng.int(list.length - 1)) % list.length];
      const first = e.answer.split(/(?<=[.。])\s*/u)[0];
      const words = e.answer.split(/\s+/).slice(0, 3).join(' ');
      const texts = [
        { text: first.slice(0, 60), finished: true },
        { text: e.answer.slice(0, 90), finished: false },
        { text: other.answer.slice(0, 40), finished: true },
        { text: `${words} ${words} ${words}`.slice(0, 70), finished: false },
      ];
      const { order, scores } = rankAnswers(rule, texts, e.keyTerms);
      const prompt = tokenizer.encode(formatPrompt(e.instruction, e.lang)).slice(-24);
      const sequences = texts.map((t) => [...prompt, ...tokenizer.encode(t.text), ...(t.finished ? [eot] : [])].slice(0, config.context));
      return { sequences, pairs: preferencePairs(order, scores) };
    });
    const train = planted(examples.train.filter((e) => e.lang === 'en').slice(0, 80));
    const heldOut = planted(examples.heldOut.filter((e) => e.lang === 'en').slice(0, 20));
    const rm = new RewardModel(config, params);
    const trainer = new RewardTrainer(rm, train, heldOut, eot, { steps: 30, batch: 4, lr: 1e-3, seed: 2 });
    const before = trainer.heldOutAccuracy();
    assert.equal(before, 0.5, 'a zero head scores every answer the same');
    for (let i = 0; i < 30; i++) trainer.runStep();
    const after = trainer.heldOutAccuracy();
    assert.ok(after >= 0.75, `held-out pair accuracy ${before} → ${after.toFixed(3)}`);
    const tail = trainer.losses.slice(-10).reduce((a, b) => a + b) / 10;
    assert.ok(tail < Math.log(2), `the loss falls below ln 2 (chance): ${tail.toFixed(3)}`);
  });
});

describe('tiny GPT stage 3: a ranking the learner makes', () => {
  it('an order of K answers gives all C(K,2) pairs, best first; a bad order is refused', () => {
    const r = rankingFromOrder([7, 8], [[1], [2, 3], [4]], [1, 2, 0]);
    assert.deepEqual(r.sequences, [[7, 8, 1], [7, 8, 2, 3], [7, 8, 4]]);
    assert.deepEqual(r.pairs, [[1, 2], [1, 0], [2, 0]]);
    assert.throws(() => rankingFromOrder([7], [[1], [2]], [0, 0]), /each of the 2 answers once/);
  });
});
