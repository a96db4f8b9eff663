import { setLanguage, t } from '../../core/l10n';
import type {
  FromLectureWebview, LectureInit, ProgressView, QuestionView, SearchHit, SectionPayload, TermView, ToLectureWebview,
} from '../../lecture/lectureMessages';
import type { WidgetRequests } from '../../lessons/widgetProtocol';
import { createRequester } from '../../webview/protocol';
import { el, vscodeApi } from '../shared/vscodeApi';
import { mountWidget } from '../widgets/index';
import { markTerms } from './termMarker';

interface SavedState {
  sectionId?: string;
  scrollTop?: number;
  widgets?: Record<string, unknown>;
}

const vscode = vscodeApi<SavedState>();
const post = (message: FromLectureWebview): void => vscode.postMessage(message);
const app = document.getElementById('app')!;

let init: LectureInit | undefined;
let current: SectionPayload | undefined;
let progress: ProgressView | undefined;
let readTimer: number | undefined;
let searchRequest = 0;
const widgets = createRequester<WidgetRequests>((envelope) => post(envelope));
const openedAt = performance.now();

// ---------- layout ----------
const header = el('header', { class: 'lecture-header' });
const searchInput = el('input', {
  class: 'search-input',
  attrs: { type: 'search', 'aria-label': 'Search', 'data-testid': 'search-input', autocomplete: 'off', spellcheck: 'false' },
});
const searchResults = el('ul', { class: 'search-results', attrs: { role: 'listbox', 'data-testid': 'search-results', hidden: '' } });
const progressLabel = el('span', { class: 'progress-label', attrs: { 'data-testid': 'progress-label', 'aria-live': 'polite' } });
const langButton = el('button', { class: 'lang-toggle', attrs: { 'data-testid': 'lang-toggle' } });
const toc = el('nav', { class: 'toc', attrs: { 'data-testid': 'toc' } });
const article = el('article', { class: 'section', attrs: { 'data-testid': 'section', tabindex: '-1' } });
const main = el('main', { class: 'lecture-main' }, article);
const layout = el('div', { class: 'lecture-layout' }, toc, main);

function buildChrome(): void {
  header.replaceChildren(
    el('span', { class: 'brand', text: 'LLM Lab' }),
    el('div', { class: 'search' }, searchInput, searchResults),
    progressLabel,
    langButton,
  );
  searchInput.placeholder = t('Search the lecture (press /)');
  searchInput.setAttribute('aria-label', t('Search the lecture'));
  toc.setAttribute('aria-label', t('Table of contents'));
  langButton.textContent = init?.lang === 'zh-cn' ? 'English' : '中文';
  langButton.title = t('Switch language');
  app.replaceChildren(header, layout);
}

// ---------- table of contents ----------
function renderToc(): void {
  if (!init) return;
  const read = new Set(progress?.read ?? []);
  const passed = new Set(progress?.passed ?? []);
  const list = el('div', { class: 'toc-inner' });
  for (const part of init.parts) {
    const group = el('ul', { attrs: { role: 'list' } });
    for (const entry of init.toc.filter((s) => s.part === part.id)) {
      const mark = passed.has(entry.id) ? '★' : read.has(entry.id) ? '✓' : '';
      const button = el(
        'button',
        { class: 'toc-item', attrs: { 'data-section': entry.id, title: entry.summary } },
        el('span', { class: 'toc-order', text: String(entry.order) }),
        el('span', { class: 'toc-title', text: entry.title }),
        el('span', { class: 'toc-mark', text: mark, attrs: { 'aria-label': passed.has(entry.id) ? t('passed') : read.has(entry.id) ? t('read') : '' } }),
      );
      if (entry.id === current?.id) button.setAttribute('aria-current', 'page');
      group.append(el('li', {}, button));
    }
    list.append(el('h2', { class: 'toc-part', text: part.title }), group);
  }
  toc.replaceChildren(list);
  const total = progress?.total ?? init.toc.length;
  progressLabel.textContent = t('{0} of {1} read · {2} passed', progress?.read.length ?? 0, total, progress?.passed.length ?? 0);
}

