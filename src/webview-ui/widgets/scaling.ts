import {
  approxParams, CHINCHILLA_TOKENS_PER_PARAM, computeOptimal, exactParams, formatCount, formatScientific, GPT_MODELS,
  TRAINED_MODELS, tokensPerParam, trainingFlops,
} from '../../lessons/scaling';
import { h, numberControl, numberFormat, replaceChildren, s, selectControl, stat, usedOnce, widgetFrame } from './dom';
import type { WidgetContext } from './types';

interface State {
  /** A GPT_MODELS id or 'custom' (GPT-1 and GPT-2 small share a shape, so the choice is kept). */
  preset: string;
  layers: number;
  dModel: number;
  /** Training tokens, in billions. */
  tokensB: number;
}

const DEFAULTS: State = { preset: 'gpt-3', layers: 96, dModel: 12288, tokensB: 300 };

export function mountScaling(host: HTMLElement, ctx: WidgetContext): void {
  const { t } = ctx;
  const used = usedOnce(ctx);
  const state = restoreState(ctx);
  const ratioFmt = numberFormat(ctx.lang, { maximumFractionDigits: 2, minimumFractionDigits: 2 });
  const oneDecimal = numberFormat(ctx.lang, { maximumFractionDigits: 1 });

  const { root, body } = widgetFrame(
    'scaling',
    t('Scaling calculator'),
    t('Parameters from the shape of a GPT (≈ 12·L·d²), training compute from parameters and tokens (C ≈ 6·N·D), and Chinchilla\'s rule of about 20 tokens per parameter.'),
  );

  const preset = selectControl({
    label: t('Preset'),
    value: presetFor(state),
    testId: 'scaling-preset',
    choices: [{ value: 'custom', label: t('Custom') }, ...GPT_MODELS.map((m) => ({ value: m.id, label: m.name }))],
    onChange: (id) => {
      const m = GPT_MODELS.find((g) => g.id === id);
      if (!m) return;
      state.preset = m.id;
      state.layers = m.layers;
      state.dModel = m.dModel;
      layers.input.value = String(m.layers);
      dModel.input.value = String(m.dModel);
      changed();
    },
  });
  const layers = numberControl({ label: t('Layers L'), value: state.layers, testId: 'scaling-layers', min: 1, max: 1000, step: 1, onInput: (v) => { state.layers = v; changed(); } });
  const dModel = numberControl({ label: t('Model width d_model'), value: state.dModel, testId: 'scaling-dmodel', min: 1, max: 100000, step: 1, onInput: (v) => { state.dModel = v; changed(); } });
  const tokens = numberControl({ label: t('Training tokens D (billions)'), value: state.tokensB, testId: 'scaling-tokens', min: 0, step: 'any', onInput: (v) => { state.tokensB = v; changed(); } });

  const params = stat(t('Parameters ≈ 12·L·d²'), 'scaling-params');
  const exact = stat(t('Exact count (this preset)'), 'scaling-exact');
  const flops = stat(t('Training compute C ≈ 6·N·D'), 'scaling-flops');
  const ratio = stat(t('Tokens per parameter'), 'scaling-ratio');
  const optParams = stat(t('Compute-optimal N for this C'), 'scaling-opt-params');
  const optTokens = stat(t('Compute-optimal D for this C'), 'scaling-opt-tokens');
  const verdict = h('p', { class: 'widget-note', attrs: { 'aria-live': 'polite', 'data-testid': 'scaling-verdict' } });
  const chart = h('div', { class: 'scaling-chart' });
  const table = h('table', { class: 'scaling-table', attrs: { 'data-testid': 'scaling-table' } });

  body.append(
    h('div', { class: 'widget-controls' }, preset.root, layers.root, dModel.root, tokens.root),
    h('div', { class: 'widget-stats' }, params.root, exact.root, flops.root, ratio.root, optParams.root, optTokens.root),
    verdict,
    chart,
    table,
  );
  replaceChildren(host, root);
  renderTable();

  function changed(): void {
    used();
    state.preset = presetFor(state);
    ctx.setState({ ...state });
    render();
  }

  function render(): void {
    preset.select.value = presetFor(state);
    const valid = state.layers > 0 && state.dModel > 0;
    const n = valid ? approxParams(state.layers, state.dModel) : 0;
    const d = Math.max(0, state.tokensB) * 1e9;
    const c = trainingFlops(n, d);
    const opt = computeOptimal(c);
    const model = GPT_MODELS.find((m) => m.id === presetFor(state));
    params.value.textContent = valid ? formatCount(n) : '—';
    exact.value.textContent = model ? t('{0} (published: {1})', formatCount(exactParams(model)), formatCount(model.published)) : '—';
    flops.value.textContent = c > 0 ? t('{0} FLOPs', formatScientific(c)) : '—';
    const r = tokensPerParam(n, d);
    ratio.value.textContent = n > 0 ? oneDecimal(r) : '—';
    optParams.value.textContent = c > 0 ? formatCount(opt.params) : '—';
    optTokens.value.textContent = c > 0 ? formatCount(opt.tokens) : '—';
    if (!(c > 0)) verdict.textContent = t('Enter a positive number of layers, width and tokens.');
    else if (r < CHINCHILLA_TOKENS_PER_PARAM / 2) verdict.textContent = t('Under-trained by Chinchilla\'s rule: for the same compute, a {0}× smaller model trained on {1}× more tokens should reach a lower loss.', ratioFmt(n / opt.params), ratioFmt(opt.tokens / d));
    else if (r > CHINCHILLA_TOKENS_PER_PARAM * 2) verdict.textContent = t('More tokens per parameter than compute-optimal: fine if you will serve the model a lot (a smaller model is cheaper to run).');
    else verdict.textContent = t('Close to compute-optimal (about 20 tokens per parameter).');
    replaceChildren(chart, scatter(n, d, t));
  }

  function renderTable(): void {
    replaceChildren(
      table,
      h('caption', { text: t('12·L·d² against the real counts') }),
      h('thead', {}, h('tr', {}, ...[t('Model'), 'L', 'd_model', t('Heads'), '12·L·d²', t('Exact'), t('Published'), t('Approx / exact')].map((label) => h('th', { attrs: { scope: 'col' }, text: label })))),
      h(
        'tbody',
        {},
        ...GPT_MODELS.map((m) => {
          const approx = approxParams(m.layers, m.dModel);
          const full = exactParams(m);
          return h('tr', {},
            h('td', { text: m.name }), h('td', { text: String(m.layers) }), h('td', { text: String(m.dModel) }), h('td', { text: String(m.heads) }),
            h('td', { text: formatCount(approx) }), h('td', { text: formatCount(full) }), h('td', { text: formatCount(m.published) }),
            h('td', { text: ratioFmt(approx / full) }));
        }),
      ),
    );
  }

  render();
}

