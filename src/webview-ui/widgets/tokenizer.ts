import type { Token, TokenizeResult } from '../../lessons/tokenizer';
import { DEFAULT_ENCODING, ENCODING_INFO, ENCODINGS, isEncodingName, SAMPLE_PAIR, type EncodingName } from '../../lessons/tokenizerInfo';
import { debounce, h, numberFormat, replaceChildren, selectControl, stat, uniqueId, usedOnce, widgetFrame } from './dom';
import type { WidgetContext } from './types';

interface State {
  text: string;
  encoding: EncodingName;
  showIds: boolean;
  en: string;
  zh: string;
}

/** A run of tokens shown as one chip: one token, or the tokens that together make up split characters. */
export interface TokenChip {
  text: string;
  ids: number[];
  bytes?: string[];
}

/** Groups tokens whose text was merged because they split a UTF-8 character (see lessons/tokenizer.ts). */
export function chipsOf(tokens: readonly Token[]): TokenChip[] {
  const chips: TokenChip[] = [];
  for (const tok of tokens) {
    const last = chips[chips.length - 1];
    if (tok.text === '' && tok.bytes !== undefined && last?.bytes) {
      last.ids.push(tok.id);
      last.bytes.push(tok.bytes);
    } else {
      chips.push({ text: tok.text, ids: [tok.id], bytes: tok.bytes !== undefined ? [tok.bytes] : undefined });
    }
  }
  return chips;
}

const SAMPLE_TEXT: Record<'en' | 'zh-cn', string> = {
  en: 'ChatGPT is a sibling model to InstructGPT. 它由 OpenAI 于 2022 年 11 月发布。',
  'zh-cn': 'ChatGPT 是 InstructGPT 的兄弟模型，由 OpenAI 于 2022 年 11 月发布。',
};