// ---------- a section ----------
function sourcesList(section: SectionPayload): HTMLElement | undefined {
  if (!section.sources.length) return undefined;
  const list = el('ul', { class: 'sources' });
  for (const s of section.sources) {
    const label = [s.authors, s.year ? `(${s.year})` : '', s.title].filter(Boolean).join(' ');
    const href = s.arxiv ? `https://arxiv.org/abs/${s.arxiv}` : s.url;
    const item = el('li');
    if (href && /^https:\/\//.test(href)) {
      item.append(el('a', { text: label, attrs: { href, 'data-external': '1' } }));
      if (s.arxiv) item.append(` · arXiv ${s.arxiv}`);
    } else item.append(label);
    list.append(item);
  }
  return el('section', { class: 'sources-block' }, el('h2', { text: t('Sources') }), list);
}

function termsList(terms: TermView[]): HTMLElement | undefined {
  if (!terms.length) return undefined;
  const list = el('dl', { class: 'terms' });
  for (const term of terms) {
    list.append(el('dt', { text: `${term.term} · ${term.other}` }), el('dd', { text: term.definition }));
  }
  return el('section', { class: 'terms-block' }, el('h2', { text: t('Terms in this section') }), list);
}

function questionBlock(section: SectionPayload): HTMLElement | undefined {
  if (!section.questions.length) return undefined;
  const wrap = el('section', { class: 'checks', attrs: { 'data-testid': 'checks', 'aria-label': t('Check your understanding') } });
  wrap.append(el('h2', { text: t('Check your understanding') }));
  for (const q of section.questions) wrap.append(renderQuestion(q, section.passedQuestions.includes(q.id)));
  return wrap;
}

function renderQuestion(q: QuestionView, passedBefore: boolean): HTMLElement {
  const form = el('form', { class: 'check', attrs: { 'data-question': q.id, 'data-type': q.type } });
  const legendId = `q-${q.id}`;
  form.append(el('p', { class: 'check-prompt', text: q.prompt, attrs: { id: legendId } }));
  const options = q.options ?? [];
  if (q.type === 'single' || q.type === 'multiple') {
    const group = el('div', { class: 'check-options', attrs: { role: q.type === 'single' ? 'radiogroup' : 'group', 'aria-labelledby': legendId } });
    options.forEach((text, i) => {
      const input = el('input', { attrs: { type: q.type === 'single' ? 'radio' : 'checkbox', name: q.id, value: String(i), id: `${q.id}-${i}` } });
      group.append(el('label', { class: 'check-option', attrs: { for: `${q.id}-${i}` } }, input, el('span', { text })));
    });
    form.append(group);
  } else if (q.type === 'numeric') {
    const input = el('input', { class: 'check-number', attrs: { type: 'text', inputmode: 'decimal', name: q.id, 'aria-labelledby': legendId } });
    form.append(el('div', { class: 'check-numeric' }, input, q.unit ? el('span', { class: 'unit', text: q.unit }) : ''));
  } else {
    // order: a list with move-up / move-down buttons (keyboard operable)
    const list = el('ol', { class: 'check-order', attrs: { 'aria-labelledby': legendId } });
    options.forEach((text, i) => {
      const up = el('button', { class: 'icon', text: '↑', attrs: { type: 'button', 'data-move': '-1', 'aria-label': t('Move up') } });
      const down = el('button', { class: 'icon', text: '↓', attrs: { type: 'button', 'data-move': '1', 'aria-label': t('Move down') } });
      list.append(el('li', { attrs: { 'data-index': String(i) } }, el('span', { text }), up, down));
    });
    list.addEventListener('click', (event) => {
      const button = (event.target as HTMLElement).closest('button[data-move]');
      if (!button) return;
      const item = button.closest('li')!;
      if (button.getAttribute('data-move') === '-1' && item.previousElementSibling) item.parentElement!.insertBefore(item, item.previousElementSibling);
      else if (button.getAttribute('data-move') === '1' && item.nextElementSibling) item.parentElement!.insertBefore(item.nextElementSibling, item);
      (button as HTMLButtonElement).focus();
    });
    form.append(list);
  }
  const feedback = el('div', { class: 'check-feedback', attrs: { 'aria-live': 'polite', 'data-testid': 'check-feedback' } });
  if (passedBefore) feedback.append(el('span', { class: 'ok', text: `★ ${t('Passed before. You can answer again.')}` }));
  form.append(el('button', { class: 'primary', text: t('Check answer'), attrs: { type: 'submit' } }), feedback);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    post({ type: 'answer', questionId: q.id, answer: readAnswer(form, q) });
  });
  return form;
}

