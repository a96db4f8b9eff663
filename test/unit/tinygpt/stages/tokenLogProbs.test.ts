import assert from 'node:assert/strict';
import { Gpt, initParams } from '../../../../src/tinygpt/model';
import { Rng } from '../../../../src/tinygpt/rng';
import { KvDecoder } from '../../../../src/tinygpt/stages/kvDecoder';
import { generate, TokenLogProbs } from '../../../../src/tinygpt/stages/tokenLogProbs';

const CONFIG = { vocabSize: 13, context: 12, layers: 2, heads: 2, dim: 8 };

function model(float64 = false): Gpt {
  const m = new Gpt(CONFIG, { float64 });
  initParams(CONFIG, m.params, new Rng(3));
  for (let i = 0; i < m.params.length; i++) m.params[i] += 0.05 * Math.sin(i); // not just the init's structure
  return m;
}

describe('tiny GPT stages: per-token log-probs and cached decoding', () => {
  it('the key/value-cache decoder gives the full forward pass\'s logits at every position', () => {
    const m = model();
    const tokens = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8];
    m.forward(tokens, 1, tokens.length);
    const full = Float32Array.from(m.logits);
    const d = new KvDecoder(m);
    tokens.forEach((id, t) => {
      const logits = d.push(id);
      for (let v = 0; v < CONFIG.vocabSize; v++) assert.ok(Math.abs(logits[v] - full[t * CONFIG.vocabSize + v]) < 1e-4, `t ${t} v ${v}`);
    });
    assert.throws(() => d.push(1), /context of 12 tokens is full/);
  });

  it('generate: greedy is the argmax chain, stops at <|endoftext|>, and a seed repeats a sample', () => {
    const m = model();
    const greedy = generate(m, [[1, 2]], { maxNewTokens: 5, temperature: 0, rng: new Rng(1), endOfText: 12 })[0];
    const seq = [1, 2];
    for (const id of greedy) {
      m.forward(seq, 1, seq.length);
      const row = m.logits.subarray((seq.length - 1) * 13, seq.length * 13);
      assert.equal(id, row.indexOf(Math.max(...row)));
      seq.push(id);
    }
    const a = generate(m, [[1], [2, 3]], { maxNewTokens: 20, temperature: 1, rng: new Rng(5), endOfText: 12 });
    const b = generate(m, [[1], [2, 3]], { maxNewTokens: 20, temperature: 1, rng: new Rng(5), endOfText: 12 });
    assert.deepEqual(a, b);
    for (const [i, r] of a.entries()) {
      assert.ok(r.length <= 20 && r.length + [1, 2][i] <= CONFIG.context + 1);
      assert.ok(r.indexOf(12) === -1 || r.indexOf(12) === r.length - 1, 'nothing after <|endoftext|>');
    }
  });

  it('backward of Σ coef · log p(target) matches finite differences (float64)', () => {
    const m = model(true);
    const x = [1, 5, 7, 2, 2, 9];
    const y = [5, 7, 2, 2, 9, 0];
    const coef = [0.3, 0, -1.2, 0.7, 0.5, -0.4];
    const lp = new TokenLogProbs(m);
    const objective = (): number => lp.forward(x, y, 2, 3).reduce((s, v, n) => s + coef[n] * v, 0);
    m.zeroGrad();
    objective();
    lp.backward(coef);
    const rng = new Rng(8);
    for (let k = 0; k < 30; k++) {
      const i = rng.int(m.params.length);
      const keep = m.params[i];
      m.params[i] = keep + 1e-6;
      const up = objective();
      m.params[i] = keep - 1e-6;
      const down = objective();
      m.params[i] = keep;
      const numeric = (up - down) / 2e-6;
      assert.ok(Math.abs(numeric - m.grads[i]) < 1e-6 * Math.max(1, Math.abs(numeric)), `param ${i}: ${m.grads[i]} vs ${numeric}`);
    }
  });
});
