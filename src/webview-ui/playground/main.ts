import { setLanguage, t } from '../../core/l10n';
import type { DemoRun } from '../../demos/demoTypes';
import type { PromptParts } from '../../demos/promptTemplate';
import type {
  ConnectionView, DemoView, FromPlaygroundWebview, HistoryEntryView, PlaygroundInit, SessionSnapshot, ToPlaygroundWebview,
} from '../../demos/playgroundMessages';
import { applyHistoryChange } from '../../demos/playgroundSession';
import { el, vscodeApi } from '../shared/vscodeApi';
import { editedMessages, partKinds, renderAnatomy, renderLegend, renderMessages } from './anatomy';
import { parseInline } from './incrementalMarkdown';
import { appendInlines, type MdElement } from './markdownView';
import { SessionView } from './sessionView';

interface SavedState {
  demoId?: string;
  /** Edits per demo key, then per run id. */
  edits?: Record<string, Record<string, Partial<PromptParts>>>;
  selectedRun?: Record<string, string>;
  showMessages?: boolean;
  temperature?: Record<string, number>;
  samples?: Record<string, number>;
}

const vscode = vscodeApi<SavedState>();
const post = (message: FromPlaygroundWebview): void => vscode.postMessage(message);
const app = document.getElementById('app')!;
const saved = (): SavedState => vscode.getState() ?? {};
const save = (patch: Partial<SavedState>): void => vscode.setState({ ...saved(), ...patch });

let init: PlaygroundInit | undefined;
let demo: DemoView | undefined;
let connection: ConnectionView = { state: 'checking' };
let history: HistoryEntryView[] = [];
let sessionView: SessionView | undefined;
let announceTimer: number | undefined;

// ---------- chrome ----------
const demoSelect = el('select', { class: 'demo-select', attrs: { 'data-testid': 'demo-select', id: 'demo-select' } });
const demoLabel = el('label', { class: 'field-label', attrs: { for: 'demo-select' } });
const temperatureInput = el('input', { class: 'num', attrs: { type: 'number', min: '0', max: '2', step: '0.1', id: 'temperature', 'data-testid': 'temperature' } });
const temperatureLabel = el('label', { class: 'field-label', attrs: { for: 'temperature' } });
const samplesInput = el('input', { class: 'num', attrs: { type: 'number', min: '1', max: '20', step: '1', id: 'samples', 'data-testid': 'samples' } });
const samplesLabel = el('label', { class: 'field-label', attrs: { for: 'samples' } });
const runButton = el('button', { class: 'primary', attrs: { type: 'button', 'data-testid': 'run-button' } });
const cancelButton = el('button', { class: 'secondary', attrs: { type: 'button', 'data-testid': 'cancel-button', disabled: '' } });
const connectionBadge = el('button', { class: 'connection', attrs: { type: 'button', 'data-testid': 'connection' } });
const header = el('header', { class: 'pg-header' });
const intro = el('section', { class: 'pg-intro', attrs: { 'data-testid': 'intro' } });
const noModel = el('section', { class: 'pg-nomodel', attrs: { 'data-testid': 'no-model', hidden: '' } });
const promptSection = el('section', { class: 'pg-prompt', attrs: { 'data-testid': 'prompt' } });
const results = el('div', { class: 'pg-results', attrs: { 'data-testid': 'results' } });
const historySection = el('details', { class: 'pg-history', attrs: { 'data-testid': 'history' } });
const announcer = el('div', { class: 'visually-hidden', attrs: { 'aria-live': 'polite', role: 'status' } });

function demoKey(): string {
  if (!demo) return '';
  return demo.adhocLabel ? `adhoc:${demo.definition.id}` : demo.definition.id;
}

function announce(text: string): void {
  clearTimeout(announceTimer);
  announcer.textContent = '';
  announceTimer = window.setTimeout(() => (announcer.textContent = text), 50);
}

function inline(text: string, tag: 'p' | 'li' | 'span' = 'p', className?: string): HTMLElement {
  const node = el(tag, className ? { class: className } : {});
  appendInlines(document, node as unknown as MdElement, parseInline(text));
  return node;
}