function readAnswer(form: HTMLFormElement, q: QuestionView): unknown {
  switch (q.type) {
    case 'single': {
      const checked = form.querySelector<HTMLInputElement>('input:checked');
      return checked ? Number(checked.value) : null;
    }
    case 'multiple':
      return [...form.querySelectorAll<HTMLInputElement>('input:checked')].map((i) => Number(i.value));
    case 'numeric':
      return Number((form.querySelector<HTMLInputElement>('input')!.value || '').replace(/[,\s]/g, ''));
    case 'order':
      return [...form.querySelectorAll('li[data-index]')].map((li) => Number(li.getAttribute('data-index')));
  }
}

function partSummary(section: SectionPayload): HTMLElement | undefined {
  if (!init || !progress) return undefined;
  const inPart = init.toc.filter((s) => s.part === section.part);
  if (inPart[inPart.length - 1]?.id !== section.id) return undefined;
  const summary = progress.parts.find((p) => p.part === section.part);
  if (!summary) return undefined;
  const box = el('section', { class: 'part-summary', attrs: { 'data-testid': 'part-summary' } });
  box.append(
    el('h2', { text: t('Part summary: {0}', summary.title) }),
    el('p', { text: t('{0} of {1} sections read · {2} of {3} questions answered correctly', summary.read, summary.sections, summary.correct, summary.questions) }),
  );
  if (summary.revisit.length) {
    const list = el('ul');
    for (const r of summary.revisit) list.append(el('li', {}, el('a', { text: r.title, attrs: { href: `#${r.id}`, 'data-section': r.id } })));
    box.append(el('p', { text: t('Worth revisiting:') }), list);
  }
  return box;
}

function navButtons(section: SectionPayload): HTMLElement {
  const index = init!.toc.findIndex((s) => s.id === section.id);
  const prev = init!.toc[index - 1];
  const next = init!.toc[index + 1];
  const nav = el('nav', { class: 'prev-next', attrs: { 'aria-label': t('Previous and next section') } });
  if (prev) nav.append(el('button', { class: 'secondary', text: `← ${prev.title}`, attrs: { 'data-section': prev.id, 'data-testid': 'prev' } }));
  nav.append(el('span', { class: 'spacer' }));
  if (next) nav.append(el('button', { class: 'primary', text: `${next.title} →`, attrs: { 'data-section': next.id, 'data-testid': 'next' } }));
  return nav;
}

function renderSection(section: SectionPayload, scrollTop?: number, anchor?: string): void {
  const started = performance.now();
  current = section;
  const partTitle = init?.parts.find((p) => p.id === section.part)?.title ?? '';
  const body = el('div', { class: 'section-body' });
  // The HTML was sanitized by the extension (sanitize-html) before it was sent.
  body.innerHTML = section.html.replace(/llmlab-media:/g, `${init!.mediaBase}/`);
  article.replaceChildren(
    el('p', { class: 'part-label', text: partTitle }),
    el('h1', { text: section.title, attrs: { id: 'section-title', 'data-section-id': section.id } }),
    body,
  );
  for (const extra of [termsList(section.terms), sourcesList(section), questionBlock(section), partSummary(section), navButtons(section)]) {
    if (extra) article.append(extra);
  }
  article.setAttribute('data-section-id', section.id);
  markTerms(body, section.terms, (id) => post({ type: 'showSection', id }));
  mountWidgets(body);
  renderToc();
  (main).scrollTop = scrollTop ?? 0;
  if (anchor) document.getElementById(anchor)?.scrollIntoView();
  saveState();
  scheduleRead(section.id);
  const painted = performance.now();
  document.body.dataset.renderMs = String(Math.round(painted - started));
  if (!document.body.dataset.firstPaintMs) document.body.dataset.firstPaintMs = String(Math.round(painted - openedAt));
  requestAnimationFrame(() => {
    document.body.dataset.sectionShown = section.id;
  });
}

