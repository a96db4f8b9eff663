import { batchingCost, binomial, rankingLoss } from '../../lessons/rankingLoss';
import { h, numberFormat, replaceChildren, stat, usedOnce, widgetFrame } from './dom';
import type { WidgetContext } from './types';

interface Answer {
  key: string;
  reward: number;
}

interface State {
  /** Answers in the labeler's order, best first. */
  answers: Answer[];
}

const ANSWER_TEXT: Record<string, { en: string; 'zh-cn': string }> = {
  A: { en: 'People went to the moon in a rocket, walked around, and came back.', 'zh-cn': '人们坐火箭去了月球，在上面走了走，又回来了。' },
  B: { en: 'In 1969 Apollo 11 landed two astronauts on the moon.', 'zh-cn': '1969 年，阿波罗 11 号把两名宇航员送上了月球。' },
  C: { en: 'The moon landing is a conspiracy theory.', 'zh-cn': '登月是一个阴谋论。' },
  D: { en: 'Explain gravity to a 6 year old.', 'zh-cn': '给一个 6 岁的孩子解释重力。' },
  E: { en: 'Moon moon moon moon.', 'zh-cn': '月亮月亮月亮月亮。' },
  F: { en: 'A long list of every Apollo mission, with dates.', 'zh-cn': '一长串阿波罗任务清单，附带日期。' },
  G: { en: 'I cannot answer that.', 'zh-cn': '我无法回答这个问题。' },
  H: { en: 'The astronauts planted a flag and took photos.', 'zh-cn': '宇航员插了一面旗，还拍了照片。' },
  I: { en: 'Rockets are fast.', 'zh-cn': '火箭很快。' },
};
const KEYS = Object.keys(ANSWER_TEXT);

const DEFAULTS: State = {
  answers: [
    { key: 'A', reward: 2.1 },
    { key: 'B', reward: 1.4 },
    { key: 'D', reward: -0.3 },
    { key: 'C', reward: -1.2 },
  ],
};

