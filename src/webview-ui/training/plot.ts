/**
 * The maths of the Training panel's plots, free of the DOM (unit-tested in Node): axis ticks, linear
 * scales, smoothing, thinning long series to the pixels there are, SVG path data, number formats.
 */

export interface Point {
  x: number;
  y: number;
}

/** "Nice" tick values (1, 2 or 5 × 10ⁿ apart) covering [min, max], about `count` of them. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max < min) [min, max] = [max, min];
  if (max === min) {
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    min -= pad;
    max += pad;
  }
  const raw = (max - min) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const lo = min;
  const hi = max;
  const ticksFor = (step: number): number[] => {
    const ticks: number[] = [];
    for (let i = Math.ceil(lo / step - 1e-9); i * step <= hi + step * 1e-9; i++) ticks.push(Number((i * step).toPrecision(12)));
    return ticks;
  };
  // The 1/2/5 step whose tick count is nearest the one asked for (ties: the larger step, fewer labels).
  let best: number[] = [];
  for (const m of [10, 5, 2, 1, 0.5]) {
    const ticks = ticksFor(m * magnitude);
    if (!best.length || Math.abs(ticks.length - count) < Math.abs(best.length - count)) best = ticks;
  }
  return best;
}

/**
 * Labels for ticks from niceTicks: as many decimals as the step between them needs, the same for all,
 * so neighbours never read alike (2.98 and 3.00 were both "3").
 */
export function tickLabels(ticks: readonly number[]): string[] {
  const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : 0;
  const decimals = step > 0 ? Math.min(12, Math.max(0, -Math.floor(Math.log10(step) + 1e-9))) : 0;
  return ticks.map((v) => {
    const label = v.toFixed(decimals);
    return Number(label) === 0 ? (0).toFixed(decimals) : label;
  });
}

/** Maps [d0, d1] onto [r0, r1] (a constant domain maps to the middle of the range). */
export function linearScale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  if (d1 === d0) return () => (r0 + r1) / 2;
  const k = (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/**
 * Exponential moving average with bias correction (as TensorBoard's smoothing), so early values are not
 * pulled to 0; a missing value (NaN) stays missing and does not disturb the average.
 */
export function ema(values: readonly number[], alpha: number): number[] {
  const out: number[] = [];
  let m = 0;
  let weight = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) {
      out.push(NaN);
      continue;
    }
    m = alpha * m + (1 - alpha) * v;
    weight = alpha * weight + (1 - alpha);
    out.push(m / weight);
  }
  return out;
}

/**
 * At most about `buckets` × 2 points: each bucket of consecutive points keeps its lowest and highest
 * (in order), so spikes survive thinning and a 5,000-step curve draws as fast as a 50-step one.
 */
export function thin(points: readonly Point[], buckets: number): Point[] {
  if (points.length <= buckets * 2) return [...points];
  const out: Point[] = [];
  const size = points.length / buckets;
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor(b * size);
    const to = Math.min(points.length, Math.floor((b + 1) * size));
    let lo = from;
    let hi = from;
    for (let i = from; i < to; i++) {
      if (points[i].y < points[lo].y) lo = i;
      if (points[i].y > points[hi].y) hi = i;
    }
    if (lo === hi) out.push(points[lo]);
    else out.push(points[Math.min(lo, hi)], points[Math.max(lo, hi)]);
  }
  return out;
}

/** SVG path data through the points (already in pixels); non-finite points break the line. */
export function pathData(points: readonly Point[]): string {
  let d = '';
  let pen = false;
  for (const p of points) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`;
    pen = true;
  }
  return d;
}

/** The y-range to draw series in: all of their values, padded 5%, never below `floor` (losses: 0). */
export function lossDomain(series: ReadonlyArray<readonly number[]>, floor = 0): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    for (const v of s) {
      if (!Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (lo === Infinity) return [0, 1];
  const pad = (hi - lo) * 0.05 || Math.max(0.1, Math.abs(hi) * 0.05);
  return [Math.max(floor, lo - pad), hi + pad];
}

/** 912345 → "912k", 3.1e6 → "3.1M", 4.2e9 → "4.2G" (SI, for parameters, FLOPs, tokens). */
export function formatSI(value: number): string {
  if (!Number.isFinite(value)) return '—';
  const units = ['', 'k', 'M', 'G', 'T', 'P'];
  let v = Math.abs(value);
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  const digits = v >= 100 || i === 0 ? 0 : 1;
  return `${value < 0 ? '-' : ''}${v.toFixed(digits)}${units[i]}`;
}

/** Cells of an attention map: one rect per (query row, key column) at or below the diagonal. */
export function attentionCells(weights: readonly number[], n: number): Array<{ row: number; col: number; w: number }> {
  const cells: Array<{ row: number; col: number; w: number }> = [];
  for (let row = 0; row < n; row++) {
    for (let col = 0; col <= row; col++) cells.push({ row, col, w: weights[row * n + col] });
  }
  return cells;
}

/** For each query row, the key position it attends to most (what a learner reads off a head first). */
export function strongestKeys(weights: readonly number[], n: number): number[] {
  return Array.from({ length: n }, (_, row) => {
    let best = 0;
    for (let col = 1; col <= row; col++) if (weights[row * n + col] > weights[row * n + best]) best = col;
    return best;
  });
}
