import assert from 'node:assert/strict';
import {
  attentionBackward, attentionForward, embeddingBackward, embeddingForward, geluBackward, geluForward,
  layernormBackward, layernormForward, matmulBackward, matmulForward, residualBackward, residualForward,
  softmaxCrossEntropyBackward, softmaxCrossEntropyForward, type Tensor,
} from '../../../src/tinygpt/ops';
import { Gpt, initParams } from '../../../src/tinygpt/model';
import { Rng } from '../../../src/tinygpt/rng';

// Every op runs in float64 here, so central differences with h = 1e-6 are accurate to ~1e-8 and a wrong
// backward (a missing term, a transposed index) shows up as an error many orders larger.
const H = 1e-6;

function randn(n: number, rng: Rng, scale = 1): Float64Array {
  return Float64Array.from({ length: n }, () => rng.normal() * scale);
}

/** Σ out · r for a fixed random r: a scalar whose gradient w.r.t. out is r. */
function projection(out: Tensor, r: Float64Array): number {
  let s = 0;
  for (let i = 0; i < out.length; i++) s += out[i] * r[i];
  return s;
}

/** Compares analytic gradients with central differences for every entry of every input. */
function check(name: string, inputs: Record<string, Float64Array>, analytic: Record<string, Float64Array>, f: () => number): void {
  for (const [key, x] of Object.entries(inputs)) {
    const grad = analytic[key];
    for (let i = 0; i < x.length; i++) {
      const keep = x[i];
      x[i] = keep + H;
      const up = f();
      x[i] = keep - H;
      const down = f();
      x[i] = keep;
      const numeric = (up - down) / (2 * H);
      const err = Math.abs(numeric - grad[i]) / Math.max(1, Math.abs(numeric));
      assert.ok(err < 1e-6, `${name}: d/d${key}[${i}] analytic ${grad[i]} vs numeric ${numeric}`);
    }
  }
}

