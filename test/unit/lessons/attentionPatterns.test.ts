import assert from 'node:assert/strict';
import {
  attendedPairs, attends, attentionMask, countAttended, HEAD_A, HEAD_B, suggestedStride, toBooleanRows,
} from '../../../src/lessons/attentionPatterns';

const rowsOf = (mask: ReturnType<typeof attentionMask>) => toBooleanRows(mask).map((r) => r.map((b) => (b ? 1 : 0)).join(''));

describe('attention patterns (Child et al. 2019)', () => {
  it('dense causal: row i attends to 0…i, n(n+1)/2 pairs of n²', () => {
    const mask = attentionMask('dense', 4);
    assert.deepEqual(rowsOf(mask), ['1000', '1100', '1110', '1111']);
    const c = countAttended(mask);
    assert.equal(c.attended, 10);
    assert.equal(c.full, 16);
    assert.equal(c.causal, 10);
    assert.equal(c.fractionOfCausal, 1);
  });

  it('never attends to a future position, whatever the pattern', () => {
    for (const pattern of ['dense', 'local', 'strided', 'fixed'] as const) {
      const mask = attentionMask(pattern, 12, { stride: 3, c: 2 });
      for (let i = 0; i < 12; i++) for (let j = i + 1; j < 12; j++) assert.equal(attends(mask, i, j), false, `${pattern} ${i}->${j}`);
    }
  });

  it('strided, n = 6, l = 2: local window {i−2…i} ∪ every 2nd earlier position = 17 pairs (worked by hand)', () => {
    const mask = attentionMask('strided', 6, { stride: 2 });
    // i=4: local {2,3,4} ∪ strided {0,2,4} = {0,2,3,4}; i=5: {3,4,5} ∪ {1,3,5} = {1,3,4,5}
    assert.deepEqual(rowsOf(mask), ['100000', '110000', '111000', '011100', '101110', '010111']);
    assert.equal(countAttended(mask).attended, 17);
    assert.equal(mask.cells[4 * 6 + 0], HEAD_B, '(4,0) is reached only by the strided head');
    assert.equal(mask.cells[4 * 6 + 3], HEAD_A, '(4,3) only by the local head');
    assert.equal(mask.cells[4 * 6 + 2], HEAD_A | HEAD_B, '(4,2) by both');
  });

  it('fixed, n = 6, l = 3, c = 1: same block ∪ the last cell of each block = 15 pairs (worked by hand)', () => {
    const mask = attentionMask('fixed', 6, { stride: 3, c: 1 });
    // summary cells: j mod 3 = 2 → j ∈ {2, 5}
    assert.deepEqual(rowsOf(mask), ['100000', '110000', '111000', '001100', '001110', '001111']);
    assert.equal(countAttended(mask).attended, 15);
  });

  it('fixed with c = 2 adds two summary cells per block', () => {
    const mask = attentionMask('fixed', 6, { stride: 3, c: 2 });
    // summary cells: j mod 3 ∈ {1, 2} → {1, 2, 4, 5}; row 5 = {1,2} ∪ block {3,4,5}
    assert.equal(rowsOf(mask)[5], '011111');
    assert.equal(rowsOf(mask)[3], '011100');
  });

  it('local, n = 5, l = 1: the diagonal and the one before it', () => {
    const mask = attentionMask('local', 5, { stride: 1 });
    assert.deepEqual(rowsOf(mask), ['10000', '11000', '01100', '00110', '00011']);
    assert.equal(countAttended(mask).attended, 9);
  });

  it('sparse patterns with l ≈ √n grow like n√n, far below n²', () => {
    const n = 1024;
    const l = suggestedStride(n);
    assert.equal(l, 32);
    const strided = attendedPairs('strided', n, { stride: l }).attended;
    const fixed = attendedPairs('fixed', n, { stride: l, c: 1 }).attended;
    assert.ok(strided < 2 * n * Math.sqrt(n), `strided ${strided}`);
    assert.ok(fixed < 2 * n * Math.sqrt(n), `fixed ${fixed}`);
    assert.ok(strided / (n * n) < 0.07);
  });

  it('attendedPairs (no mask) agrees with counting the mask', () => {
    for (const pattern of ['dense', 'local', 'strided', 'fixed'] as const) {
      for (const n of [0, 1, 7, 16]) {
        const options = { stride: 3, c: 2 };
        assert.equal(attendedPairs(pattern, n, options).attended, countAttended(attentionMask(pattern, n, options)).attended);
      }
    }
  });

  it('rejects a negative n and clamps c into 1…l', () => {
    assert.throws(() => attentionMask('dense', -1), RangeError);
    assert.equal(attentionMask('fixed', 4, { stride: 2, c: 9 }).c, 2);
  });
});
