import assert from 'node:assert/strict';
import {
  approxParams, CHINCHILLA_TABLE3, computeOptimal, exactParams, formatCount, formatScientific, GPT_MODELS, tokensPerParam,
  TRAINED_MODELS, trainingFlops,
} from '../../../src/lessons/scaling';

const model = (id: string) => GPT_MODELS.find((m) => m.id === id)!;

describe('scaling arithmetic', () => {
  it('GPT-3: 12·96·12288² ≈ 173.9B (≈174B), within 1% of the published 175B', () => {
    const n = approxParams(96, 12288);
    assert.equal(n, 173_946_175_488);
    assert.ok(Math.abs(n / 175e9 - 1) < 0.01);
  });

  it('exact counts reproduce the fact sheet: GPT-1 116.5M, GPT-2 large 774.0M, GPT-2 XL 1,557.6M, GPT-3 174.6B', () => {
    assert.equal((exactParams(model('gpt-1')) / 1e6).toFixed(1), '116.5');
    assert.equal((exactParams(model('gpt-2-small')) / 1e6).toFixed(1), '124.4');
    assert.equal((exactParams(model('gpt-2-medium')) / 1e6).toFixed(1), '354.8');
    assert.equal((exactParams(model('gpt-2-large')) / 1e6).toFixed(1), '774.0');
    assert.equal((exactParams(model('gpt-2-xl')) / 1e6).toFixed(1), '1557.6');
    assert.equal((exactParams(model('gpt-3')) / 1e9).toFixed(1), '174.6');
  });

  it('12Ld² undercounts small models (embeddings matter) and is excellent for big ones', () => {
    const ratio = (id: string) => approxParams(model(id).layers, model(id).dModel) / exactParams(model(id));
    assert.equal(ratio('gpt-1').toFixed(2), '0.73');
    assert.equal(ratio('gpt-2-xl').toFixed(2), '0.95');
    assert.ok(ratio('gpt-3') > 0.99);
  });

  it('heads do not change the count: GPT-2 XL 25 × 64 = 1600, GPT-3 96 × 128 = 12288', () => {
    assert.equal(model('gpt-2-xl').dModel / model('gpt-2-xl').heads, 64);
    assert.equal(model('gpt-3').dModel / model('gpt-3').heads, 128);
  });

  it('C ≈ 6ND: GPT-3 6·175e9·300e9 = 3.15e23 (paper: 3.14e23); Chinchilla ≈ 5.9e23', () => {
    assert.equal(trainingFlops(175e9, 300e9), 3.15e23);
    assert.equal(formatScientific(trainingFlops(70e9, 1.4e12), 2), '5.9e23');
    const gpt3 = TRAINED_MODELS.find((m) => m.id === 'gpt-3')!;
    assert.ok(Math.abs(trainingFlops(gpt3.params, gpt3.tokens) / gpt3.publishedFlops! - 1) < 0.01);
  });

  it('compute-optimal: N = √(C/120), D = 20N; Chinchilla\'s budget gives ≈ 70B params on ≈ 1.4T tokens', () => {
    const opt = computeOptimal(trainingFlops(70e9, 1.4e12));
    assert.ok(Math.abs(opt.params / 70e9 - 1) < 1e-9);
    assert.ok(Math.abs(opt.tokens / 1.4e12 - 1) < 1e-9);
    const c = 1.2e22;
    assert.ok(Math.abs(computeOptimal(c).params - Math.sqrt(c / 120)) < 1e-3);
  });

  it('20 tokens/param agrees with Chinchilla Table 3 within 15 %', () => {
    for (const row of CHINCHILLA_TABLE3) {
      assert.ok(Math.abs((20 * row.params) / row.tokens - 1) < 0.15, `${row.params}`);
    }
  });

  it('GPT-3 trained at ≈1.7 tokens/param and Gopher at ≈1.1: both under-trained by the rule', () => {
    const ratios = Object.fromEntries(TRAINED_MODELS.map((m) => [m.id, tokensPerParam(m.params, m.tokens)]));
    assert.equal(ratios['gpt-3'].toFixed(1), '1.7');
    assert.equal(ratios.gopher.toFixed(1), '1.1');
    assert.equal(ratios.chinchilla.toFixed(0), '20');
  });

  it('a compute-optimal 175B model needs ≈3.5T tokens and ≈12× GPT-3\'s compute (fact sheet §2.10: 3.7T, ≈12×)', () => {
    const flops = trainingFlops(175e9, 20 * 175e9);
    assert.equal((flops / 3.14e23).toFixed(0), '12');
  });

  it('formats counts and FLOPs for people', () => {
    assert.equal(formatCount(174_556_000_000), '174.6B');
    assert.equal(formatCount(116_534_784), '116.5M');
    assert.equal(formatCount(1.4e12), '1.4T');
    assert.equal(formatCount(950), '950');
    assert.equal(formatScientific(3.15e23), '3.15e23');
    assert.equal(formatScientific(0), '0');
  });
});