describe('tiny GPT ops: backward matches finite differences', () => {
  const rng = new Rng(42);

  it('embedding (token + position)', () => {
    const B = 2, T = 3, C = 4, V = 5;
    const tokens = [1, 4, 1, 0, 2, 4];
    const wte = randn(V * C, rng), wpe = randn(T * C, rng);
    const out = new Float64Array(B * T * C);
    const r = randn(out.length, rng);
    const f = () => { embeddingForward(out, tokens, wte, wpe, B, T, C); return projection(out, r); };
    const dwte = new Float64Array(wte.length), dwpe = new Float64Array(wpe.length);
    embeddingBackward(dwte, dwpe, r, tokens, B, T, C);
    check('embedding', { wte, wpe }, { wte: dwte, wpe: dwpe }, f);
  });

  it('layernorm', () => {
    const N = 3, C = 5;
    const inp = randn(N * C, rng), w = randn(C, rng), b = randn(C, rng);
    const out = new Float64Array(N * C), mean = new Float64Array(N), rstd = new Float64Array(N);
    const r = randn(out.length, rng);
    const f = () => { layernormForward(out, mean, rstd, inp, w, b, N, C); return projection(out, r); };
    f();
    const dinp = new Float64Array(inp.length), dw = new Float64Array(C), db = new Float64Array(C);
    layernormBackward(dinp, dw, db, r, inp, w, mean, rstd, N, C);
    check('layernorm', { inp, w, b }, { inp: dinp, w: dw, b: db }, f);
  });

  for (const [N, C, OC, withBias] of [[3, 5, 7, true], [4, 6, 8, true], [5, 3, 9, false]] as const) {
    it(`matmul ${N}×${C} · (${OC}×${C})ᵀ ${withBias ? '+ bias' : 'no bias'} (blocked and remainder paths)`, () => {
      const inp = randn(N * C, rng), w = randn(OC * C, rng), b = randn(OC, rng);
      const out = new Float64Array(N * OC);
      const r = randn(out.length, rng);
      const f = () => { matmulForward(out, inp, w, withBias ? b : null, N, C, OC); return projection(out, r); };
      const dinp = new Float64Array(inp.length), dw = new Float64Array(w.length), db = new Float64Array(OC);
      matmulBackward(dinp, dw, withBias ? db : null, r, inp, w, N, C, OC);
      check('matmul', withBias ? { inp, w, b } : { inp, w }, { inp: dinp, w: dw, b: db }, f);
    });
  }

  it('matmul forward equals the naive triple loop', () => {
    const N = 7, C = 9, OC = 11;
    const inp = randn(N * C, rng), w = randn(OC * C, rng), b = randn(OC, rng);
    const out = new Float64Array(N * OC);
    matmulForward(out, inp, w, b, N, C, OC);
    for (let n = 0; n < N; n++) {
      for (let o = 0; o < OC; o++) {
        let s = b[o];
        for (let c = 0; c < C; c++) s += inp[n * C + c] * w[o * C + c];
        assert.ok(Math.abs(out[n * OC + o] - s) < 1e-12);
      }
    }
  });

  it('causal multi-head attention', () => {
    const B = 2, T = 4, C = 6, NH = 2;
    const inp = randn(B * T * 3 * C, rng);
    const out = new Float64Array(B * T * C), att = new Float64Array(B * NH * T * T);
    const r = randn(out.length, rng);
    const f = () => { attentionForward(out, att, inp, B, T, C, NH); return projection(out, r); };
    f();
    const dinp = new Float64Array(inp.length);
    attentionBackward(dinp, r, inp, att, B, T, C, NH, new Float64Array(T));
    check('attention', { inp }, { inp: dinp }, f);
  });

  it('attention is causal: a later token never changes an earlier output', () => {
    const B = 1, T = 5, C = 4, NH = 2;
    const inp = randn(B * T * 3 * C, rng);
    const out1 = new Float64Array(T * C), out2 = new Float64Array(T * C), att = new Float64Array(NH * T * T);
    attentionForward(out1, att, inp, B, T, C, NH);
    for (let i = 4 * 3 * C; i < 5 * 3 * C; i++) inp[i] += 1;
    attentionForward(out2, att, inp, B, T, C, NH);
    assert.deepEqual(out1.subarray(0, 4 * C), out2.subarray(0, 4 * C));
    assert.notDeepEqual(out1.subarray(4 * C), out2.subarray(4 * C));
  });

  it('GELU', () => {
    const N = 12;
    const inp = randn(N, rng, 2);
    const out = new Float64Array(N);
    const r = randn(N, rng);
    const f = () => { geluForward(out, inp, N); return projection(out, r); };
    const dinp = new Float64Array(N);
    geluBackward(dinp, inp, r, N);
    check('gelu', { inp }, { inp: dinp }, f);
  });

  it('residual', () => {
    const N = 6;
    const a = randn(N, rng), b = randn(N, rng), out = new Float64Array(N);
    const r = randn(N, rng);
    const f = () => { residualForward(out, a, b, N); return projection(out, r); };
    const da = new Float64Array(N), db = new Float64Array(N);
    residualBackward(da, db, r, N);
    check('residual', { a, b }, { a: da, b: db }, f);
  });

  for (const masked of [false, true]) {
    it(`softmax cross-entropy${masked ? ' with a loss mask' : ''}`, () => {
      const N = 4, V = 6;
      const logits = randn(N * V, rng, 2);
      const targets = [0, 5, 2, 2];
      const mask = masked ? [1, 0, 1, 0] : null;
      const count = masked ? 2 : N;
      const losses = new Float64Array(N), probs = new Float64Array(N * V);
      const f = () => {
        softmaxCrossEntropyForward(losses, probs, logits, targets, mask, N, V);
        return losses.reduce((s, x) => s + x, 0) / count;
      };
      f();
      if (masked) assert.equal(losses[1], 0);
      const dlogits = new Float64Array(N * V);
      softmaxCrossEntropyBackward(dlogits, probs, targets, mask, count, N, V);
      if (masked) assert.ok(dlogits.subarray(V, 2 * V).every((x) => x === 0), 'a masked row gets no gradient');
      check('cross-entropy', { logits }, { logits: dlogits }, f);
    });
  }
});

describe('tiny GPT model: whole-model gradient check', () => {
  for (const dropout of [undefined, { p: 0.3, rowSeeds: [17, 91] }]) {
  it(`every parameter tensor of a 2-layer model matches finite differences (float64${dropout ? ', dropout 0.3 with fixed masks' : ''})`, () => {
    const config = { vocabSize: 7, context: 5, layers: 2, heads: 2, dim: 4 };
    const model = new Gpt(config, { float64: true });
    initParams(config, model.params, new Rng(3));
    // Larger weights than GPT-2's init so no gradient is vanishingly small.
    for (let i = 0; i < model.params.length; i++) model.params[i] += new Rng(i + 1).normal() * 0.3;
    const B = 2, T = 4;
    const tokens = [1, 2, 3, 4, 6, 5, 0, 1];
    const targets = [2, 3, 4, 0, 5, 0, 1, 2];
    const mask = [1, 1, 0, 1, 1, 0, 1, 1];
    const loss = () => model.forward(tokens, B, T, targets, mask, dropout).loss;
    loss();
    model.zeroGrad();
    model.backward();
    const analytic = Float64Array.from(model.grads);
    let checked = 0;
    for (let i = 0; i < model.params.length; i++) {
      const keep = model.params[i];
      model.params[i] = keep + H;
      const up = loss();
      model.params[i] = keep - H;
      const down = loss();
      model.params[i] = keep;
      const numeric = (up - down) / (2 * H);
      assert.ok(Math.abs(numeric - analytic[i]) < 1e-6 * Math.max(1, Math.abs(numeric)), `param ${i}: ${analytic[i]} vs ${numeric}`);
      checked++;
    }
    assert.equal(checked, model.numParams);
    assert.ok(analytic.some((g) => Math.abs(g) > 1e-3), 'gradients are not all zero');
  });
  }
});