function buildChrome(): void {
  demoLabel.textContent = t('Demo');
  temperatureLabel.textContent = t('Temperature');
  samplesLabel.textContent = t('Samples');
  runButton.textContent = t('▶ Run');
  runButton.title = t('Run (Ctrl+Enter)');
  cancelButton.textContent = t('■ Cancel');
  cancelButton.title = t('Stop every run of this demo');
  temperatureInput.title = t('Empty: the demo’s own temperature. Runs that pin a temperature keep it.');
  samplesInput.title = t('How many times each prompt is sampled');
  historySection.setAttribute('aria-label', t('History of runs'));
  header.replaceChildren(
    el('div', { class: 'pg-field' }, demoLabel, demoSelect),
    el('div', { class: 'pg-field' }, temperatureLabel, temperatureInput),
    el('div', { class: 'pg-field' }, samplesLabel, samplesInput),
    el('div', { class: 'pg-actions' }, runButton, cancelButton),
    connectionBadge,
  );
  app.replaceChildren(header, el('main', { class: 'pg-main' }, intro, noModel, promptSection, results, historySection), announcer);
}

// ---------- demo picker ----------
function renderPicker(): void {
  if (!init) return;
  const options: HTMLElement[] = [];
  if (demo?.adhocLabel) options.push(el('option', { text: demo.adhocLabel, attrs: { value: `adhoc:${demo.definition.id}` } }));
  let group: HTMLOptGroupElement | undefined;
  for (const d of init.demos) {
    if (!group || group.dataset.part !== d.part) {
      group = el('optgroup', { attrs: { label: d.partTitle, 'data-part': d.part } });
      options.push(group);
    }
    group.append(el('option', { text: d.title, attrs: { value: d.id } }));
  }
  demoSelect.replaceChildren(...options);
  demoSelect.value = demo ? (demo.adhocLabel ? `adhoc:${demo.definition.id}` : demo.definition.id) : '';
  demoSelect.setAttribute('aria-label', t('Demo'));
}

