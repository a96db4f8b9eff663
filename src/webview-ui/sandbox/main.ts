// The program sandbox page: asks before a model-written program runs (showing all of it), runs it in a
// Web Worker with a WebAssembly interpreter (runManager.ts, worker.ts), and shows what it printed.
import hljs from 'highlight.js/lib/core';
import python from 'highlight.js/lib/languages/python';
import javascript from 'highlight.js/lib/languages/javascript';
import { format, setLanguage, t } from '../../core/l10n';
import type { ConsentAnswer, ConsentRequest, FromSandboxPage, SandboxLanguage, SandboxLimits, SandboxRunResult, ToSandboxPage } from '../../sandbox/sandboxMessages';
import { el, vscodeApi } from '../shared/vscodeApi';
import { RunManager } from './runManager';

hljs.registerLanguage('python', python);
hljs.registerLanguage('javascript', javascript);

const vscode = vscodeApi<unknown>();
const post = (message: FromSandboxPage): void => vscode.postMessage(message);

const DEFAULT_LIMITS: SandboxLimits = { timeLimitMs: 5000, outputLimitBytes: 64 * 1024, memoryLimitBytes: 256 * 1024 * 1024, startLimitMs: 60000 };
let limits = DEFAULT_LIMITS;
const manager = new RunManager((language) => post({ type: 'needRuntime', language }), limits, (text) => post({ type: 'log', text }));

const app = document.getElementById('app')!;
app.classList.add('sandbox-panel');
const intro = el('p', { class: 'sandbox-intro' });
const consents = el('section', { class: 'sandbox-consents', attrs: { 'aria-live': 'polite' } });
const runs = el('section', { class: 'sandbox-runs', attrs: { 'aria-label': 'runs' } });
const empty = el('p', { class: 'sandbox-empty' });
app.append(intro, consents, empty, runs);

function languageName(language: SandboxLanguage): string {
  return language === 'python' ? t('Python (Pyodide, WebAssembly)') : t('JavaScript (QuickJS, WebAssembly)');
}

function describeLimits(): string {
  return format(
    t('Programs the model writes run here, in a WebAssembly interpreter inside a Web Worker of this panel. They can compute and print, nothing else: no network, no files of your computer, no other programs, no access to VS Code or to this extension. Each run gets a fresh interpreter, at most {0} s, {1} MB of memory and {2} KB of output; nothing is kept between runs.'),
    [limits.timeLimitMs / 1000, Math.round(limits.memoryLimitBytes / 1048576), Math.round(limits.outputLimitBytes / 1024)],
  );
}

function relabel(): void {
  intro.textContent = describeLimits();
  empty.textContent = t('No program has run yet. Program-aided demos (PAL) send their programs here.');
  empty.hidden = runs.childElementCount > 0 || consents.childElementCount > 0;
}

function codeBlock(program: string, language: SandboxLanguage): HTMLElement {
  const code = el('code', { class: `hljs language-${language}` });
  // highlight.js escapes the source; the result is its own markup of spans.
  code.innerHTML = hljs.highlight(program, { language }).value;
  const lines = program.split('\n').length;
  return el('pre', { class: 'sandbox-program', attrs: { tabindex: '0', 'aria-label': format(t('Program, {0} lines'), [lines]) } }, code);
}

const pendingConsents = new Map<string, HTMLElement>();

