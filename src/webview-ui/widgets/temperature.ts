import type { Lang } from '../../core/l10n';
import type { NextTokensResult, SampleResult } from '../../lessons/ngramModel';
import { debounce, h, numberControl, numberFormat, rangeControl, replaceChildren, selectControl, uniqueId, usedOnce, visibleToken, widgetFrame } from './dom';
import { DEFAULT_PREFIX, END_TOKEN } from './nextToken';
import type { WidgetContext } from './types';

interface State {
  prefix: string;
  model: Lang;
  temperature: number;
  topK: number;
  topP: number;
  seed: number;
}

const COMPARE_AT = [0, 0.7, 1, 1.5];
const SAMPLE_TOKENS = 30;

export function mountTemperature(host: HTMLElement, ctx: WidgetContext): void {
  const { t } = ctx;
  const used = usedOnce(ctx);
  const state = restoreState(ctx);
  const pct = numberFormat(ctx.lang, { style: 'percent', maximumFractionDigits: 1, minimumFractionDigits: 1 });
  const two = numberFormat(ctx.lang, { maximumFractionDigits: 2, minimumFractionDigits: 2 });

  const { root, body } = widgetFrame(
    'temperature',
    t('Temperature, top-k and top-p'),
    t('The same text continued by the built-in model at several temperatures. Low temperature sharpens the distribution (T → 0 is greedy), high temperature flattens it; top-k and top-p cut off the unlikely tail before drawing.'),
  );
  const inputId = uniqueId('temperature-prefix');
  const prefix = h('input', { attrs: { id: inputId, type: 'text', 'data-testid': 'temperature-prefix', autocomplete: 'off', spellcheck: 'false' } });
  prefix.value = state.prefix;
  prefix.addEventListener('input', () => {
    state.prefix = prefix.value;
    touched(true);
  });
  const model = selectControl<Lang>({
    label: t('Model'),
    value: state.model,
    testId: 'temperature-model',
    choices: [{ value: 'en', label: t('English (words)') }, { value: 'zh-cn', label: t('Chinese (characters)') }],
    onChange: (v) => {
      state.model = v;
      if (!prefix.value.trim() || prefix.value === DEFAULT_PREFIX[v === 'en' ? 'zh-cn' : 'en']) prefix.value = state.prefix = DEFAULT_PREFIX[v];
      touched();
    },
  });
  const temperature = rangeControl({ label: t('Temperature T'), min: 0, max: 2, step: 0.05, value: state.temperature, testId: 'temperature-t', format: two, onInput: (v) => { state.temperature = v; touched(true); } });
  const topK = rangeControl({
    label: t('Top-k (0 = off)'), min: 0, max: 50, step: 1, value: state.topK, testId: 'temperature-topk',
    format: (v) => (v === 0 ? t('off') : String(v)),
    onInput: (v) => { state.topK = v; touched(true); },
  });
  const topP = rangeControl({
    label: t('Top-p (1 = off)'), min: 0.05, max: 1, step: 0.05, value: state.topP, testId: 'temperature-topp',
    format: (v) => (v >= 1 ? t('off') : two(v)),
    onInput: (v) => { state.topP = v; touched(true); },
  });
  const seed = numberControl({ label: t('Seed'), value: state.seed, testId: 'temperature-seed', min: 0, step: 1, onInput: (v) => { state.seed = Math.max(0, Math.floor(v)); touched(true); } });
  const resample = h('button', { class: 'primary', attrs: { type: 'button', 'data-testid': 'temperature-sample' }, text: t('Sample again (new seed)') });
  resample.addEventListener('click', () => {
    state.seed = (state.seed + 1) >>> 0;
    seed.input.value = String(state.seed);
    touched();
  });

  const distribution = h('table', { class: 'temperature-dist', attrs: { 'data-testid': 'temperature-dist' } });
  const samples = h('ul', { class: 'temperature-samples', attrs: { 'data-testid': 'temperature-samples', 'aria-live': 'polite' } });
  const error = h('p', { class: 'widget-error', attrs: { role: 'alert', 'data-testid': 'temperature-error', hidden: true } });
  const note = h('p', { class: 'widget-note', text: t('A fixed seed reproduces every sample exactly; at T = 0 the seed makes no difference. Greedy text from an n-gram model soon repeats itself, one reason real systems sample.') });

  body.append(
    h('div', { class: 'widget-field widget-field-wide' }, h('label', { attrs: { for: inputId }, text: t('Text so far') }), prefix),
    h('div', { class: 'widget-controls' }, model.root, temperature.root, topK.root, topP.root, seed.root, resample),
    distribution,
    samples,
    error,
    note,
  );
  replaceChildren(host, root);

  let sequence = 0;
  const debounced = debounce(() => void refresh(), 150);

  function touched(debounceIt = false): void {
    used();
    ctx.setState({ ...state });
    if (debounceIt) debounced();
    else void refresh();
  }

  async function refresh(): Promise<void> {
    const mine = ++sequence;
    const lang = state.model;
    const decoding = { temperature: state.temperature, topK: state.topK, topP: state.topP };
    const temps = [...new Set([...COMPARE_AT, state.temperature])].sort((a, b) => a - b);
    samples.setAttribute('aria-busy', 'true');
    try {
      const [base, shaped, ...runs] = await Promise.all([
        ctx.request({ type: 'nextTokens', prefix: state.prefix, k: 10, lang }),
        ctx.request({ type: 'nextTokens', prefix: state.prefix, k: 50, lang, ...decoding }),
        ...temps.map((temperature) =>
          ctx.request({ type: 'sample', prefix: state.prefix, lang, temperature, topK: state.topK, topP: state.topP, seed: state.seed, maxTokens: SAMPLE_TOKENS }),
        ),
      ]);
      if (mine !== sequence) return;
      error.hidden = true;
      renderDistribution(base, shaped);
      renderSamples(temps, runs);
    } catch (e) {
      if (mine !== sequence) return;
      error.hidden = false;
      error.textContent = t('The built-in model did not answer: {0}', (e as Error).message);
    } finally {
      if (mine === sequence) samples.removeAttribute('aria-busy');
    }
  }

  function renderDistribution(base: NextTokensResult, shaped: NextTokensResult): void {
    const after = new Map(shaped.tokens.map((tok) => [tok.token, tok.p]));
    const label = (token: string) => (token === END_TOKEN ? t('(end of paragraph)') : visibleToken(token));
    replaceChildren(
      distribution,
      h('caption', { text: t('Next token: the model\'s probabilities, and what the sampler draws from with these settings') }),
      h('thead', {}, h('tr', {}, h('th', { attrs: { scope: 'col' }, text: t('Token') }), h('th', { attrs: { scope: 'col' }, text: t('Model (T = 1)') }), h('th', { attrs: { scope: 'col' }, text: t('After T, top-k, top-p') }))),
      h(
        'tbody',
        {},
        ...base.tokens.map((tok, i) => {
          const p = after.get(tok.token) ?? 0;
          return h('tr', { class: p === 0 ? 'cut' : '' }, h('td', { class: 'token-cell', text: label(tok.token) }), h('td', {}, bar(tok.p, 'bar-sft', pct)), h('td', {}, bar(p, 'bar-rl', pct, `temperature-p-${i}`)));
        }),
      ),
    );
  }

  function renderSamples(temps: number[], runs: SampleResult[]): void {
    replaceChildren(
      samples,
      ...temps.map((temperature, i) => {
        const current = temperature === state.temperature;
        const run = runs[i];
        return h(
          'li',
          { class: current ? 'temperature-sample current' : 'temperature-sample', attrs: { 'data-testid': current ? 'temperature-output' : `temperature-sample-${temperature}` } },
          h('span', { class: 'temperature-label', text: current ? t('T = {0} (yours)', two(temperature)) : `T = ${two(temperature)}` }),
          h('span', { class: 'temperature-text' }, h('span', { class: 'temperature-prefix', text: state.prefix }), h('span', { class: 'temperature-continuation', text: run.text }), run.finish === 'end' ? h('span', { class: 'temperature-end', text: ' ¶' }) : null),
        );
      }),
    );
  }

  void refresh();
}

function bar(value: number, cls: string, pct: (v: number) => string, testId?: string): HTMLElement {
  const fill = h('span', { class: `bar-fill ${cls}` });
  fill.style.width = `${Math.max(0, Math.min(1, value)) * 100}%`;
  return h('span', { class: 'bar' }, h('span', { class: 'bar-track' }, fill), h('span', { class: 'bar-label', attrs: testId ? { 'data-testid': testId } : {}, text: pct(value) }));
}

function restoreState(ctx: WidgetContext): State {
  const saved = (ctx.getState() ?? {}) as Partial<State>;
  const model: Lang = saved.model === 'en' || saved.model === 'zh-cn' ? saved.model : ctx.lang;
  const num = (v: unknown, lo: number, hi: number, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? Math.max(lo, Math.min(hi, v)) : fallback);
  return {
    model,
    prefix: typeof saved.prefix === 'string' ? saved.prefix.slice(0, 2000) : DEFAULT_PREFIX[model],
    temperature: num(saved.temperature, 0, 2, 0.7),
    topK: Math.round(num(saved.topK, 0, 50, 0)),
    topP: num(saved.topP, 0.05, 1, 1),
    seed: Math.floor(num(saved.seed, 0, 2 ** 32 - 1, 42)),
  };
}
