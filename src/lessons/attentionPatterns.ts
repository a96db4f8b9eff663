/**
 * Attention patterns of Child et al. 2019, "Generating Long Sequences with Sparse Transformers"
 * (arXiv 1904.10509, §4), as causal n×n masks: row i = query position, column j = key position, j ≤ i.
 * Each attended cell records which of the two factorized heads reaches it (HEAD_A | HEAD_B), so a widget
 * can colour the local/block head and the strided/summary head apart.
 */

export type AttentionPattern = 'dense' | 'local' | 'strided' | 'fixed';

export const ATTENTION_PATTERNS: readonly AttentionPattern[] = ['dense', 'local', 'strided', 'fixed'];

/** Dense: every cell. Local/strided: the local window A⁽¹⁾. Fixed: the same-block head A⁽¹⁾. */
export const HEAD_A = 1;
/** Strided: every l-th earlier position A⁽²⁾. Fixed: the "summary" cells at the end of each block A⁽²⁾. */
export const HEAD_B = 2;

export interface PatternOptions {
  /** l: the local window (local, strided) or the block length (fixed). At least 1. */
  stride: number;
  /** c: how many summary cells at the end of each block (fixed only), 1 ≤ c ≤ l. */
  c?: number;
}

export interface AttentionMask {
  pattern: AttentionPattern;
  n: number;
  stride: number;
  c: number;
  /** Row-major n×n: 0 = not attended, otherwise HEAD_A and/or HEAD_B bits. */
  cells: Uint8Array;
}

function normalize(n: number, options: PatternOptions): { n: number; l: number; c: number } {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  const l = Math.max(1, Math.floor(options.stride));
  const c = Math.min(l, Math.max(1, Math.floor(options.c ?? 1)));
  return { n, l, c };
}

/** Which heads (HEAD_A | HEAD_B bits) let query i attend to key j; 0 when it cannot. */
export function headsFor(pattern: AttentionPattern, i: number, j: number, l: number, c: number): number {
  if (j > i || j < 0) return 0;
  switch (pattern) {
    case 'dense':
      return HEAD_A;
    case 'local':
      return j >= Math.max(0, i - l) ? HEAD_A : 0;
    case 'strided': {
      // A⁽¹⁾ = {t, …, i}, t = max(0, i − l);  A⁽²⁾ = {j : (i − j) mod l = 0}
      const a = j >= Math.max(0, i - l) ? HEAD_A : 0;
      const b = (i - j) % l === 0 ? HEAD_B : 0;
      return a | b;
    }
    case 'fixed': {
      // A⁽¹⁾ = {j : ⌊j/l⌋ = ⌊i/l⌋};  A⁽²⁾ = {j : j mod l ∈ {t, …, l}}, t = l − c
      const a = Math.floor(j / l) === Math.floor(i / l) ? HEAD_A : 0;
      const b = j % l >= l - c ? HEAD_B : 0;
      return a | b;
    }
    default:
      return 0;
  }
}

export function attentionMask(pattern: AttentionPattern, n: number, options: PatternOptions = { stride: 1 }): AttentionMask {
  const { l, c } = normalize(n, options);
  const cells = new Uint8Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) cells[i * n + j] = headsFor(pattern, i, j, l, c);
  }
  return { pattern, n, stride: l, c, cells };
}

export function attends(mask: AttentionMask, i: number, j: number): boolean {
  return i >= 0 && j >= 0 && i < mask.n && j < mask.n && mask.cells[i * mask.n + j] !== 0;
}

/** The mask as n rows of booleans. */
export function toBooleanRows(mask: AttentionMask): boolean[][] {
  const rows: boolean[][] = [];
  for (let i = 0; i < mask.n; i++) {
    const row: boolean[] = [];
    for (let j = 0; j < mask.n; j++) row.push(mask.cells[i * mask.n + j] !== 0);
    rows.push(row);
  }
  return rows;
}

export interface AttentionCounts {
  /** Attended (query, key) pairs. */
  attended: number;
  /** n²: what unmasked full attention would compute. */
  full: number;
  /** n(n+1)/2: what dense causal attention computes. */
  causal: number;
  /** attended / full and attended / causal (0 when n = 0). */
  fractionOfFull: number;
  fractionOfCausal: number;
}

export function countAttended(mask: AttentionMask): AttentionCounts {
  let attended = 0;
  for (const cell of mask.cells) if (cell !== 0) attended++;
  return countsFrom(attended, mask.n);
}

/** Counts without building the mask (O(n²) time, O(1) memory), for sizes too big to draw. */
export function attendedPairs(pattern: AttentionPattern, n: number, options: PatternOptions = { stride: 1 }): AttentionCounts {
  const { l, c } = normalize(n, options);
  let attended = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) if (headsFor(pattern, i, j, l, c) !== 0) attended++;
  return countsFrom(attended, n);
}

function countsFrom(attended: number, n: number): AttentionCounts {
  const full = n * n;
  const causal = (n * (n + 1)) / 2;
  return {
    attended,
    full,
    causal,
    fractionOfFull: full ? attended / full : 0,
    fractionOfCausal: causal ? attended / causal : 0,
  };
}

/** The stride the paper recommends for length n: l ≈ √n. */
export function suggestedStride(n: number): number {
  return Math.max(1, Math.round(Math.sqrt(n)));
}
