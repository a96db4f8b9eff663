import {
  attendedPairs, attentionMask, countAttended, HEAD_A, HEAD_B, suggestedStride, type AttentionPattern,
} from '../../lessons/attentionPatterns';
import { h, numberFormat, rangeControl, replaceChildren, s, stat, uniqueId, usedOnce, widgetFrame } from './dom';
import type { WidgetContext } from './types';

interface State {
  pattern: AttentionPattern;
  n: number;
  stride: number;
  c: number;
  row: number;
}

const DEFAULTS: State = { pattern: 'strided', n: 16, stride: 4, c: 1, row: 11 };
const PATTERNS: AttentionPattern[] = ['dense', 'local', 'strided', 'fixed'];

export function mountAttention(host: HTMLElement, ctx: WidgetContext): void {
  const { t } = ctx;
  const used = usedOnce(ctx);
  const state = restoreState(ctx);
  const fmt = numberFormat(ctx.lang);
  const pct = numberFormat(ctx.lang, { style: 'percent', maximumFractionDigits: 1 });

  const labels: Record<AttentionPattern, string> = {
    dense: t('Dense (full causal)'),
    local: t('Local (banded)'),
    strided: t('Strided'),
    fixed: t('Fixed'),
  };
  const headLabels: Record<AttentionPattern, [string, string]> = {
    dense: [t('attended'), ''],
    local: [t('local window'), ''],
    strided: [t('local window'), t('every l-th earlier position')],
    fixed: [t('same block'), t('summary cells (last c of each block)')],
  };

  const { root, body } = widgetFrame('attention', t('Attention patterns'), t('Each row is a position (query), each column a position it may look at (key). Coloured cells are the pairs attention actually computes; future positions are always masked.'));

  const radioName = uniqueId('attention-pattern');
  const patternGroup = h(
    'fieldset',
    { class: 'widget-radios' },
    h('legend', { text: t('Pattern') }),
    ...PATTERNS.map((p) => {
      const id = uniqueId(`attention-${p}`);
      const input = h('input', { attrs: { type: 'radio', name: radioName, id, value: p, 'data-testid': `attention-pattern-${p}`, checked: state.pattern === p } });
      input.addEventListener('change', () => {
        if (!input.checked) return;
        state.pattern = p;
        changed();
      });
      return h('label', { attrs: { for: id } }, input, labels[p]);
    }),
  );

  const nControl = rangeControl({
    label: t('Sequence length n'), min: 4, max: 64, step: 1, value: state.n, testId: 'attention-n',
    onInput: (v) => {
      state.n = v;
      state.stride = Math.min(state.stride, v);
      state.row = Math.min(state.row, v - 1);
      changed();
    },
  });
  const strideControl = rangeControl({
    label: t('Stride / block length l'), min: 1, max: 64, step: 1, value: state.stride, testId: 'attention-stride',
    onInput: (v) => {
      state.stride = v;
      state.c = Math.min(state.c, v);
      changed();
    },
  });
  const cControl = rangeControl({
    label: t('Summary cells c'), min: 1, max: 64, step: 1, value: state.c, testId: 'attention-c',
    onInput: (v) => {
      state.c = v;
      changed();
    },
  });
  const suggest = h('button', { class: 'secondary', attrs: { type: 'button', 'data-testid': 'attention-sqrt' }, text: t('Set l ≈ √n') });
  suggest.addEventListener('click', () => {
    state.stride = suggestedStride(state.n);
    state.c = Math.min(state.c, state.stride);
    changed();
  });

  const grid = h('div', { class: 'attention-grid' });
  const legend = h('div', { class: 'attention-legend' });
  const rowInfo = h('p', { class: 'widget-note', attrs: { 'aria-live': 'polite', 'data-testid': 'attention-row' } });
  const count = stat(t('Attended pairs'), 'attention-count');
  const full = stat(t('n² (full matrix)'), 'attention-total');
  const causal = stat(t('n(n+1)/2 (dense causal)'), 'attention-causal');
  const fraction = stat(t('Share of dense causal'), 'attention-fraction');
  const large = h('p', { class: 'widget-note', attrs: { 'data-testid': 'attention-large' } });

  body.append(
    h('div', { class: 'widget-controls' }, patternGroup, nControl.root, strideControl.root, cControl.root, suggest),
    h('div', { class: 'attention-layout' }, grid, h('div', { class: 'widget-stats' }, count.root, full.root, causal.root, fraction.root, legend)),
    rowInfo,
    large,
  );
  replaceChildren(host, root);

  let lastLargeKey = '';

  function changed(): void {
    used();
    ctx.setState({ ...state });
    render();
  }

  function render(): void {
    const { pattern, n } = state;
    const usesStride = pattern !== 'dense';
    strideControl.input.max = String(n);
    strideControl.set(Math.min(state.stride, n));
    strideControl.input.disabled = !usesStride;
    cControl.input.max = String(Math.max(1, state.stride));
    cControl.set(Math.min(state.c, state.stride));
    cControl.input.disabled = pattern !== 'fixed';
    nControl.set(n);
    patternGroup.querySelectorAll('input').forEach((input) => (input.checked = input.value === pattern));

    const mask = attentionMask(pattern, n, { stride: state.stride, c: state.c });
    const counts = countAttended(mask);
    count.value.textContent = fmt(counts.attended);
    full.value.textContent = fmt(counts.full);
    causal.value.textContent = fmt(counts.causal);
    fraction.value.textContent = pct(counts.fractionOfCausal);

    const [aLabel, bLabel] = headLabels[pattern];
    replaceChildren(
      legend,
      h('span', { class: 'swatch cell-a', attrs: { 'aria-hidden': 'true' } }), h('span', { text: aLabel }),
      bLabel && h('span', { class: 'swatch cell-b', attrs: { 'aria-hidden': 'true' } }), bLabel && h('span', { text: bLabel }),
      bLabel && h('span', { class: 'swatch cell-ab', attrs: { 'aria-hidden': 'true' } }), bLabel && h('span', { text: t('both') }),
      h('span', { class: 'swatch cell-off', attrs: { 'aria-hidden': 'true' } }), h('span', { text: t('skipped') }),
    );

    const row = Math.min(state.row, n - 1);
    const cell = 10;
    const size = n * cell;
    const svg = s('svg', {
      viewBox: `-1 -1 ${size + 2} ${size + 2}`,
      role: 'img',
      class: 'attention-svg',
      tabindex: 0,
      'data-testid': 'attention-grid',
      'aria-label': t('{0} × {1} attention mask, {2} attended pairs. Use the up and down arrow keys to pick a query row.', n, n, counts.attended),
    });
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const v = mask.cells[i * n + j];
        const cls = j > i ? 'cell-future' : v === (HEAD_A | HEAD_B) ? 'cell-ab' : v === HEAD_B ? 'cell-b' : v === HEAD_A ? 'cell-a' : 'cell-off';
        svg.append(s('rect', { x: j * cell + 0.5, y: i * cell + 0.5, width: cell - 1, height: cell - 1, class: cls }));
      }
    }
    svg.append(s('rect', { x: 0, y: row * cell, width: size, height: cell, class: 'row-highlight' }));
    svg.addEventListener('keydown', (event) => {
      if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown' && event.key !== 'Home' && event.key !== 'End') return;
      event.preventDefault();
      const next = event.key === 'Home' ? 0 : event.key === 'End' ? n - 1 : row + (event.key === 'ArrowUp' ? -1 : 1);
      state.row = Math.max(0, Math.min(n - 1, next));
      changed();
      grid.querySelector<SVGElement>('svg')?.focus();
    });
    svg.addEventListener('click', (event) => {
      const rect = svg.getBoundingClientRect();
      const y = Math.floor(((event.clientY - rect.top) / rect.height) * n);
      if (y >= 0 && y < n) {
        state.row = y;
        changed();
      }
    });
    replaceChildren(grid, svg);

    const keys: number[] = [];
    for (let j = 0; j <= row; j++) if (mask.cells[row * n + j]) keys.push(j);
    rowInfo.textContent = t('Query position {0} attends to {1} of its {2} earlier-or-equal positions: {3}', row, keys.length, row + 1, keys.join(', '));

    const largeKey = `${pattern}:${state.c}`;
    if (largeKey !== lastLargeKey) {
      lastLargeKey = largeKey;
      // A million cells: counted after this frame is painted, not before.
      setTimeout(() => {
        if (lastLargeKey !== largeKey) return;
        const bigN = 1024;
        const l = suggestedStride(bigN);
        const big = attendedPairs(pattern, bigN, { stride: l, c: Math.min(state.c, l) });
        large.textContent = t('At n = {0} with l = √n = {1}, this pattern computes {2} pairs: {3} of dense causal attention.', fmt(bigN), l, fmt(big.attended), pct(big.fractionOfCausal));
      }, 0);
    }
  }

  render();
}

function restoreState(ctx: WidgetContext): State {
  const saved = ctx.getState() as Partial<State> | undefined;
  const state = { ...DEFAULTS };
  if (saved && typeof saved === 'object') {
    if (PATTERNS.includes(saved.pattern as AttentionPattern)) state.pattern = saved.pattern as AttentionPattern;
    for (const key of ['n', 'stride', 'c', 'row'] as const) if (typeof saved[key] === 'number' && Number.isFinite(saved[key])) state[key] = saved[key];
  }
  state.n = Math.max(4, Math.min(64, Math.round(state.n)));
  state.stride = Math.max(1, Math.min(state.n, Math.round(state.stride)));
  state.c = Math.max(1, Math.min(state.stride, Math.round(state.c)));
  state.row = Math.max(0, Math.min(state.n - 1, Math.round(state.row)));
  return state;
}