function presetFor(state: State): string {
  const chosen = GPT_MODELS.find((m) => m.id === state.preset);
  if (chosen && chosen.layers === state.layers && chosen.dModel === state.dModel) return chosen.id;
  return GPT_MODELS.find((m) => m.layers === state.layers && m.dModel === state.dModel)?.id ?? 'custom';
}

const LABEL_PLACE: Record<string, { dx: number; dy: number; anchor: 'start' | 'end' }> = {
  'gpt-3': { dx: -9, dy: -7, anchor: 'end' },
  gopher: { dx: 9, dy: -7, anchor: 'start' },
  chinchilla: { dx: -9, dy: -7, anchor: 'end' },
};

/** N (x) against D (y), both log scale: GPT-3, Gopher, Chinchilla, the reader's model, and D = 20·N. */
function scatter(n: number, d: number, t: WidgetContext['t']): SVGSVGElement {
  const W = 440;
  const H = 260;
  const pad = { l: 52, r: 14, t: 12, b: 40 };
  const xMin = 8;
  const xMax = 13; // 1e8 … 1e13 parameters
  const yMin = 9;
  const yMax = 14; // 1e9 … 1e14 tokens
  const x = (v: number) => pad.l + ((Math.log10(v) - xMin) / (xMax - xMin)) * (W - pad.l - pad.r);
  const y = (v: number) => pad.t + (1 - (Math.log10(v) - yMin) / (yMax - yMin)) * (H - pad.t - pad.b);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', class: 'chart', 'data-testid': 'scaling-chart', 'aria-label': t('Parameters against training tokens, log scales, with the 20 tokens per parameter line') });
  for (let e = xMin; e <= xMax; e++) {
    svg.append(s('line', { x1: x(10 ** e), x2: x(10 ** e), y1: pad.t, y2: H - pad.b, class: 'grid' }));
    svg.append(s('text', { x: x(10 ** e), y: H - pad.b + 14, class: 'tick', 'text-anchor': 'middle' }, formatCount(10 ** e)));
  }
  for (let e = yMin; e <= yMax; e++) {
    svg.append(s('line', { x1: pad.l, x2: W - pad.r, y1: y(10 ** e), y2: y(10 ** e), class: 'grid' }));
    svg.append(s('text', { x: pad.l - 6, y: y(10 ** e) + 3, class: 'tick', 'text-anchor': 'end' }, formatCount(10 ** e)));
  }
  svg.append(s('text', { x: (pad.l + W - pad.r) / 2, y: H - 6, class: 'axis-label', 'text-anchor': 'middle' }, t('parameters N')));
  svg.append(s('text', { x: 12, y: (pad.t + H - pad.b) / 2, class: 'axis-label', 'text-anchor': 'middle', transform: `rotate(-90 12 ${(pad.t + H - pad.b) / 2})` }, t('tokens D')));
  // D = 20·N from N = 1e8 to where it leaves the plot
  const n0 = 10 ** xMin;
  const n1 = Math.min(10 ** xMax, 10 ** yMax / CHINCHILLA_TOKENS_PER_PARAM);
  svg.append(s('line', { x1: x(n0), y1: y(CHINCHILLA_TOKENS_PER_PARAM * n0), x2: x(n1), y2: y(CHINCHILLA_TOKENS_PER_PARAM * n1), class: 'optimal-line' }));
  svg.append(s('text', { x: x(n1) - 4, y: y(CHINCHILLA_TOKENS_PER_PARAM * n1) + 14, class: 'tick', 'text-anchor': 'end' }, t('D = 20·N (compute-optimal)')));
  const inside = (v: number, lo: number, hi: number) => v >= 10 ** lo && v <= 10 ** hi;
  for (const m of TRAINED_MODELS) {
    const cls = `point point-${m.id}`;
    svg.append(s('circle', { cx: x(m.params), cy: y(m.tokens), r: 5, class: cls }, s('title', {}, `${m.name}: ${formatCount(m.params)}, ${formatCount(m.tokens)}`)));
    const place = LABEL_PLACE[m.id];
    svg.append(s('text', { x: x(m.params) + place.dx, y: y(m.tokens) + place.dy, class: 'point-label', 'text-anchor': place.anchor }, `${m.name} (${formatCount(m.params)}, ${formatCount(m.tokens)})`));
  }
  if (inside(n, xMin, xMax) && inside(d, yMin, yMax)) {
    svg.append(s('rect', { x: x(n) - 6, y: y(d) - 6, width: 12, height: 12, class: 'point-you', 'data-testid': 'scaling-you' }));
    svg.append(s('text', { x: x(n), y: y(d) + 22, class: 'point-label point-you-label', 'text-anchor': 'middle' }, t('your model')));
  }
  return svg;
}

function restoreState(ctx: WidgetContext): State {
  const saved = ctx.getState() as Partial<State> | undefined;
  const state = { ...DEFAULTS };
  if (saved && typeof saved === 'object') {
    for (const key of ['layers', 'dModel', 'tokensB'] as const) if (typeof saved[key] === 'number' && Number.isFinite(saved[key]) && saved[key] >= 0) state[key] = saved[key];
    if (typeof saved.preset === 'string') state.preset = saved.preset;
  }
  return state;
}
