import assert from 'node:assert/strict';
import {
  applyTemperature, argmax, decodingDistribution, mulberry32, sampleIndex, softmaxWithTemperature, topIndexes, topK, topP,
} from '../../../src/lessons/sampling';

const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, x) => s + x, 0);

describe('sampling maths', () => {
  it('softmax at T = 1 by hand: logits (0, ln 3) → (¼, ¾)', () => {
    const p = softmaxWithTemperature([0, Math.log(3)], 1);
    assert.ok(Math.abs(p[0] - 0.25) < 1e-12 && Math.abs(p[1] - 0.75) < 1e-12);
  });

  it('T = 2 flattens, T = ½ sharpens: p ∝ p^(1/T)', () => {
    const flat = applyTemperature([0.25, 0.75], 2);
    assert.ok(Math.abs(flat[0] - 0.5 / (0.5 + Math.sqrt(0.75))) < 1e-12);
    const sharp = applyTemperature([0.25, 0.75], 0.5);
    assert.ok(Math.abs(sharp[1] - 0.5625 / 0.625) < 1e-12);
  });

  it('T → 0 is greedy: all mass on the argmax (ties to the first)', () => {
    assert.deepEqual(Array.from(softmaxWithTemperature([1, 5, 5, 2], 0)), [0, 1, 0, 0]);
    assert.deepEqual(Array.from(applyTemperature([0.2, 0.5, 0.3], 1e-9)), [0, 1, 0]);
    assert.equal(argmax([3, 9, 9]), 1);
  });

  it('is stable for huge logits', () => {
    const p = softmaxWithTemperature([1000, 1001], 1);
    assert.ok(Math.abs(sum(p) - 1) < 1e-12 && p[1] > p[0]);
  });

  it('top-k keeps the k most likely, renormalised', () => {
    assert.deepEqual(Array.from(topK([0.1, 0.5, 0.15, 0.25], 2)).map((x) => +x.toFixed(4)), [0, 0.6667, 0, 0.3333]);
    assert.deepEqual(Array.from(topK([0.5, 0.5], 0)), [0.5, 0.5], 'k = 0 is off');
  });

  it('top-p keeps the smallest set reaching p', () => {
    // sorted: 0.5, 0.25, 0.15, 0.1 → cumulative 0.5, 0.75, 0.9
    assert.deepEqual(Array.from(topP([0.1, 0.5, 0.15, 0.25], 0.7)).map((x) => +x.toFixed(4)), [0, 0.6667, 0, 0.3333]);
    assert.deepEqual(Array.from(topP([0.1, 0.5, 0.15, 0.25], 0.9)).map((x) => +x.toFixed(4)), [0, 0.5556, 0.1667, 0.2778]);
    assert.deepEqual(Array.from(topP([0.1, 0.5, 0.15, 0.25], 0.4)).map((x) => +x.toFixed(4)), [0, 1, 0, 0]);
  });

  it('decoding applies temperature, then top-k, then top-p, and sums to 1', () => {
    const d = decodingDistribution([0.1, 0.5, 0.15, 0.25], { temperature: 0.7, topK: 3, topP: 0.95 });
    assert.ok(Math.abs(sum(d) - 1) < 1e-12);
    assert.equal(d[0], 0);
  });

  it('mulberry32: a fixed seed reproduces the stream, another seed does not', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = Array.from({ length: 5 }, () => a());
    assert.deepEqual(Array.from({ length: 5 }, () => b()), xs);
    assert.notDeepEqual(Array.from({ length: 5 }, () => c()), xs);
    for (const x of xs) assert.ok(x >= 0 && x < 1);
  });

  it('mulberry32 draws are roughly uniform (mean of 10 000 ≈ ½)', () => {
    const r = mulberry32(7);
    let s = 0;
    for (let i = 0; i < 10_000; i++) s += r();
    assert.ok(Math.abs(s / 10_000 - 0.5) < 0.02);
  });

  it('sampleIndex inverts the CDF and skips zero-probability entries', () => {
    const p = [0, 0.25, 0, 0.75];
    assert.equal(sampleIndex(p, 0), 1);
    assert.equal(sampleIndex(p, 0.2499), 1);
    assert.equal(sampleIndex(p, 0.25), 3);
    assert.equal(sampleIndex(p, 0.99999999), 3);
  });

  it('topIndexes finds the k largest in order, ties by index', () => {
    assert.deepEqual(topIndexes([0.1, 0.4, 0.4, 0.05, 0.05], 3), [1, 2, 0]);
    assert.deepEqual(topIndexes([1, 2], 5), [1, 0]);
  });
});