/** `initial` (from llmLab.tokenize) replaces the saved text and encoding. */
export function mountTokenizer(host: HTMLElement, ctx: WidgetContext, initial?: { text: string; encoding?: EncodingName }): void {
  const { t } = ctx;
  const used = usedOnce(ctx);
  const state = restoreState(ctx, initial);
  if (initial) ctx.setState({ ...state });
  const fmt = numberFormat(ctx.lang, { maximumFractionDigits: 2 });

  const { root, body } = widgetFrame(
    'tokenizer',
    t('Tokenizer'),
    t('Real byte-pair encodings used by OpenAI models. Each coloured chip is one token; hover or show ids to see its number in the vocabulary.'),
  );
  const textId = uniqueId('tokenizer-input');
  const input = h('textarea', { attrs: { id: textId, rows: 4, 'data-testid': 'tokenizer-input', spellcheck: 'false' } });
  input.value = state.text;
  input.addEventListener('input', () => {
    state.text = input.value;
    touched();
    debouncedMain();
  });
  const encoding = selectControl<EncodingName>({
    label: t('Encoding'),
    value: state.encoding,
    testId: 'tokenizer-encoding',
    choices: ENCODINGS.map((e) => ({ value: e, label: `${e} (${ENCODING_INFO[e].models})` })),
    onChange: (v) => {
      state.encoding = v;
      touched();
      void refreshMain();
    },
  });
  const idsId = uniqueId('tokenizer-ids-toggle');
  const showIds = h('input', { attrs: { id: idsId, type: 'checkbox', 'data-testid': 'tokenizer-show-ids', checked: state.showIds } });
  showIds.addEventListener('change', () => {
    state.showIds = showIds.checked;
    touched();
    tokensView.classList.toggle('show-ids', state.showIds);
  });

  const count = stat(t('Tokens'), 'tokenizer-count');
  const chars = stat(t('Characters'), 'tokenizer-chars');
  const perToken = stat(t('Characters per token'), 'tokenizer-chars-per-token');
  const status = h('p', { class: 'widget-note', attrs: { 'aria-live': 'polite', 'data-testid': 'tokenizer-status' } });
  const tokensView = h('div', { class: `token-view${state.showIds ? ' show-ids' : ''}`, attrs: { 'data-testid': 'tokenizer-tokens', 'aria-label': t('Tokens') } });
  const ids = h('p', { class: 'token-ids', attrs: { 'data-testid': 'tokenizer-ids' } });
  const error = h('p', { class: 'widget-error', attrs: { role: 'alert', 'data-testid': 'tokenizer-error', hidden: true } });

  const enId = uniqueId('tokenizer-en');
  const zhId = uniqueId('tokenizer-zh');
  const enInput = h('input', { attrs: { id: enId, type: 'text', 'data-testid': 'tokenizer-compare-en' } });
  const zhInput = h('input', { attrs: { id: zhId, type: 'text', 'data-testid': 'tokenizer-compare-zh' } });
  enInput.value = state.en;
  zhInput.value = state.zh;
  for (const [field, key] of [[enInput, 'en'], [zhInput, 'zh']] as const) {
    field.addEventListener('input', () => {
      state[key] = field.value;
      touched();
      debouncedCompare();
    });
  }
  const compareTable = h('table', { class: 'tokenizer-compare', attrs: { 'data-testid': 'tokenizer-compare' } });
  const compareNote = h('p', { class: 'widget-note', attrs: { 'data-testid': 'tokenizer-compare-note' } });

  body.append(
    h('div', { class: 'widget-field widget-field-wide' }, h('label', { attrs: { for: textId }, text: t('Text') }), input),
    h('div', { class: 'widget-controls' }, encoding.root, h('div', { class: 'widget-field widget-check' }, showIds, h('label', { attrs: { for: idsId }, text: t('Show token ids') }))),
    h('div', { class: 'widget-stats' }, count.root, chars.root, perToken.root),
    status,
    tokensView,
    ids,
    error,
    h('h4', { class: 'widget-subtitle', text: t('The same sentence in English and Chinese') }),
    h('div', { class: 'widget-controls' },
      h('div', { class: 'widget-field widget-field-wide' }, h('label', { attrs: { for: enId }, text: t('English') }), enInput),
      h('div', { class: 'widget-field widget-field-wide' }, h('label', { attrs: { for: zhId }, text: t('Chinese') }), zhInput)),
    compareTable,
    compareNote,
  );
  replaceChildren(host, root);

  let mainSequence = 0;
  let compareSequence = 0;
  const debouncedMain = debounce(() => void refreshMain(), 120);
  const debouncedCompare = debounce(() => void refreshCompare(), 200);

  function touched(): void {
    used();
    ctx.setState({ ...state });
  }

  async function refreshMain(): Promise<void> {
    const mine = ++mainSequence;
    const slow = setTimeout(() => {
      if (mine === mainSequence) status.textContent = t('Loading the {0} vocabulary…', state.encoding);
    }, 250);
    try {
      const result = await ctx.request({ type: 'tokenize', text: state.text, encoding: state.encoding });
      if (mine !== mainSequence) return;
      error.hidden = true;
      renderMain(result);
    } catch (e) {
      if (mine !== mainSequence) return;
      error.hidden = false;
      error.textContent = t('Could not tokenize: {0}', (e as Error).message);
    } finally {
      clearTimeout(slow);
    }
  }

  function renderMain(result: TokenizeResult): void {
    const chips = chipsOf(result.tokens);
    const charCount = [...state.text].length;
    count.value.textContent = String(result.count);
    chars.value.textContent = String(charCount);
    perToken.value.textContent = result.count ? fmt(charCount / result.count) : '—';
    const split = chips.filter((c) => c.ids.length > 1).length;
    status.textContent = split
      ? t('{0} tokens in {1}. {2} groups of tokens each split a character into raw UTF-8 bytes (the chips with several ids).', result.count, result.encoding, split)
      : t('{0} tokens in {1}.', result.count, result.encoding);
    replaceChildren(
      tokensView,
      ...chips.map((chip, i) => {
        const title = chip.bytes
          ? t('{0} tokens for these bytes: {1}', chip.ids.length, chip.ids.map((id, j) => `${id} [${chip.bytes![j]}]`).join(', '))
          : t('token id {0}', chip.ids[0]);
        return h(
          'span',
          { class: `tok tok-c${i % 6}${chip.ids.length > 1 ? ' tok-split' : ''}`, attrs: { title, 'data-ids': chip.ids.join(' ') } },
          h('span', { class: 'tok-text', text: chip.text.replace(/\n/g, '↵\n') }),
          h('span', { class: 'tok-id', text: chip.ids.join(' ') }),
        );
      }),
    );
    ids.textContent = `[${result.tokens.map((tok) => tok.id).join(', ')}]`;
  }

  async function refreshCompare(): Promise<void> {
    const mine = ++compareSequence;
    try {
      const results = await Promise.all(
        ENCODINGS.flatMap((e) => [
          ctx.request({ type: 'tokenize', text: state.en, encoding: e }),
          ctx.request({ type: 'tokenize', text: state.zh, encoding: e }),
        ]),
      );
      if (mine !== compareSequence) return;
      const rows = ENCODINGS.map((e, i) => ({ encoding: e, en: results[2 * i].count, zh: results[2 * i + 1].count }));
      replaceChildren(
        compareTable,
        h('caption', { text: t('Tokens for the same meaning') }),
        h('thead', {}, h('tr', {}, ...[t('Encoding'), t('Models'), t('English'), t('Chinese'), t('Chinese / English')].map((label) => h('th', { attrs: { scope: 'col' }, text: label })))),
        h('tbody', {}, ...rows.map((r) =>
          h('tr', {},
            h('th', { attrs: { scope: 'row' }, text: r.encoding }),
            h('td', { text: ENCODING_INFO[r.encoding].models }),
            h('td', { attrs: { 'data-testid': `compare-${r.encoding}-en` }, text: String(r.en) }),
            h('td', { attrs: { 'data-testid': `compare-${r.encoding}-zh` }, text: String(r.zh) }),
            h('td', { text: r.en ? `${fmt(r.zh / r.en)}×` : '—' })))),
      );
      const old = rows[0];
      const newest = rows[rows.length - 1];
      compareNote.textContent = old.zh > newest.zh
        ? t('GPT-2\'s vocabulary was learned mostly from English web text, so most Chinese characters are not in it and fall apart into 2–3 byte tokens: {0} tokens here against {1} with o200k_base. More tokens means a shorter effective context and a higher price per sentence.', old.zh, newest.zh)
        : t('Type a Chinese sentence to compare how the vocabularies handle it.');
    } catch (e) {
      if (mine !== compareSequence) return;
      compareNote.textContent = t('Could not tokenize: {0}', (e as Error).message);
    }
  }

  void refreshMain();
  void refreshCompare();
}

function restoreState(ctx: WidgetContext, initial?: { text: string; encoding?: EncodingName }): State {
  const saved = (ctx.getState() ?? {}) as Partial<State>;
  return {
    text: initial?.text ?? (typeof saved.text === 'string' ? saved.text : SAMPLE_TEXT[ctx.lang]),
    encoding: initial?.encoding ?? (isEncodingName(saved.encoding) ? saved.encoding : DEFAULT_ENCODING),
    showIds: typeof saved.showIds === 'boolean' ? saved.showIds : false,
    en: typeof saved.en === 'string' ? saved.en : SAMPLE_PAIR.en,
    zh: typeof saved.zh === 'string' ? saved.zh : SAMPLE_PAIR.zh,
  };
}