export function mountRankingLoss(host: HTMLElement, ctx: WidgetContext): void {
  const { t } = ctx;
  const used = usedOnce(ctx);
  const state = restoreState(ctx);
  const num = numberFormat(ctx.lang, { maximumFractionDigits: 3, minimumFractionDigits: 3 });
  const pct = numberFormat(ctx.lang, { style: 'percent', maximumFractionDigits: 1 });
  const text = (key: string) => ANSWER_TEXT[key]?.[ctx.lang] ?? key;

  const { root, body } = widgetFrame(
    'ranking-loss',
    t('Pairwise ranking loss'),
    t('A labeler ranked K answers to one prompt. Reorder them (drag, or use the arrow buttons) and edit the reward model\'s scores: every pair of the ranking adds −log σ(r_w − r_l) to the loss.'),
  );
  const prompt = h('p', { class: 'ranking-prompt' }, h('strong', { text: t('Prompt:') }), ' ', ctx.lang === 'zh-cn' ? '给一个 6 岁的孩子解释登月。' : 'Explain the moon landing to a 6 year old.');
  const list = h('ol', { class: 'ranking-list', attrs: { 'data-testid': 'ranking-list', 'aria-label': t('Answers, best first') } });
  const status = h('p', { class: 'visually-hidden', attrs: { 'aria-live': 'polite', 'data-testid': 'ranking-status' } });
  const add = h('button', { class: 'secondary', attrs: { type: 'button', 'data-testid': 'ranking-add' }, text: t('Add an answer') });
  const remove = h('button', { class: 'secondary', attrs: { type: 'button', 'data-testid': 'ranking-remove' }, text: t('Remove the last answer') });
  const pairsTable = h('table', { class: 'ranking-pairs', attrs: { 'data-testid': 'ranking-pairs-table' } });
  const k = stat('K', 'ranking-k');
  const pairs = stat(t('Pairs C(K,2)'), 'ranking-pairs');
  const loss = stat(t('Loss (mean over pairs)'), 'ranking-loss');
  const passes = stat(t('Reward-model passes: one batch element / pairs shuffled'), 'ranking-passes');
  const batching = h('p', { class: 'widget-note', attrs: { 'data-testid': 'ranking-batching' } });

  add.addEventListener('click', () => {
    const free = KEYS.find((key) => !state.answers.some((a) => a.key === key));
    if (!free) return;
    state.answers.push({ key: free, reward: 0 });
    changed(t('Added answer {0}.', free));
  });
  remove.addEventListener('click', () => {
    if (state.answers.length <= 2) return;
    const gone = state.answers.pop()!;
    changed(t('Removed answer {0}.', gone.key));
  });

  body.append(
    prompt,
    list,
    h('div', { class: 'widget-controls' }, add, remove),
    h('div', { class: 'widget-stats' }, k.root, pairs.root, loss.root, passes.root),
    pairsTable,
    batching,
    status,
  );
  replaceChildren(host, root);

  let dragFrom = -1;

  function move(from: number, to: number, focusButton?: 'up' | 'down'): void {
    if (to < 0 || to >= state.answers.length || from === to) return;
    const [item] = state.answers.splice(from, 1);
    state.answers.splice(to, 0, item);
    changed(t('Answer {0} is now ranked {1} of {2}.', item.key, to + 1, state.answers.length));
    const target = list.querySelector<HTMLButtonElement>(`[data-testid="ranking-${focusButton ?? 'up'}-${to}"]`);
    (target && !target.disabled ? target : list.querySelectorAll<HTMLElement>('li')[to])?.focus();
  }

  function changed(announcement?: string): void {
    used();
    ctx.setState({ answers: state.answers.map((a) => ({ ...a })) });
    if (announcement) status.textContent = announcement;
    render();
  }

  function render(): void {
    const K = state.answers.length;
    replaceChildren(
      list,
      ...state.answers.map((answer, i) => {
        const reward = h('input', {
          attrs: { type: 'number', step: 0.1, 'aria-label': t('Reward of answer {0}', answer.key), 'data-testid': `ranking-reward-${i}` },
        });
        reward.value = String(answer.reward);
        reward.addEventListener('input', () => {
          const v = Number(reward.value);
          if (reward.value.trim() === '' || !Number.isFinite(v)) return;
          answer.reward = v;
          used();
          ctx.setState({ answers: state.answers.map((a) => ({ ...a })) });
          renderResults();
        });
        const up = h('button', { class: 'icon', attrs: { type: 'button', 'aria-label': t('Move answer {0} up', answer.key), 'data-testid': `ranking-up-${i}`, disabled: i === 0 }, text: '↑' });
        const down = h('button', { class: 'icon', attrs: { type: 'button', 'aria-label': t('Move answer {0} down', answer.key), 'data-testid': `ranking-down-${i}`, disabled: i === K - 1 }, text: '↓' });
        up.addEventListener('click', () => move(i, i - 1, 'up'));
        down.addEventListener('click', () => move(i, i + 1, 'down'));
        const li = h(
          'li',
          { class: 'ranking-item', attrs: { draggable: 'true', tabindex: -1, 'data-key': answer.key, 'data-testid': `ranking-item-${i}` } },
          h('span', { class: 'ranking-handle', attrs: { 'aria-hidden': 'true' }, text: '⋮⋮' }),
          h('span', { class: 'ranking-rank', text: `${i + 1}` }),
          h('span', { class: 'ranking-key', text: answer.key }),
          h('span', { class: 'ranking-text', text: text(answer.key) }),
          h('label', { class: 'ranking-reward' }, h('span', { text: 'r = ' }), reward),
          up,
          down,
        );
        li.addEventListener('keydown', (event) => {
          if (!event.altKey || (event.key !== 'ArrowUp' && event.key !== 'ArrowDown')) return;
          event.preventDefault();
          move(i, event.key === 'ArrowUp' ? i - 1 : i + 1);
        });
        li.addEventListener('dragstart', (event) => {
          dragFrom = i;
          li.classList.add('dragging');
          event.dataTransfer?.setData('text/plain', answer.key);
          if (event.dataTransfer) event.dataTransfer.effectAllowed = 'move';
        });
        li.addEventListener('dragend', () => li.classList.remove('dragging'));
        li.addEventListener('dragover', (event) => {
          event.preventDefault();
          li.classList.add('drop-target');
        });
        li.addEventListener('dragleave', () => li.classList.remove('drop-target'));
        li.addEventListener('drop', (event) => {
          event.preventDefault();
          li.classList.remove('drop-target');
          if (dragFrom >= 0) move(dragFrom, i);
          dragFrom = -1;
        });
        return li;
      }),
    );
    add.disabled = K >= KEYS.length;
    remove.disabled = K <= 2;
    renderResults();
  }

  function renderResults(): void {
    const K = state.answers.length;
    const result = rankingLoss(state.answers.map((a) => a.reward));
    const cost = batchingCost(K);
    k.value.textContent = String(K);
    pairs.value.textContent = String(binomial(K, 2));
    loss.value.textContent = num(result.loss);
    passes.value.textContent = `${cost.forwardPassesGrouped} / ${cost.forwardPassesShuffled}`;
    replaceChildren(
      pairsTable,
      h('caption', { text: t('The C(K,2) = {0} pairs from this one ranking', result.pairs.length) }),
      h(
        'thead',
        {},
        h('tr', {}, h('th', { attrs: { scope: 'col' }, text: t('Pair (preferred ≻ rejected)') }), h('th', { attrs: { scope: 'col' }, text: 'r_w − r_l' }), h('th', { attrs: { scope: 'col' }, text: 'σ(r_w − r_l)' }), h('th', { attrs: { scope: 'col' }, text: '−log σ' })),
      ),
      h(
        'tbody',
        {},
        ...result.pairs.map((p) =>
          h(
            'tr',
            { class: p.margin < 0 ? 'ranking-wrong' : '' },
            h('td', { text: `${state.answers[p.winner].key} ≻ ${state.answers[p.loser].key}` }),
            h('td', { text: num(p.margin) }),
            h('td', { text: pct(p.probability) }),
            h('td', { text: num(p.loss) }),
          ),
        ),
      ),
    );
    const wrong = result.pairs.filter((p) => p.margin < 0).length;
    batching.textContent = [
      wrong
        ? t('{0} of the pairs are scored the wrong way round (shaded): they dominate the loss.', wrong)
        : t('Every pair is scored the right way round; the loss falls as the margins grow.'),
      t('All {0} pairs come from one prompt, so InstructGPT puts them in one batch element: {1} reward-model passes instead of {2}, and no answer is reused in {3} separate updates (which made the model overfit).', cost.pairs, cost.forwardPassesGrouped, cost.forwardPassesShuffled, cost.updatesPerAnswerShuffled),
    ].join(' ');
  }

  render();
}

function restoreState(ctx: WidgetContext): State {
  const saved = ctx.getState() as Partial<State> | undefined;
  const answers = Array.isArray(saved?.answers)
    ? saved.answers.filter((a): a is Answer => typeof a === 'object' && a !== null && typeof a.key === 'string' && a.key in ANSWER_TEXT && typeof a.reward === 'number' && Number.isFinite(a.reward))
    : [];
  const unique = answers.filter((a, i) => answers.findIndex((b) => b.key === a.key) === i);
  return { answers: unique.length >= 2 ? unique : DEFAULTS.answers.map((a) => ({ ...a })) };
}
