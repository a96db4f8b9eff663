import { DEFAULT_SETUP, PAPER_BETA, PAPER_GAMMA, rewardFavourite, trainPolicy, type TrainPoint } from '../../lessons/ppoToy';
import { h, numberFormat, rangeControl, replaceChildren, s, stat, usedOnce, widgetFrame } from './dom';
import type { WidgetContext } from './types';

interface State {
  beta: number;
  gamma: number;
  steps: number;
}

const DEFAULTS: State = { beta: 0.5, gamma: 0, steps: 200 };
const MAX_STEPS = 400;

const RESPONSES: { en: string; 'zh-cn': string }[] = [
  { en: 'Short, clear answer with a simple picture', 'zh-cn': '简短清楚、配一个简单比喻的回答' },
  { en: 'Correct but dry textbook paragraph', 'zh-cn': '正确但枯燥的教科书段落' },
  { en: 'Very long, flattering answer that repeats itself', 'zh-cn': '冗长、奉承、不断重复的回答' },
  { en: 'Off-topic text', 'zh-cn': '答非所问的文字' },
];

export function mountPpo(host: HTMLElement, ctx: WidgetContext): void {
  const { t } = ctx;
  const used = usedOnce(ctx);
  const state = restoreState(ctx);
  const num = numberFormat(ctx.lang, { maximumFractionDigits: 3, minimumFractionDigits: 3 });
  const pct = numberFormat(ctx.lang, { style: 'percent', maximumFractionDigits: 1 });
  const two = numberFormat(ctx.lang, { maximumFractionDigits: 2, minimumFractionDigits: 2 });

  const { root, body } = widgetFrame(
    'ppo',
    t('PPO-ptx objective'),
    t('A toy policy chooses among four answers to "Explain the moon landing to a 6 year old". RL pushes it towards what the reward model scores highly; β·KL holds it near the SFT model, γ keeps pretraining text likely.'),
  );

  const beta = rangeControl({ label: t('β (KL penalty)'), min: 0, max: 2, step: 0.01, value: state.beta, testId: 'ppo-beta', format: two, onInput: (v) => set({ beta: v }) });
  const gamma = rangeControl({ label: t('γ (pretraining mix)'), min: 0, max: 1, step: 0.01, value: state.gamma, testId: 'ppo-gamma', format: two, onInput: (v) => set({ gamma: v }) });
  const steps = rangeControl({ label: t('RL steps'), min: 0, max: MAX_STEPS, step: 10, value: state.steps, testId: 'ppo-steps', onInput: (v) => set({ steps: v }) });
  const noKl = h('button', { class: 'secondary', attrs: { type: 'button', 'data-testid': 'ppo-beta-zero' }, text: t('Try β = 0') });
  noKl.addEventListener('click', () => set({ beta: 0, gamma: 0, steps: MAX_STEPS }));
  const reset = h('button', { class: 'secondary', attrs: { type: 'button', 'data-testid': 'ppo-reset' }, text: t('Reset') });
  reset.addEventListener('click', () => set({ ...DEFAULTS }));

  const reward = stat(t('Reward E[r]'), 'ppo-reward');
  const kl = stat(t('KL(π_RL ‖ π_SFT)'), 'ppo-kl');
  const ptx = stat(t('Pretraining log-likelihood'), 'ppo-ptx');
  const objective = stat(t('Objective'), 'ppo-objective');
  const quality = stat(t('What people think (hidden from RL)'), 'ppo-quality');
  const table = h('table', { class: 'ppo-table', attrs: { 'data-testid': 'ppo-table' } });
  const chart = h('div', { class: 'ppo-chart' });
  const note = h('p', { class: 'widget-note', attrs: { 'aria-live': 'polite', 'data-testid': 'ppo-note' } });
  const star = h('p', { class: 'widget-note', text: t('★ the reward model\'s favourite answer') });
  const scale = h('p', { class: 'widget-note', text: t('Toy scale. InstructGPT used β = {0} and γ = {1} on its own reward and per-token scales.', PAPER_BETA, PAPER_GAMMA) });

  body.append(
    h('div', { class: 'widget-controls' }, beta.root, gamma.root, steps.root, noKl, reset),
    h('div', { class: 'widget-stats' }, reward.root, kl.root, ptx.root, objective.root, quality.root),
    table,
    star,
    chart,
    note,
    scale,
  );
  replaceChildren(host, root);

  let trajectory: TrainPoint[] = [];
  let trajectoryKey = '';

  function set(patch: Partial<State>): void {
    Object.assign(state, patch);
    used();
    ctx.setState({ ...state });
    render();
  }

  function render(): void {
    beta.set(state.beta);
    gamma.set(state.gamma);
    steps.set(state.steps);
    const key = `${state.beta}:${state.gamma}`;
    if (key !== trajectoryKey) {
      trajectoryKey = key;
      trajectory = trainPolicy(DEFAULT_SETUP, { beta: state.beta, gamma: state.gamma }, { steps: MAX_STEPS, every: 10 });
    }
    const point = trajectory.find((p) => p.step === state.steps) ?? trajectory[trajectory.length - 1];
    reward.value.textContent = num(point.reward);
    kl.value.textContent = num(point.kl);
    ptx.value.textContent = num(point.pretrainLogLikelihood);
    objective.value.textContent = num(point.objective);
    quality.value.textContent = num(point.trueQuality);

    const favourite = rewardFavourite(DEFAULT_SETUP);
    replaceChildren(
      table,
      h(
        'thead',
        {},
        h('tr', {},
          h('th', { attrs: { scope: 'col' }, text: t('Answer') }),
          h('th', { attrs: { scope: 'col' }, text: t('Reward model') }),
          h('th', { attrs: { scope: 'col' }, text: t('People') }),
          h('th', { attrs: { scope: 'col' }, text: 'π_SFT' }),
          h('th', { attrs: { scope: 'col' }, text: 'π_RL' }),
        ),
      ),
      h(
        'tbody',
        {},
        ...RESPONSES.map((r, i) =>
          h(
            'tr',
            { class: i === favourite ? 'ppo-favourite' : '' },
            h('td', { text: r[ctx.lang] }),
            h('td', { text: two(DEFAULT_SETUP.rewards[i]) }),
            h('td', { text: two(DEFAULT_SETUP.trueQuality[i]) }),
            h('td', {}, bar(DEFAULT_SETUP.sft[i], 'bar-sft', pct)),
            h('td', {}, bar(point.policy[i], 'bar-rl', pct, `ppo-policy-${i}`)),
          ),
        ),
      ),
    );
    replaceChildren(chart, lineChart(trajectory, state.steps, t));

    if (state.beta === 0 && point.policy[favourite] > 0.9) {
      note.textContent = t('β = 0: nothing holds the policy near the SFT model. It has piled onto the answer the reward model over-rates ({0} of the probability), the KL keeps growing, and what people think of its answers has fallen. This is reward hacking.', pct(point.policy[favourite]));
    } else if (state.beta === 0) {
      note.textContent = t('β = 0: with more steps the policy keeps moving towards the reward model\'s favourite answer; drag the steps slider to the right.');
    } else if (point.policy[favourite] > 0.5) {
      note.textContent = t('The KL penalty is too weak for this reward model: the over-rated answer still wins. Raise β.');
    } else {
      note.textContent = t('The KL penalty keeps the policy close to the SFT model, where the reward model\'s scores can be trusted.');
    }
  }

  render();
}

