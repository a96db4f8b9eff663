// SVG drawing of the Training panel: the loss curves and one attention head. Colours only through
// --vscode-* variables (with fallbacks), so light, dark and high-contrast themes all read.
import { t } from '../../core/l10n';
import { attentionCells, ema, formatSI, linearScale, lossDomain, niceTicks, pathData, thin, tickLabels, type Point } from './plot';

const SVG = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

export interface LossData {
  /** Other series than the loss (a stage's reward, KL, …): its accessible title and test id. */
  title?: string;
  testId?: string;
  totalSteps: number;
  losses: readonly number[];
  valLosses: ReadonlyArray<{ step: number; loss: number }>;
  /**
   * For the stages' columns (280–360 px, training.css): a canvas about as wide as it is shown, so its text
   * shows at its own size, as the pre-training chart's does (a 640-wide canvas in a 300 px column drew it at
   * ≈ 5 px, and a lone chart stretched to the panel at ≈ 38 px).
   */
  compact?: boolean;
}

const WIDE = { W: 640, H: 240, xTicks: 6, yTicks: 5 };
const COMPACT = { W: 320, H: 180, xTicks: 4, yTicks: 4 };
const M = { left: 44, right: 12, top: 12, bottom: 30 };

/** Train loss (each step, faint; smoothed, solid) and validation loss (points) against the step. */
export function drawLossChart(data: LossData): SVGSVGElement {
  const { W, H, xTicks, yTicks } = data.compact ? COMPACT : WIDE;
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'loss-chart', role: 'img', 'data-testid': data.testId ?? 'loss-chart' });
  const last = data.losses.at(-1);
  const lastVal = data.valLosses.at(-1);
  root.append(svg('title', {}, data.title !== undefined ? data.title : last === undefined
    ? t('Loss curves: no steps yet')
    : t('Loss curves: step {0}, train loss {1}, validation loss {2}', data.losses.length, last.toFixed(3), lastVal ? lastVal.loss.toFixed(3) : '—')));
  const smooth = ema(data.losses, 0.9);
  const [y0, y1] = data.title !== undefined ? lossDomain([data.losses], -Infinity) : lossDomain([smooth, data.valLosses.map((v) => v.loss), data.losses]);
  const xMax = Math.max(1, data.totalSteps, data.losses.length);
  const x = linearScale(0, xMax, M.left, W - M.right);
  const y = linearScale(y0, y1, H - M.bottom, M.top);
  const axes = svg('g', { class: 'axes' });
  const yValues = niceTicks(y0, y1, yTicks);
  const yLabels = tickLabels(yValues);
  yValues.forEach((v, i) => {
    if (v < y0 || v > y1) return;
    axes.append(svg('line', { x1: M.left, x2: W - M.right, y1: y(v), y2: y(v), class: 'grid' }));
    axes.append(svg('text', { x: M.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, yLabels[i]));
  });
  for (const v of niceTicks(0, xMax, xTicks)) {
    if (v > xMax) continue;
    axes.append(svg('text', { x: x(v), y: H - M.bottom + 16, 'text-anchor': 'middle' }, formatSI(v)));
  }
  axes.append(svg('text', { x: W - M.right, y: H - 4, 'text-anchor': 'end', class: 'axis-label' }, t('step')));
  axes.append(svg('line', { x1: M.left, x2: W - M.right, y1: H - M.bottom, y2: H - M.bottom, class: 'axis' }));
  root.append(axes);
  const buckets = W - M.left - M.right;
  const toPixels = (values: readonly number[]): Point[] => values.map((v, i) => ({ x: x(i + 1), y: y(v) }));
  root.append(svg('path', { d: pathData(thin(toPixels(data.losses), buckets)), class: 'train-raw', 'data-testid': 'loss-train' }));
  root.append(svg('path', { d: pathData(thin(toPixels(smooth), buckets)), class: 'train-smooth', 'data-testid': 'loss-train-smooth' }));
  const val = data.valLosses.map((v) => ({ x: x(v.step), y: y(v.loss) }));
  root.append(svg('path', { d: pathData(val), class: 'val-line', 'data-testid': 'loss-val' }));
  for (const p of val) root.append(svg('circle', { cx: p.x.toFixed(1), cy: p.y.toFixed(1), r: 3, class: 'val-point' }));
  return root;
}

/** One head: a lower-triangular grid, row = the token that looks, column = the token looked at. */
export function drawAttentionHead(weights: readonly number[], tokens: readonly string[], label: string): SVGSVGElement {
  const n = tokens.length;
  const cell = Math.max(4, Math.min(14, Math.floor(168 / Math.max(1, n))));
  const size = n * cell;
  const root = svg('svg', { viewBox: `0 0 ${size} ${size}`, width: size, height: size, class: 'attention-head', role: 'img' });
  root.append(svg('title', {}, label));
  root.append(svg('rect', { x: 0, y: 0, width: size, height: size, class: 'attention-bg' }));
  for (const { row, col, w } of attentionCells(weights, n)) {
    if (w < 0.02) continue;
    const rect = svg('rect', { x: col * cell, y: row * cell, width: cell, height: cell, class: 'attention-cell', 'fill-opacity': Math.min(1, w).toFixed(3) });
    rect.append(svg('title', {}, `${tokens[row]} → ${tokens[col]}: ${(w * 100).toFixed(1)}%`));
    root.append(rect);
  }
  return root;
}