function mountWidgets(root: HTMLElement): void {
  const saved = vscode.getState()?.widgets ?? {};
  for (const host of root.querySelectorAll<HTMLElement>('[data-widget]')) {
    const id = host.dataset.widget!;
    const key = `${current?.id}:${id}`;
    try {
      mountWidget(host, id as never, {
        lang: init!.lang,
        t,
        request: (payload) => widgets.request(payload),
        getState: () => saved[key],
        setState: (value: unknown) => {
          const state = vscode.getState() ?? {};
          vscode.setState({ ...state, widgets: { ...(state.widgets ?? {}), [key]: value } });
        },
        onUsed: () => post({ type: 'widgetUsed', id }),
      });
    } catch (error) {
      host.textContent = t('This widget could not start: {0}', (error as Error).message);
    }
  }
}

function scheduleRead(id: string): void {
  if (readTimer) clearTimeout(readTimer);
  if (progress?.read.includes(id)) return;
  readTimer = window.setTimeout(() => {
    if (document.visibilityState === 'visible' && current?.id === id) post({ type: 'sectionRead', id });
  }, init?.readAfterMs ?? 8000);
}

let saveTimer: number | undefined;
function saveState(): void {
  if (saveTimer) clearTimeout(saveTimer);
  saveTimer = window.setTimeout(() => {
    const state = vscode.getState() ?? {};
    const scrollTop = Math.round((main).scrollTop);
    vscode.setState({ ...state, sectionId: current?.id, scrollTop });
    if (current) post({ type: 'state', sectionId: current.id, scrollTop });
  }, 150);
}

function show(id: string): void {
  if (id !== current?.id) post({ type: 'showSection', id });
}

// ---------- search ----------
let hits: SearchHit[] = [];
let selected = -1;

function renderHits(): void {
  searchResults.replaceChildren();
  if (!searchInput.value.trim()) {
    searchResults.hidden = true;
    return;
  }
  searchResults.hidden = false;
  if (!hits.length) {
    searchResults.append(el('li', { class: 'empty', text: t('No results') }));
    return;
  }
  hits.forEach((hit, i) => {
    const snippet = el('span', { class: 'snippet' });
    if (hit.start >= 0) {
      snippet.append(hit.snippet.slice(0, hit.start), el('mark', { text: hit.snippet.slice(hit.start, hit.end) }), hit.snippet.slice(hit.end));
    } else snippet.textContent = hit.snippet;
    const item = el(
      'li',
      { class: 'hit', attrs: { role: 'option', 'data-section': hit.id, 'aria-selected': String(i === selected) } },
      el('span', { class: 'hit-title', text: `${hit.title}${hit.lang !== init?.lang ? ` · ${hit.lang === 'en' ? 'EN' : '中文'}` : ''}` }),
      snippet,
    );
    searchResults.append(item);
  });
}

searchInput.addEventListener('input', () => {
  selected = -1;
  post({ type: 'search', requestId: ++searchRequest, query: searchInput.value });
  if (!searchInput.value.trim()) {
    hits = [];
    renderHits();
  }
});

searchInput.addEventListener('keydown', (event) => {
  if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
    event.preventDefault();
    if (!hits.length) return;
    selected = (selected + (event.key === 'ArrowDown' ? 1 : -1) + hits.length) % hits.length;
    renderHits();
  } else if (event.key === 'Enter') {
    event.preventDefault();
    const hit = hits[Math.max(0, selected)];
    if (hit) {
      show(hit.id);
      closeSearch();
    }
  } else if (event.key === 'Escape') {
    closeSearch();
  }
});

function closeSearch(): void {
  searchInput.value = '';
  hits = [];
  searchResults.hidden = true;
  article.focus();
}

