// Dev-only: plays the extension for the playground page (not shipped). Runs the real demo runner against a
// scripted provider, batches its updates like the panel does, and answers the page's messages.
import { setLanguage, type Lang } from '../../src/core/l10n';
import { runDemo } from '../../src/demos/demoRunner';
import type { DemoCatalog, DemoResult } from '../../src/demos/demoTypes';
import { addToHistory, applyUpdate, finishSession, historyView, newSession, sessionFromResult, UpdateBatcher, type HistoryEntry } from '../../src/demos/playgroundSession';
import type { ChatProvider, ChatRequest, StreamEvent } from '../../src/llm/types';
import type { DemoListEntry, FromPlaygroundWebview, SessionSnapshot, ToPlaygroundWebview } from '../../src/demos/playgroundMessages';

declare const harnessData: { catalog: DemoCatalog; zh: Record<string, string>; parts: { id: string; title: Record<Lang, string>; sections: string[] }[] };

const params = new URLSearchParams(location.search);
const lang: Lang = params.get('lang') === 'zh-cn' ? 'zh-cn' : 'en';
const scenario = params.get('scenario') ?? 'compare';
document.body.classList.add(params.get('theme') === 'dark' ? 'vscode-dark' : 'vscode-light');
setLanguage(lang, harnessData.zh);

const REPLIES: [RegExp, string][] = [
  [/Roger started with 5 balls[^]*cafeteria|Roger 一开始有 5 个[^]*食堂/, 'The cafeteria had **23 apples** originally. They used 20 to make lunch, so they had `23 - 20 = 3`. They bought 6 more apples, so they have 3 + 6 = 9.\n\nThe answer is 9.'],
  [/Roger started with 5 balls[^]*bakers/, 'The bakers started with 200 loaves. They sold 93 in the morning and 39 in the afternoon, so they sold 93 + 39 = 132 loaves.\n\n1. Left after selling: 200 - 132 = 68\n2. Returned: 6\n\nSo they have 68 + 6 = 74 loaves. The answer is 74.'],
  [/Roger started with 5 balls[^]*juggler/, 'There are 16 balls in total. Half of the balls are golf balls, so there are 8 golf balls. Half of the golf balls are blue: 8 / 2 = 4. The answer is 4.'],
  [/def solution/, '```python\ndef solution():\n    loaves_baked = 200\n    sold_morning = 93\n    sold_afternoon = 39\n    returned = 6\n    return loaves_baked - sold_morning - sold_afternoon + returned\n```'],
  [/cafeteria|bakers|juggler/, 'The answer is 27.'],
];

function reply(request: ChatRequest, call: number): string {
  const all = request.messages.map((m) => m.content).join('\n');
  if (scenario === 'xss') return 'Look: <script>window.__pwned=1</script> <img src=x onerror="window.__pwned=2"> and [click me](javascript:window.__pwned=3). **Bold** stays bold.';
  if (scenario === 'vote') return `Let me compute. 200 - 93 - 39 + 6 = ${[74, 74, 68, 74, 80][call % 5]}. The answer is ${[74, 74, 68, 74, 80][call % 5]}.`;
  return REPLIES.find(([re]) => re.test(all))?.[1] ?? 'Once upon a time, in a small village by the sea, there lived an old fisherman who talked to the gulls.';
}

let calls = 0;
const provider: ChatProvider = {
  id: 'openai-compatible',
  label: 'Harness server',
  defaultModel: 'llm-lab-test',
  listModels: async () => ['llm-lab-test'],
  async *chat(request, signal): AsyncIterable<StreamEvent> {
    const text = reply(request, calls++);
    const tokens = text.match(/\s*\S+|\s+/g) ?? [];
    if (scenario === 'reasoning') for (const r of 'First I add the loaves sold, then subtract. '.match(/\s*\S+/g)!) yield { type: 'reasoning', text: r };
    for (const token of tokens) {
      await new Promise((r) => setTimeout(r, 8));
      if (signal.aborted) throw Object.assign(new Error('Cancelled.'), { kind: 'cancelled' });
      yield { type: 'text', text: token };
    }
    yield { type: 'usage', promptTokens: 60, completionTokens: tokens.length, totalTokens: 60 + tokens.length };
    yield { type: 'done', totalMs: 1, model: 'llm-lab-test' };
  },
};

const send = (message: ToPlaygroundWebview): void => {
  window.dispatchEvent(new MessageEvent('message', { data: JSON.parse(JSON.stringify(message)) }));
};