function bar(value: number, cls: string, pct: (v: number) => string, testId?: string): HTMLElement {
  const fill = h('span', { class: `bar-fill ${cls}` });
  fill.style.width = `${Math.max(0, Math.min(1, value)) * 100}%`;
  return h('span', { class: 'bar' }, h('span', { class: 'bar-track' }, fill), h('span', { class: 'bar-label', attrs: testId ? { 'data-testid': testId } : {}, text: pct(value) }));
}

function lineChart(points: TrainPoint[], current: number, t: WidgetContext['t']): SVGSVGElement {
  const W = 420;
  const H = 204;
  const pad = { l: 34, r: 10, t: 8, b: 58 };
  const maxStep = points[points.length - 1]?.step || 1;
  const series: { key: 'reward' | 'kl' | 'trueQuality'; cls: string; label: string }[] = [
    { key: 'reward', cls: 'line-reward', label: t('reward') },
    { key: 'kl', cls: 'line-kl', label: 'KL' },
    { key: 'trueQuality', cls: 'line-quality', label: t('people') },
  ];
  const values = points.flatMap((p) => series.map((sr) => p[sr.key]));
  const lo = Math.min(0, ...values);
  const hi = Math.max(1, ...values);
  const x = (step: number) => pad.l + (step / maxStep) * (W - pad.l - pad.r);
  const y = (v: number) => pad.t + (1 - (v - lo) / (hi - lo)) * (H - pad.t - pad.b);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', class: 'chart', 'aria-label': t('Reward, KL and what people think, over RL steps') });
  svg.append(s('line', { x1: pad.l, x2: W - pad.r, y1: y(0), y2: y(0), class: 'axis' }));
  svg.append(s('line', { x1: pad.l, x2: pad.l, y1: pad.t, y2: H - pad.b, class: 'axis' }));
  for (const v of [...new Set([lo, 0, hi])]) svg.append(s('text', { x: pad.l - 4, y: y(v) + 3, class: 'tick', 'text-anchor': 'end' }, v.toFixed(1)));
  for (const step of [0, maxStep / 2, maxStep]) svg.append(s('text', { x: x(step), y: H - pad.b + 12, class: 'tick', 'text-anchor': 'middle' }, String(step)));
  svg.append(s('text', { x: (pad.l + W - pad.r) / 2, y: H - pad.b + 26, class: 'axis-label', 'text-anchor': 'middle' }, t('RL steps')));
  for (const sr of series) {
    const d = points.map((p, i) => `${i ? 'L' : 'M'}${x(p.step).toFixed(1)},${y(p[sr.key]).toFixed(1)}`).join('');
    svg.append(s('path', { d, class: `line ${sr.cls}` }));
  }
  svg.append(s('line', { x1: x(current), x2: x(current), y1: pad.t, y2: H - pad.b, class: 'cursor' }));
  const legendY = H - 6;
  series.forEach((sr, i) => {
    const x0 = pad.l + i * 110;
    svg.append(s('line', { x1: x0, x2: x0 + 18, y1: legendY - 3, y2: legendY - 3, class: `line ${sr.cls}` }));
    svg.append(s('text', { x: x0 + 22, y: legendY, class: 'tick' }, sr.label));
  });
  return svg;
}

function restoreState(ctx: WidgetContext): State {
  const saved = ctx.getState() as Partial<State> | undefined;
  const state = { ...DEFAULTS };
  if (saved && typeof saved === 'object') {
    for (const key of ['beta', 'gamma', 'steps'] as const) if (typeof saved[key] === 'number' && Number.isFinite(saved[key])) state[key] = saved[key];
  }
  state.beta = Math.max(0, Math.min(2, state.beta));
  state.gamma = Math.max(0, Math.min(1, state.gamma));
  state.steps = Math.max(0, Math.min(MAX_STEPS, Math.round(state.steps / 10) * 10));
  return state;
}
