import type { Lang } from '../../core/l10n';
import type { NextTokensResult } from '../../lessons/ngramModel';
import { debounce, h, numberFormat, rangeControl, replaceChildren, selectControl, uniqueId, usedOnce, visibleToken, widgetFrame } from './dom';
import type { WidgetContext } from './types';

interface State {
  prefix: string;
  k: number;
  model: Lang;
}

export const END_TOKEN = '</s>';

export const DEFAULT_PREFIX: Record<Lang, string> = { en: 'A language model predicts the', 'zh-cn': '语言模型' };

/** Appends a chosen token to the prefix (no double space; the first token of an empty prefix loses its space). */
export function appendToken(prefix: string, token: string): string {
  const trimmed = prefix.replace(/\s+$/, '');
  return trimmed ? trimmed + token : token.replace(/^ /, '');
}

export function mountNextToken(host: HTMLElement, ctx: WidgetContext): void {
  const { t } = ctx;
  const used = usedOnce(ctx);
  const state = restoreState(ctx);
  const pct = numberFormat(ctx.lang, { style: 'percent', maximumFractionDigits: 1, minimumFractionDigits: 1 });

  const { root, body } = widgetFrame(
    'next-token',
    t('Next-token explorer'),
    t('A trigram model trained on this lecture predicts the next token from the last two tokens only. Click a token to append it and see the next distribution.'),
  );
  const inputId = uniqueId('next-token-prefix');
  const prefix = h('input', { attrs: { id: inputId, type: 'text', 'data-testid': 'next-token-prefix', autocomplete: 'off', spellcheck: 'false' } });
  prefix.value = state.prefix;
  const model = selectControl<Lang>({
    label: t('Model'),
    value: state.model,
    testId: 'next-token-model',
    choices: [{ value: 'en', label: t('English (words)') }, { value: 'zh-cn', label: t('Chinese (characters)') }],
    onChange: (v) => {
      state.model = v;
      if (!prefix.value.trim() || prefix.value === DEFAULT_PREFIX[v === 'en' ? 'zh-cn' : 'en']) prefix.value = state.prefix = DEFAULT_PREFIX[v];
      changed();
    },
  });
  const k = rangeControl({ label: t('Show top k'), min: 1, max: 20, step: 1, value: state.k, testId: 'next-token-k', onInput: (v) => { state.k = v; changed(); } });
  const reset = h('button', { class: 'secondary', attrs: { type: 'button', 'data-testid': 'next-token-reset' }, text: t('Reset') });
  reset.addEventListener('click', () => {
    prefix.value = state.prefix = DEFAULT_PREFIX[state.model];
    changed();
  });
  const context = h('p', { class: 'widget-note', attrs: { 'data-testid': 'next-token-order' } });
  const list = h('ol', { class: 'next-token-list', attrs: { 'data-testid': 'next-token-list', 'aria-live': 'polite' } });
  const mass = h('p', { class: 'widget-note', attrs: { 'data-testid': 'next-token-mass' } });
  const error = h('p', { class: 'widget-error', attrs: { role: 'alert', 'data-testid': 'next-token-error', hidden: true } });
  const contrast = h('p', { class: 'widget-note', text: t('A neural language model conditions on the whole context (thousands of tokens) through learned vectors, so it can generalise to word sequences it never saw; this model can only count what it saw, and backs off to shorter contexts when it has seen nothing.') });

  prefix.addEventListener('input', () => {
    state.prefix = prefix.value;
    used();
    ctx.setState({ ...state });
    debounced();
  });

  body.append(
    h('div', { class: 'widget-field widget-field-wide' }, h('label', { attrs: { for: inputId }, text: t('Text so far') }), prefix),
    h('div', { class: 'widget-controls' }, model.root, k.root, reset),
    context,
    list,
    mass,
    error,
    contrast,
  );
  replaceChildren(host, root);

  let sequence = 0;
  const debounced = debounce(() => void refresh(), 120);

  function changed(): void {
    used();
    ctx.setState({ ...state });
    void refresh();
  }

  async function refresh(): Promise<void> {
    const mine = ++sequence;
    list.setAttribute('aria-busy', 'true');
    try {
      const result = await ctx.request({ type: 'nextTokens', prefix: state.prefix, k: state.k, lang: state.model });
      if (mine !== sequence) return;
      error.hidden = true;
      render(result);
    } catch (e) {
      if (mine !== sequence) return;
      error.hidden = false;
      error.textContent = t('The built-in model did not answer: {0}', (e as Error).message);
    } finally {
      if (mine === sequence) list.removeAttribute('aria-busy');
    }
  }

  function render(result: NextTokensResult): void {
    const orderText = result.order === 3
      ? t('Context «{0}» «{1}» was seen in training (trigram).', visibleToken(result.context[0]), visibleToken(result.context[1]))
      : result.order === 2
        ? t('«{0}» «{1}» never occurred in training: backed off to the last token «{1}» (bigram).', visibleToken(result.context[0]), visibleToken(result.context[1]))
        : t('The last token «{0}» is unknown: backed off to how often each token follows anything (unigram).', visibleToken(result.context[1]));
    context.textContent = orderText;
    context.dataset.order = String(result.order);
    replaceChildren(
      list,
      ...result.tokens.map((tok, i) => {
        const end = tok.token === END_TOKEN;
        const button = h('button', {
          class: 'token-chip',
          attrs: { type: 'button', 'data-testid': `next-token-option-${i}`, 'data-token': tok.token, disabled: end, 'aria-label': end ? t('end of paragraph, {0}', pct(tok.p)) : t('append «{0}», {1}', visibleToken(tok.token), pct(tok.p)) },
          text: end ? t('(end of paragraph)') : visibleToken(tok.token),
        });
        button.addEventListener('click', () => {
          prefix.value = state.prefix = appendToken(state.prefix, tok.token);
          changed();
          list.querySelector<HTMLButtonElement>('[data-testid="next-token-option-0"]')?.focus();
        });
        const fill = h('span', { class: 'bar-fill bar-rl' });
        fill.style.width = `${Math.min(1, tok.p) * 100}%`;
        return h('li', { class: 'next-token-row' }, button, h('span', { class: 'bar-track' }, fill), h('span', { class: 'bar-label', attrs: { 'data-testid': `next-token-p-${i}` }, text: pct(tok.p) }));
      }),
    );
    const shown = result.tokens.reduce((sum, tok) => sum + tok.p, 0);
    mass.textContent = t('These {0} tokens hold {1} of the probability; the other tokens of the vocabulary share the rest.', result.tokens.length, pct(shown));
  }

  void refresh();
}

function restoreState(ctx: WidgetContext): State {
  const saved = ctx.getState() as Partial<State> | undefined;
  const model: Lang = saved?.model === 'en' || saved?.model === 'zh-cn' ? saved.model : ctx.lang;
  return {
    model,
    prefix: typeof saved?.prefix === 'string' ? saved.prefix.slice(0, 2000) : DEFAULT_PREFIX[model],
    k: typeof saved?.k === 'number' && saved.k >= 1 && saved.k <= 20 ? Math.round(saved.k) : 8,
  };
}