function ask(request: ConsentRequest): void {
  const card = el('article', { class: 'sandbox-consent', attrs: { 'data-consent': request.id } });
  const lines = request.program.split('\n').length;
  const answer = (value: ConsentAnswer) => () => {
    post({ type: 'answer', id: request.id, answer: value });
    card.remove();
    pendingConsents.delete(request.id);
    relabel();
  };
  const run = el('button', { class: 'primary', text: t('Run'), attrs: { 'data-answer': 'run' } });
  const always = el('button', { class: 'secondary', text: t('Always run (don’t ask again)'), attrs: { 'data-answer': 'always' } });
  const decline = el('button', { class: 'secondary', text: t('Don’t run'), attrs: { 'data-answer': 'decline' } });
  run.addEventListener('click', answer('run'));
  always.addEventListener('click', answer('always'));
  decline.addEventListener('click', answer('decline'));
  card.append(
    el('h2', { text: format(t('Run the program the model wrote for “{0}”?'), [request.label]) }),
    el('p', { class: 'sandbox-meta', text: format(t('{0} · {1} lines, shown in full below. Read it first: a model wrote it.'), [languageName(request.language), lines]) }),
    codeBlock(request.program, request.language),
    el('div', { class: 'sandbox-actions' }, run, always, decline),
  );
  pendingConsents.set(request.id, card);
  consents.append(card);
  relabel();
  run.focus();
}

function statusText(result: SandboxRunResult): string {
  const seconds = (result.durationMs / 1000).toFixed(2);
  switch (result.end) {
    case 'ok':
      return format(t('Finished in {0} s'), [seconds]);
    case 'error':
      return format(t('Stopped with an error after {0} s'), [seconds]);
    case 'timeout':
      return format(t('Stopped: the time limit of {0} s was reached'), [limits.timeLimitMs / 1000]);
    case 'outputLimit':
      return format(t('Stopped: the output limit of {0} KB was reached'), [Math.round(limits.outputLimitBytes / 1024)]);
    case 'cancelled':
      return t('Cancelled');
    case 'crashed':
      return t('The interpreter stopped unexpectedly');
    case 'startFailed':
      return t('The interpreter could not start');
  }
}

async function run(id: string, language: SandboxLanguage, program: string, label: string, runLimits: SandboxLimits): Promise<void> {
  const status = el('p', { class: 'sandbox-status', text: t('Starting the interpreter…'), attrs: { role: 'status' } });
  const output = el('pre', { class: 'sandbox-output', attrs: { tabindex: '0', 'aria-label': t('Output') } });
  const cancel = el('button', { class: 'secondary', text: t('Cancel') });
  cancel.addEventListener('click', () => manager.cancel(id));
  const card = el(
    'article',
    { class: 'sandbox-run', attrs: { 'data-run': id, 'data-state': 'running' } },
    el('h2', { text: label }),
    el('p', { class: 'sandbox-meta', text: languageName(language) }),
    codeBlock(program, language),
    status,
    output,
    el('div', { class: 'sandbox-actions' }, cancel),
  );
  runs.prepend(card);
  while (runs.childElementCount > 20) runs.lastElementChild?.remove();
  relabel();
  const result = await manager.run(
    id,
    language,
    program,
    runLimits,
    (stream, text) => {
      output.append(el('span', { class: stream === 'stderr' ? 'stderr' : 'stdout', text }));
      post({ type: 'output', id, stream, text });
    },
    () => (status.textContent = t('Running…')),
  );
  status.textContent = statusText(result);
  card.dataset.state = result.end;
  cancel.remove();
  if (result.end === 'outputLimit') output.append(el('span', { class: 'note', text: `\n${t('[output truncated]')}` }));
  post({ type: 'done', id, result });
}

window.addEventListener('message', (event: MessageEvent<ToSandboxPage>) => {
  const message = event.data;
  switch (message?.type) {
    case 'init':
      limits = message.limits;
      manager.setLimits(limits);
      setLanguage(message.lang === 'zh-cn' ? 'zh-cn' : 'en', message.strings);
      document.documentElement.lang = message.lang;
      relabel();
      break;
    case 'runtime':
      manager.provide(message.language, message.files);
      break;
    case 'warm':
      manager.warm(message.language);
      break;
    case 'ask':
      ask(message.request);
      break;
    case 'withdraw':
      pendingConsents.get(message.id)?.remove();
      pendingConsents.delete(message.id);
      relabel();
      break;
    case 'run':
      void run(message.id, message.language, message.program, message.label, message.limits);
      break;
    case 'cancel':
      manager.cancel(message.id);
      break;
    default:
      break;
  }
});

relabel();
post({ type: 'ready' });