const catalog = harnessData.catalog;
const def = (id: string) => catalog.demos[id]?.[lang];
const demos: DemoListEntry[] = harnessData.parts.flatMap((part) =>
  catalog.ids
    .filter((id) => part.sections.includes(def(id).section))
    .map((id) => ({ id, title: def(id).title, summary: def(id).summary, section: def(id).section, part: part.id, partTitle: part.title[lang], builtin: def(id).options.fallbackProvider === 'builtin' })),
);
const demoView = (id: string) => ({ definition: def(id), builtin: def(id).options.fallbackProvider === 'builtin', sectionTitle: def(id).section });
const firstDemo = params.get('demo') ?? (scenario === 'vote' ? 'self-consistency' : scenario === 'pal' ? 'pal' : scenario === 'xss' ? 'zero-shot' : 'cot-vs-standard');
let history: HistoryEntry[] = [];
let state: unknown;
let current: SessionSnapshot | undefined;
let controller: AbortController | undefined;
const runControllers = new Map<number, AbortController>();
(window as unknown as { harness: unknown }).harness = { get history() { return history; } };

async function start(id: string, message: Extract<FromPlaygroundWebview, { type: 'run' }>): Promise<void> {
  controller?.abort();
  controller = new AbortController();
  runControllers.clear();
  const session = newSession(`s${Date.now()}`, id, def(id).title, Date.now());
  current = session;
  let announced = false;
  const batcher = new UpdateBatcher((updates) => send({ type: 'updates', sessionId: session.id, updates }));
  const result: DemoResult = await runDemo(
    def(id),
    {
      temperature: message.temperature,
      samples: message.samples,
      signal: controller.signal,
      runSignal: (i) => {
        if (!runControllers.has(i)) runControllers.set(i, new AbortController());
        return runControllers.get(i)!.signal;
      },
      onUpdate: (i, u) => {
        applyUpdate(session, i, u);
        if (!announced) {
          announced = true;
          send({ type: 'session', session });
          return;
        }
        batcher.add(i, u);
      },
    },
    {
      resolveProvider: () => (scenario === 'nomodel' ? undefined : provider),
      codeLanguage: 'python',
      executeCode: async (request) =>
        scenario === 'pal-refused'
          ? { status: 'refused', reason: 'untrusted', message: 'The program was not run: this workspace is not trusted. Trust the workspace to run generated code.' }
          : { ok: true, stdout: '74\n', stderr: '', exitCode: 0, timedOut: false, killedForOutput: false, cancelled: false, durationMs: 41, language: request.language },
    },
  );
  batcher.flush();
  finishSession(session, result);
  if (!announced) send({ type: 'session', session });
  send({ type: 'finished', sessionId: session.id, result });
  const ids = new Set(history.map((h) => h.id));
  history = addToHistory(history, { id: session.id, title: session.title, at: session.startedAt, result });
  for (const h of history) ids.delete(h.id);
  send({ type: 'historyChanged', added: historyView(history.slice(0, 1))[0], removed: [...ids] });
}

function receive(message: FromPlaygroundWebview): void {
  switch (message.type) {
    case 'ready':
      send({
        type: 'init',
        init: {
          lang,
          strings: harnessData.zh,
          demos,
          demo: demoView(firstDemo),
          history: historyView(history),
          connection: scenario === 'nomodel' ? { state: 'none', message: 'No model is connected. Start a local server (Ollama, LM Studio, llama.cpp, vLLM) or choose one with "LLM Lab: Select Model".' } : { state: 'ok', provider: 'Harness server', model: 'llm-lab-test' },
          codeLanguage: 'python',
          session: current,
        },
      });
      document.body.dataset.hostReady = '1';
      break;
    case 'selectDemo':
      send({ type: 'demo', demo: demoView(message.id) });
      break;
    case 'run':
      void start(message.demoId, message);
      break;
    case 'cancel':
      if (message.runIndex === undefined) controller?.abort();
      else runControllers.get(message.runIndex)?.abort();
      break;
    case 'reopen': {
      const entry = history.find((h) => h.id === message.historyId);
      if (entry) send({ type: 'session', session: sessionFromResult(entry.result, { id: `h-${entry.id}`, title: entry.title, at: entry.at, historyId: entry.id }) });
      break;
    }
    default:
      (window as unknown as { lastMessage: unknown }).lastMessage = message;
  }
}

(window as unknown as { acquireVsCodeApi: unknown }).acquireVsCodeApi = () => ({
  postMessage: (message: FromPlaygroundWebview) => setTimeout(() => receive(JSON.parse(JSON.stringify(message))), 0),
  getState: () => state,
  setState: (value: unknown) => {
    state = value;
  },
});