// ---------- intro and no-model state ----------
function renderIntro(): void {
  if (!demo) {
    intro.replaceChildren(el('p', { text: t('Pick a demo to start.') }));
    return;
  }
  const def = demo.definition;
  const parts: (Node | string)[] = [el('h1', { text: demo.adhocLabel ?? def.title })];
  if (def.summary) parts.push(inline(def.summary, 'p', 'summary'));
  if (def.section && demo.sectionTitle) {
    const link = el('button', { class: 'link', text: t('Read in the lecture: {0}', demo.sectionTitle), attrs: { type: 'button' } });
    link.addEventListener('click', () => post({ type: 'command', command: 'llmLab.openLecture', arg: def.section }));
    parts.push(el('p', {}, link));
  }
  if (def.notice.length) {
    parts.push(el('details', { class: 'notice', attrs: { open: '' } }, el('summary', { text: t('What to notice') }), el('ul', {}, ...def.notice.map((n) => inline(n, 'li')))));
  }
  if (def.sources.length) {
    const list = el('ul', { class: 'sources' });
    for (const s of def.sources) {
      const label = [s.authors, s.year ? `(${s.year})` : '', s.title].filter(Boolean).join(' ');
      const href = s.arxiv ? `https://arxiv.org/abs/${s.arxiv}` : s.url;
      list.append(el('li', {}, href && /^https:\/\//.test(href) ? el('a', { text: label, attrs: { href, 'data-external': '1' } }) : label));
    }
    parts.push(el('details', { class: 'sources-block' }, el('summary', { text: t('Sources') }), list));
  }
  intro.replaceChildren(...parts);
}

function showNoModel(): boolean {
  if (connection.state === 'none' || connection.state === 'error') return true;
  const error = sessionView?.session.result?.error;
  return !!error && ['noProvider', 'unreachable'].includes(error.kind);
}

function renderNoModel(): void {
  if (!demo || !showNoModel()) {
    noModel.hidden = true;
    return;
  }
  // First choice with nothing set up: LLM Lab downloads a small model and runs it itself (one click).
  const download = el('button', { class: 'primary', text: t('Download a small model (≈400 MB)'), attrs: { type: 'button', 'data-testid': 'download-model' } });
  download.addEventListener('click', () => post({ type: 'command', command: 'llmLab.downloadLocalModel', arg: 'default' }));
  const select = el('button', { class: 'secondary', text: t('Select a Model…'), attrs: { type: 'button', 'data-testid': 'select-model' } });
  select.addEventListener('click', () => post({ type: 'command', command: 'llmLab.selectModel' }));
  const test = el('button', { class: 'secondary', text: t('Test Connection'), attrs: { type: 'button', 'data-testid': 'test-connection' } });
  test.addEventListener('click', () => post({ type: 'command', command: 'llmLab.testConnection' }));
  const buttons = el('div', { class: 'buttons' }, download, select, test);
  if (demo.builtin) {
    const builtin = el('button', { class: 'secondary', text: t('Run on the Built-in Model'), attrs: { type: 'button', 'data-testid': 'run-builtin' } });
    builtin.addEventListener('click', () => run('builtin'));
    buttons.append(builtin);
  }
  // A run that failed already says why in its session header: say it once.
  const shownBySession = !!sessionView?.session.result?.error;
  const message = shownBySession ? '' : connection.state === 'none' || connection.state === 'error' ? connection.message : '';
  noModel.replaceChildren(
    el('h2', { text: connection.state === 'error' ? t('The model endpoint has a problem') : t('No model connected') }),
    ...(message ? [el('p', { class: 'muted', text: message })] : []),
    el('p', { text: t('Until then, here is the prompt this demo sends and what to expect:') }),
    inline(demo.definition.expectation || t('Run it to see.'), 'p', 'expectation'),
    el('p', { class: 'muted', text: demo.builtin ? t('This demo also runs on LLM Lab’s built-in models (the n-gram and the tiny GPT, both trained on the lecture): no server needed.') : t('LLM Lab can download a small open model and run it itself, or work with Ollama, LM Studio, llama.cpp, vLLM, any OpenAI-compatible server, or the editor’s own language models.') }),
    buttons,
  );
  noModel.hidden = false;
}

function renderConnection(): void {
  connectionBadge.className = `connection state-${connection.state}`;
  switch (connection.state) {
    case 'checking':
      connectionBadge.textContent = t('Checking for a model…');
      break;
    case 'ok':
      connectionBadge.textContent = connection.model ? `${connection.provider} · ${connection.model}` : connection.provider;
      break;
    case 'none':
      connectionBadge.textContent = t('No model — select one');
      break;
    case 'error':
      connectionBadge.textContent = t('Model problem — check');
      break;
  }
  connectionBadge.title = t('Select the provider and model (LLM Lab: Select Model)');
  connectionBadge.setAttribute('aria-label', `${t('Model')}: ${connectionBadge.textContent}`);
}

// ---------- prompt anatomy ----------
function runsOfDemo(): DemoRun[] {
  if (!demo || !init) return [];
  const lang = init.codeLanguage;
  return demo.definition.runs.filter((r) => r.program === undefined || r.program === lang);
}

function editsOf(runId: string): Partial<PromptParts> | undefined {
  return saved().edits?.[demoKey()]?.[runId];
}

function setEdits(runId: string, parts: Partial<PromptParts>): void {
  const all = { ...(saved().edits ?? {}) };
  all[demoKey()] = { ...(all[demoKey()] ?? {}), [runId]: parts };
  save({ edits: all });
}

function renderPrompt(): void {
  const runs = runsOfDemo();
  if (!demo || !runs.length) {
    promptSection.replaceChildren();
    return;
  }
  const key = demoKey();
  const state = saved();
  const selectedId = state.selectedRun?.[key];
  const selected = runs.find((r) => r.id === selectedId) ?? runs[0];
  const showMessages = !!state.showMessages;

  const toggle = el('button', { class: 'secondary toggle', text: t('Show exact messages'), attrs: { type: 'button', 'data-testid': 'messages-toggle', 'aria-pressed': String(showMessages) } });
  toggle.addEventListener('click', () => {
    save({ showMessages: !saved().showMessages });
    renderPrompt();
    promptSection.querySelector<HTMLElement>('[data-testid="messages-toggle"]')?.focus();
  });
  const edited = Object.keys(state.edits?.[key] ?? {}).length > 0;
  const reset = el('button', { class: 'secondary', text: t('Reset edits'), attrs: { type: 'button', 'data-testid': 'reset-edits' } });
  reset.disabled = !edited;
  reset.addEventListener('click', () => {
    const all = { ...(saved().edits ?? {}) };
    delete all[key];
    save({ edits: all });
    renderPrompt();
  });
  const tools = el('div', { class: 'prompt-tools' }, toggle, reset);
  if (!demo.adhocLabel) {
    const asFile = el('button', { class: 'secondary', text: t('Open as Prompt File'), attrs: { type: 'button', 'data-testid': 'open-as-prompt-file' } });
    asFile.addEventListener('click', () => post({ type: 'command', command: 'llmLab.openDemoAsPromptFile', arg: demo!.definition.id }));
    tools.append(asFile);
  }

  const panelId = 'prompt-panel';
  const body = el('div', { class: 'prompt-body', attrs: { id: panelId, role: runs.length > 1 ? 'tabpanel' : 'region', 'aria-label': selected.label } });
  const fillBody = (): void => {
    const edits = editsOf(selected.id);
    if (saved().showMessages) body.replaceChildren(renderMessages(editedMessages(selected, edits)));
    else {
      body.replaceChildren(
        renderLegend(partKinds(selected)),
        renderAnatomy(selected, edits, (parts) => {
          setEdits(selected.id, parts);
          reset.disabled = false;
          // An edited run is sent as written, also to the built-in models.
          promptSection.querySelector('[data-testid="builtin-prompt"]')?.remove();
        }),
      );
    }
  };
  fillBody();

  const children: (Node | string)[] = [el('div', { class: 'prompt-head' }, el('h2', { text: t('Prompt') }), tools)];
  if (runs.length > 1) {
    const tabs = el('div', { class: 'run-tabs', attrs: { role: 'tablist', 'aria-label': t('Prompts of this demo') } });
    runs.forEach((r) => {
      const isSelected = r.id === selected.id;
      const tab = el('button', {
        class: 'run-tab',
        text: r.label,
        attrs: { type: 'button', role: 'tab', 'aria-selected': String(isSelected), 'aria-controls': panelId, tabindex: isSelected ? '0' : '-1', 'data-run': r.id },
      });
      if (editsOf(r.id)) tab.classList.add('edited');
      tab.addEventListener('click', () => {
        save({ selectedRun: { ...(saved().selectedRun ?? {}), [key]: r.id } });
        renderPrompt();
        promptSection.querySelector<HTMLElement>(`.run-tab[data-run="${CSS.escape(r.id)}"]`)?.focus();
      });
      tabs.append(tab);
    });
    tabs.addEventListener('keydown', (event) => {
      const list = Array.from(tabs.querySelectorAll<HTMLElement>('.run-tab'));
      const at = list.indexOf(document.activeElement as HTMLElement);
      const next = event.key === 'ArrowRight' ? at + 1 : event.key === 'ArrowLeft' ? at - 1 : event.key === 'Home' ? 0 : event.key === 'End' ? list.length - 1 : undefined;
      if (next === undefined || at < 0) return;
      event.preventDefault();
      list[(next + list.length) % list.length]?.click();
    });
    children.push(tabs);
  }
  children.push(body);
  if (selected.expected?.length) children.push(el('p', { class: 'muted expected', text: t('Expected answer: {0}', selected.expected[0]) }));
  const builtin = builtinNote(selected);
  if (builtin) children.push(builtin);
  promptSection.replaceChildren(...children);
}

/** What an unedited run sends on the built-in models instead (its `builtin` override): said, so the results' prompt is no surprise. */
function builtinNote(run: DemoRun): HTMLElement | undefined {
  if (!run.builtin || editsOf(run.id)) return undefined;
  const sent = editedMessages(run, run.builtin.parts).filter((m) => m.role === 'user').at(-1)?.content ?? '';
  const expected = run.builtin.expected?.[0];
  const text = expected === undefined
    ? t('On LLM Lab’s built-in models this run sends a sentence from the lecture instead: “{0}”', sent)
    : t('On LLM Lab’s built-in models this run sends a sentence from the lecture instead: “{0}” (expected: {1})', sent, expected);
  return el('p', { class: 'muted builtin-prompt', text, attrs: { 'data-testid': 'builtin-prompt' } });
}

// ---------- options ----------
function renderOptions(): void {
  if (!demo) return;
  const key = demoKey();
  const def = demo.definition;
  const state = saved();
  temperatureInput.placeholder = String(def.options.temperature);
  temperatureInput.value = state.temperature?.[key] !== undefined ? String(state.temperature[key]) : '';
  samplesInput.placeholder = String(def.options.samples);
  samplesInput.value = state.samples?.[key] !== undefined ? String(state.samples[key]) : '';
}

function readNumber(input: HTMLInputElement, min: number, max: number, integer: boolean): number | undefined {
  if (input.value.trim() === '') return undefined;
  const value = Number(input.value);
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) return undefined;
  return value;
}

temperatureInput.addEventListener('change', () => {
  const value = readNumber(temperatureInput, 0, 2, false);
  temperatureInput.setAttribute('aria-invalid', String(temperatureInput.value.trim() !== '' && value === undefined));
  const all = { ...(saved().temperature ?? {}) };
  if (value === undefined) delete all[demoKey()];
  else all[demoKey()] = value;
  save({ temperature: all });
});
samplesInput.addEventListener('change', () => {
  const value = readNumber(samplesInput, 1, 20, true);
  samplesInput.setAttribute('aria-invalid', String(samplesInput.value.trim() !== '' && value === undefined));
  const all = { ...(saved().samples ?? {}) };
  if (value === undefined) delete all[demoKey()];
  else all[demoKey()] = value;
  save({ samples: all });
});

// ---------- running ----------
function setRunning(running: boolean): void {
  runButton.disabled = running || !demo;
  cancelButton.disabled = !running;
  app.dataset.running = running ? '1' : '0';
}

function run(provider?: 'builtin'): void {
  if (!demo) return;
  const edits = saved().edits?.[demoKey()];
  const message: Extract<FromPlaygroundWebview, { type: 'run' }> = { type: 'run', demoId: demo.definition.id };
  if (edits && Object.keys(edits).length) message.edits = edits;
  const temperature = readNumber(temperatureInput, 0, 2, false);
  if (temperature !== undefined) message.temperature = temperature;
  const samples = readNumber(samplesInput, 1, 20, true);
  if (samples !== undefined) message.samples = samples;
  if (provider) message.provider = provider;
  setRunning(true);
  post(message);
}

runButton.addEventListener('click', () => run());
cancelButton.addEventListener('click', () => {
  if (sessionView?.running) post({ type: 'cancel', sessionId: sessionView.session.id });
});
connectionBadge.addEventListener('click', () => post({ type: 'command', command: 'llmLab.selectModel' }));
demoSelect.addEventListener('change', () => {
  const value = demoSelect.value;
  if (value.startsWith('adhoc:')) return;
  save({ demoId: value });
  post({ type: 'selectDemo', id: value });
});
document.addEventListener('keydown', (event) => {
  if ((event.ctrlKey || event.metaKey) && event.key === 'Enter' && !runButton.disabled) {
    event.preventDefault();
    run();
  }
});
document.addEventListener('click', (event) => {
  const link = (event.target as HTMLElement).closest('a[href]');
  if (!link) return;
  event.preventDefault();
  const href = link.getAttribute('href') ?? '';
  if (/^https?:\/\//i.test(href)) post({ type: 'openExternal', url: href });
});

function showSession(session: SessionSnapshot, scroll: boolean): void {
  sessionView = new SessionView(session, {
    cancelRun: (runIndex) => post({ type: 'cancel', sessionId: session.id, runIndex }),
    exportRun: (historyId) => post({ type: 'export', historyId }),
  });
  results.replaceChildren(sessionView.root);
  setRunning(!session.done);
  renderNoModel();
  if (scroll) {
    requestAnimationFrame(() => sessionView?.root.scrollIntoView({ block: 'start', behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' }));
  }
}

// ---------- history ----------
function renderHistory(): void {
  const summary = el('summary', { text: t('History ({0})', history.length) });
  if (!history.length) {
    historySection.replaceChildren(summary, el('p', { class: 'muted', text: t('Runs you make appear here (the last 50 of this workspace).') }));
    return;
  }
  const list = el('ul', { class: 'history-list' });
  for (const h of history) {
    const open = el('button', { class: 'secondary', text: t('Open'), attrs: { type: 'button', 'aria-label': t('Open run: {0}', h.title) } });
    open.addEventListener('click', () => post({ type: 'reopen', historyId: h.id }));
    const exp = el('button', { class: 'secondary', text: t('Export'), attrs: { type: 'button', 'aria-label': t('Export run: {0}', h.title) } });
    exp.addEventListener('click', () => post({ type: 'export', historyId: h.id }));
    const score = h.graded ? t('{0} of {1} correct', h.correct, h.graded) : h.ok ? t('done') : t('failed');
    list.append(
      el(
        'li',
        { class: `history-item${h.ok ? '' : ' failed'}` },
        el('span', { class: 'history-title', text: h.title }),
        el('span', { class: 'history-meta', text: [new Date(h.at).toLocaleString(init?.lang === 'zh-cn' ? 'zh-CN' : 'en'), h.model || h.provider, score].filter(Boolean).join(' · ') }),
        el('span', { class: 'history-actions' }, open, exp),
      ),
    );
  }
  const exportAll = el('button', { class: 'secondary', text: t('Export All as Markdown'), attrs: { type: 'button', 'data-testid': 'export-all' } });
  exportAll.addEventListener('click', () => post({ type: 'export', all: true }));
  const clear = el('button', { class: 'secondary', text: t('Clear History'), attrs: { type: 'button' } });
  clear.addEventListener('click', () => post({ type: 'clearHistory' }));
  historySection.replaceChildren(summary, list, el('div', { class: 'buttons' }, exportAll, clear));
}

// ---------- messages ----------
function showDemo(next: DemoView): void {
  demo = next;
  if (!demo.adhocLabel) save({ demoId: demo.definition.id });
  renderPicker();
  renderIntro();
  renderOptions();
  renderPrompt();
  renderNoModel();
  if (!sessionView?.running) setRunning(false);
}

window.addEventListener('message', (event: MessageEvent<ToPlaygroundWebview>) => {
  const message = event.data;
  if (!message || typeof message !== 'object') return;
  switch (message.type) {
    case 'init': {
      init = message.init;
      setLanguage(init.lang, init.strings);
      document.documentElement.lang = init.lang;
      connection = init.connection;
      history = init.history;
      buildChrome();
      renderConnection();
      renderHistory();
      if (init.demo) showDemo(init.demo);
      // A run that just started (e.g. from a command) is brought into view; an older one on a reloaded page is not.
      if (init.session) showSession(init.session, !init.session.historyId && Date.now() - init.session.startedAt < 15000);
      else {
        results.replaceChildren();
        setRunning(false);
      }
      document.body.dataset.ready = '1';
      break;
    }
    case 'demo':
      showDemo(message.demo);
      break;
    case 'session':
      showSession(message.session, true);
      if (!message.session.done) announce(t('Running {0}…', message.session.title));
      break;
    case 'updates':
      if (sessionView?.session.id !== message.sessionId) return;
      for (const [runIndex, update] of message.updates) sessionView.apply(runIndex, update);
      break;
    case 'finished':
      if (sessionView?.session.id !== message.sessionId) return;
      sessionView.finish(message.result);
      setRunning(false);
      renderNoModel();
      announce(sessionView.root.querySelector('.session-status')?.textContent ?? t('Done.'));
      break;
    case 'historyChanged':
      history = applyHistoryChange(history, message);
      renderHistory();
      break;
    case 'connection':
      connection = message.connection;
      renderConnection();
      renderNoModel();
      break;
  }
});

buildChrome();
setRunning(false);
post({ type: 'ready' });
