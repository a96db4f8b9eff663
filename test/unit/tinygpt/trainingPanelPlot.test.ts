import assert from 'node:assert/strict';
import { attentionCells, ema, formatSI, linearScale, lossDomain, niceTicks, pathData, strongestKeys, thin, tickLabels } from '../../../src/webview-ui/training/plot';

describe('training panel: plot maths', () => {
  it('nice ticks are 1/2/5 × 10ⁿ apart and cover the range', () => {
    assert.deepEqual(niceTicks(0, 10, 5), [0, 2, 4, 6, 8, 10]);
    assert.deepEqual(niceTicks(2.93, 7.01, 4), [3, 4, 5, 6, 7]);
    assert.deepEqual(niceTicks(0, 1000, 6), [0, 200, 400, 600, 800, 1000]);
    assert.deepEqual(niceTicks(0.12, 0.18, 3), [0.12, 0.14, 0.16, 0.18]);
    const flat = niceTicks(5, 5, 4);
    assert.ok(flat.length >= 2 && flat[0] <= 5 && flat.at(-1)! >= 5, `flat range: ${flat.join()}`);
    assert.deepEqual(niceTicks(Number.NaN, 1), []);
  });

  it('tick labels: the decimals the step needs, the same for every tick, so neighbours never read alike', () => {
    assert.deepEqual(tickLabels(niceTicks(2.95, 3.03, 4)), ['2.96', '2.98', '3.00', '3.02']);
    assert.deepEqual(tickLabels([0, 2, 4, 6]), ['0', '2', '4', '6']);
    assert.deepEqual(tickLabels([2.5, 3, 3.5]), ['2.5', '3.0', '3.5']);
    assert.deepEqual(tickLabels([-0.1, -0.05, -1e-17, 0.05]), ['-0.10', '-0.05', '0.00', '0.05']);
    assert.deepEqual(tickLabels([0, 200, 400]), ['0', '200', '400']);
    assert.deepEqual(tickLabels([7]), ['7']);
    for (const [lo, hi] of [[2.9, 3.1], [0.001, 0.004], [-0.11, -0.03], [0, 0.3]]) {
      const labels = tickLabels(niceTicks(lo, hi, 4));
      assert.equal(new Set(labels).size, labels.length, labels.join());
    }
  });

  it('linear scale maps the domain onto the range (y flipped), a constant domain to the middle', () => {
    const y = linearScale(2, 6, 200, 0);
    assert.equal(y(2), 200);
    assert.equal(y(6), 0);
    assert.equal(y(4), 100);
    assert.equal(linearScale(3, 3, 0, 10)(3), 5);
  });

  it('EMA with bias correction starts at the first value and follows a step change', () => {
    const s = ema([10, 10, 10, 0, 0, 0], 0.5);
    assert.equal(s[0], 10);
    assert.equal(s[2], 10);
    assert.ok(s[3] < 10 && s[3] > 0 && s[5] < s[4] && s[4] < s[3], s.join());
    const gap = ema([4, Number.NaN, 4], 0.9);
    assert.ok(Number.isNaN(gap[1]));
    assert.equal(gap[2], 4);
  });

  it('thinning keeps each bucket’s lowest and highest point in order, so a spike survives', () => {
    const points = Array.from({ length: 1000 }, (_, i) => ({ x: i, y: i === 537 ? 99 : 1 }));
    const thinned = thin(points, 50);
    assert.ok(thinned.length <= 100, `${thinned.length}`);
    assert.ok(thinned.some((p) => p.y === 99), 'spike lost');
    for (let i = 1; i < thinned.length; i++) assert.ok(thinned[i].x > thinned[i - 1].x, 'order');
    assert.deepEqual(thin(points.slice(0, 10), 50), points.slice(0, 10));
  });

  it('path data moves, draws lines, and breaks at missing values', () => {
    assert.equal(pathData([{ x: 0, y: 1 }, { x: 2, y: 3 }]), 'M0.0,1.0L2.0,3.0');
    assert.equal(pathData([{ x: 0, y: 1 }, { x: 1, y: Number.NaN }, { x: 2, y: 3 }, { x: 3, y: 4 }]), 'M0.0,1.0M2.0,3.0L3.0,4.0');
    assert.equal(pathData([]), '');
  });

  it('loss domain spans every series with 5% padding and never below 0', () => {
    const [lo, hi] = lossDomain([[6, 5, 4], [4.5]]);
    assert.ok(Math.abs(lo - 3.9) < 1e-9 && Math.abs(hi - 6.1) < 1e-9, `${lo} ${hi}`);
    assert.equal(lossDomain([[0.01, 1]])[0], 0);
    assert.deepEqual(lossDomain([[]]), [0, 1]);
    const [a, b] = lossDomain([[3, 3]]);
    assert.ok(a < 3 && b > 3);
  });

  it('SI formatting for parameters and FLOPs', () => {
    assert.equal(formatSI(912_345), '912k');
    assert.equal(formatSI(3_140_000), '3.1M');
    assert.equal(formatSI(4.2e9), '4.2G');
    assert.equal(formatSI(950), '950');
    assert.equal(formatSI(Number.NaN), '—');
  });

  it('attention cells cover the causal (lower) triangle only; strongest key per row', () => {
    const n = 3;
    const w = [1, 0, 0, 0.2, 0.8, 0, 0.5, 0.1, 0.4];
    const cells = attentionCells(w, n);
    assert.equal(cells.length, 6);
    assert.ok(cells.every((c) => c.col <= c.row));
    assert.deepEqual(strongestKeys(w, n), [0, 1, 0]);
  });
});