// ---------- events ----------
document.addEventListener('click', (event) => {
  const target = event.target as HTMLElement;
  const link = target.closest('a');
  if (link) {
    event.preventDefault();
    const href = link.getAttribute('href') ?? '';
    if (link.dataset.section) show(link.dataset.section);
    else if (link.dataset.external || /^https?:/i.test(href)) post({ type: 'openExternal', url: href });
    else if (href.startsWith('command:')) {
      const [command, query] = href.slice('command:'.length).split('?');
      let args: unknown;
      try {
        args = query ? JSON.parse(decodeURIComponent(query)) : undefined;
      } catch {
        args = undefined;
      }
      post({ type: 'runCommand', command: command, args: Array.isArray(args) ? args[0] : args });
    }
    return;
  }
  const demo = target.closest<HTMLElement>('button.run-demo');
  if (demo?.dataset.demo) {
    post({ type: 'runDemo', id: demo.dataset.demo });
    return;
  }
  const sectionButton = target.closest<HTMLElement>('[data-section]');
  if (sectionButton?.dataset.section) {
    show(sectionButton.dataset.section);
    closeSearchIfOpen();
  }
});

function closeSearchIfOpen(): void {
  if (!searchResults.hidden) {
    searchResults.hidden = true;
    searchInput.value = '';
  }
}

langButton.addEventListener('click', () => post({ type: 'setLanguage', lang: init?.lang === 'zh-cn' ? 'en' : 'zh-cn' }));

main.addEventListener('scroll', () => saveState(), { passive: true });

document.addEventListener('keydown', (event) => {
  const typing = (event.target as HTMLElement).closest('input, textarea, select');
  if (typing) return;
  if (event.key === '/') {
    event.preventDefault();
    searchInput.focus();
  } else if (event.key === 'Escape') {
    closeSearchIfOpen();
  } else if ((event.key === 'j' || event.key === 'k') && !event.ctrlKey && !event.metaKey && !event.altKey && init && current) {
    const index = init.toc.findIndex((s) => s.id === current!.id);
    const next = init.toc[index + (event.key === 'j' ? 1 : -1)];
    if (next) show(next.id);
  } else if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && (event.target as HTMLElement).classList.contains('toc-item')) {
    event.preventDefault();
    const items = [...toc.querySelectorAll<HTMLButtonElement>('.toc-item')];
    const i = items.indexOf(event.target as HTMLButtonElement);
    items[Math.min(items.length - 1, Math.max(0, i + (event.key === 'ArrowDown' ? 1 : -1)))]?.focus();
  }
});

document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && current) scheduleRead(current.id);
});

window.addEventListener('message', (event: MessageEvent<ToLectureWebview>) => {
  const message = event.data;
  if (!message || typeof message !== 'object') return;
  if (widgets.handleMessage(message)) return;
  switch (message.type) {
    case 'init':
      // On load, and again (same page) when the language changes.
      init = message.init;
      progress = message.init.progress;
      setLanguage(init.lang, init.strings);
      document.documentElement.lang = init.lang;
      buildChrome();
      renderToc();
      if (init.section) renderSection(init.section, init.scrollTop, init.anchor);
      break;
    case 'section':
      renderSection(message.section, message.scrollTop, message.anchor);
      break;
    case 'searchResults':
      if (message.requestId !== searchRequest) return;
      hits = message.hits;
      renderHits();
      break;
    case 'checkResult': {
      const form = article.querySelector<HTMLElement>(`form[data-question="${CSS.escape(message.questionId)}"]`);
      const feedback = form?.querySelector('.check-feedback');
      if (!feedback) return;
      feedback.replaceChildren(
        el('strong', { class: message.correct ? 'ok' : 'wrong', text: message.correct ? `✓ ${t('Correct.')}` : `✗ ${t('Not quite. Try again.')}` }),
        el('p', { text: message.explanation }),
      );
      form!.dataset.result = message.correct ? 'correct' : 'wrong';
      break;
    }
    case 'progress':
      progress = message.progress;
      renderToc();
      break;
    default:
      // Unknown messages are ignored.
      break;
  }
});

app.textContent = '…';
post({ type: 'ready' });
