import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Frame } from 'playwright-core';
import type { DemoResult } from '../../src/demos/demoTypes';
import { ModelServer, type RecordedRequest, type Rule } from '../server/modelServer';
import { activateExtension, closeAllEditors, useTestServerSettings, waitFor, waitForWebviewsSettled, waitForWebviewTheme, webviewFrame, workbenchPage } from './support/host';
import { recordFigure } from './support/perf';

const DEMOS = [
  'zero-shot', 'one-shot-translation', 'few-shot-sentiment', 'tldr-summary', 'commonsense-probes', 'cot-vs-standard',
  'zero-shot-cot', 'self-consistency', 'pal', 'instruction-vs-completion', 'temperature-sampling', 'next-token',
];

const PY_SMALL = '```python\ndef solution():\n    baked = 200\n    sold = 93 + 39\n    returned = 6\n    return baked - sold + returned\n```';
const PY_LARGE = '```python\ndef solution():\n    baked = 2000000\n    sold = 930417 + 390281\n    returned = 6125\n    return baked - sold + returned\n```';
const JS_SMALL = '```javascript\nfunction solution() {\n  return 200 - (93 + 39) + 6;\n}\n```';
const JS_LARGE = '```javascript\nfunction solution() {\n  return 2000000 - (930417 + 390281) + 6125;\n}\n```';

/** A model that reasons right when shown how (chain of thought) and guesses otherwise, as in the papers. */
const RULES: Rule[] = [
  // Zero-shot CoT, second stage (the reasoning is sent back with the answer trigger).
  { match: /juggler[^]*Therefore, the answer \(arabic numerals\) is/, reply: '4.' },
  { match: /cafeteria[^]*Therefore, the answer \(arabic numerals\) is/, reply: '9.' },
  { match: /juggler[^]*Let's think step by step\./, reply: 'There are 16 balls in total. Half of the balls are golf balls, so there are 8 golf balls. Half of the golf balls are blue, so there are 4 blue golf balls.' },
  { match: /cafeteria[^]*Let's think step by step\./, reply: 'The cafeteria had 23 apples. They used 20, so 23 - 20 = 3 were left. They bought 6 more, so 3 + 6 = 9.' },
  // PAL: programs, both languages.
  { match: /2,000,000[^]*# solution in Python:/, reply: PY_LARGE },
  { match: /# solution in Python:/, reply: PY_SMALL },
  { match: /2,000,000[^]*\/\/ solution in JavaScript:/, reply: JS_LARGE },
  { match: /\/\/ solution in JavaScript:/, reply: JS_SMALL },
  // Few-shot chain of thought (cot-vs-standard, self-consistency, PAL's CoT column slips on big numbers).
  { match: /Roger started with 5 balls[^]*2,000,000/, reply: '2,000,000 - 930,417 - 390,281 + 6,125 = 685,327. The answer is 685,327.' },
  { match: /Roger started with 5 balls[^]*cafeteria/, reply: 'The cafeteria had 23 apples originally. They used 20 to make lunch. So they had 23 - 20 = 3. They bought 6 more apples, so they have 3 + 6 = 9. The answer is 9.' },
  { match: /Roger started with 5 balls[^]*bakers/, reply: 'They sold 93 + 39 = 132 loaves. 200 - 132 = 68. The store returned 6, so 68 + 6 = 74. The answer is 74.' },
  { match: /Roger started with 5 balls[^]*juggler/, reply: 'Half of 16 is 8 golf balls. Half of 8 is 4 blue golf balls. The answer is 4.' },
  // The other demos.
  { match: /Translate English to French:[^]*cheese/, reply: ' fromage' },
  { match: /Pride and Prejudice/, reply: ' Jane Austen wrote Pride and Prejudice.' },
  { match: /Where is the train station\?/, reply: ' Où est la gare ?' },
  { match: /I really enjoyed this movie/, reply: ' positive' },
  { match: /toaster or a pencil/, reply: ' A toaster is heavier than a pencil.' },
  { match: /eyes does a giraffe/, reply: ' A giraffe has two eyes.' },
  { match: /eyes does my foot/, reply: ' Your foot has two eyes.' },
  { match: /cheese into the fridge/, reply: ' No, cheese will not melt in the fridge.' },
  { match: /TL;DR:/, reply: ' Riverton will turn its old railway depot into a public library.' },
  { match: /The capital of France is$/, reply: ' Paris, the city of light.' },
  { match: /To be, or not to$/, reply: ' be, that is the question.' },
];

const XSS = 'Hello <script>window.__pwned = 1</script> <img src="x" onerror="window.__pwned = 2"> and [click me](javascript:window.__pwned=3) plus **bold**.';

async function runDemo(arg: Record<string, unknown>): Promise<DemoResult> {
  const result = await vscode.commands.executeCommand<DemoResult>('llmLab.runDemo', arg);
  assert.ok(result, 'runDemo returned nothing');
  return result;
}

/** What a person sees, kept for review in test-results/screens/ (not an assertion). */
async function screenshot(name: string): Promise<void> {
  const root = process.env.LLMLAB_REPO_ROOT;
  if (!root) return;
  const dir = join(root, 'test-results', 'screens');
  mkdirSync(dir, { recursive: true });
  await (await workbenchPage()).screenshot({ path: join(dir, `${name}.png`) });
}

/** WCAG 2 A/AA problems that axe-core rates serious or critical, inside a webview frame. */
async function seriousAxeViolations(frame: Frame): Promise<string[]> {
  await frame.evaluate(readFileSync(join(process.env.LLMLAB_REPO_ROOT!, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8'));
  return frame.evaluate(async () => {
    type Result = { violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] };
    const w = window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<Result> } };
    const result = await w.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`);
  });
}

function chats(server: ModelServer): RecordedRequest[] {
  return server.requestsTo('/v1/chat/completions');
}

describe('demos: runDemo, the playground and prompt files in the real host', function () {
  this.timeout(60000);
  let server: ModelServer;
  let restoreSettings: () => Promise<void>;

  before(async () => {
    server = await ModelServer.start();
    await activateExtension();
    restoreSettings = await useTestServerSettings(server.baseUrl);
  });

  beforeEach(() => {
    server.reset();
    server.setRules(RULES, 'The answer is 27.');
  });

  after(async () => {
    await restoreSettings();
    await closeAllEditors();
    await server.close();
  });

  it('every demo resolves to a DemoResult: CoT marked correct, standard prompting marked wrong', async () => {
    const results = new Map<string, DemoResult>();
    for (const id of DEMOS) {
      const started = Date.now();
      const result = await runDemo({ id, showUi: false });
      recordFigure(`demos: ${id} against the test server (headless)`, Date.now() - started, 'ms');
      results.set(id, result);
      assert.equal(result.demoId, id);
      assert.equal(result.ok, true, `${id}: ${JSON.stringify(result.error)}`);
      assert.equal(result.provider, 'openai-compatible', id);
      assert.equal(result.model, 'llm-lab-test', id);
      assert.ok(result.runs.length >= 2, `${id} has ${result.runs.length} runs`);
      for (const run of result.runs) {
        assert.ok(run.label && run.prompt && run.output, `${id}: ${JSON.stringify(run).slice(0, 300)}`);
        assert.ok(typeof run.ttftMs === 'number' && typeof run.totalMs === 'number', `${id}/${run.label}: timings`);
        assert.ok((run.usage?.totalTokens ?? 0) > 0, `${id}/${run.label}: usage`);
      }
    }
    const graded = (id: string) => Object.fromEntries(results.get(id)!.runs.map((r) => [r.runId ?? r.label, [r.answer, r.correct]]));

    assert.deepEqual(graded('cot-vs-standard'), {
      'cafeteria-standard': ['27', false],
      'cafeteria-cot': ['9', true],
      'bakers-standard': ['27', false],
      'bakers-cot': ['74', true],
      'juggler-standard': ['27', false],
      'juggler-cot': ['4', true],
    });
    assert.deepEqual(graded('zero-shot-cot'), {
      'juggler-zero-shot': ['27', false],
      'juggler-step-by-step': ['4', true],
      'cafeteria-zero-shot': ['27', false],
      'cafeteria-step-by-step': ['9', true],
    });
    const sc = results.get('self-consistency')!;
    assert.equal(sc.runs.length, 5);
    assert.deepEqual(sc.vote && [sc.vote.winner, sc.vote.correct, sc.vote.histogram], ['74', true, [{ answer: '74', count: 5 }]]);
    assert.ok(sc.runs.every((r) => r.correct === true));
    assert.deepEqual(graded('zero-shot'), { translate: ['fromage', true], question: ['Jane Austen', true] });
    assert.deepEqual(graded('commonsense-probes'), { toaster: ['toaster', true], giraffe: ['2', true], foot: ['two', false], cheese: ['no', true] });
    assert.equal(graded('few-shot-sentiment')['few-shot'][1], true);
    const next = results.get('next-token')!;
    assert.deepEqual(next.runs.map((r) => r.correct), [true, true]);
    assert.ok(next.runs.every((r) => (r.tokens?.length ?? 0) > 0 && r.tokens![0].top.length > 1), 'next-token shows top alternatives per token');
    // PAL: the program computes the answer in the sandbox (Pyodide ships with LLM Lab), CoT slips on big numbers.
    const pal = results.get('pal')!;
    const large = pal.runs.find((r) => r.runId === 'large-cot')!;
    assert.deepEqual([large.answer, large.correct], ['685327', false]);
    for (const run of pal.runs.filter((r) => r.code)) {
      assert.ok(run.code!.source.includes('solution'), run.label);
      assert.equal(run.code!.execution?.status, 'ran', `${run.label}: ${JSON.stringify(run.code!.execution)}`);
      assert.equal(run.correct, true, `${run.label}: ${JSON.stringify(run.code!.execution)}`);
    }
  });

  it('compare mode runs side by side: the server sees overlapping requests', async () => {
    const result = await runDemo({ id: 'cot-vs-standard', model: 'slow', showUi: false });
    assert.equal(result.ok, true, JSON.stringify(result.error));
    const requests = chats(server).sort((a, b) => a.startedAt - b.startedAt);
    assert.equal(requests.length, 6);
    const overlapping = requests.filter((r, i) => i > 0 && r.startedAt < requests[i - 1].closedAt!);
    assert.ok(overlapping.length >= 3, `only ${overlapping.length} of 6 requests overlapped`);
    assert.deepEqual(result.runs.map((r) => r.correct), [false, true, false, true, false, true]);
  });

  it('llmLab.cancel stops a demo mid-stream: error.kind cancelled, the socket is closed, later runs never start', async () => {
    // With its playground shown, so that "mid-stream" is something to see: text in the first column.
    await waitForWebviewsSettled();
    const pending = runDemo({ id: 'commonsense-probes', model: 'endless' });
    const request = await server.waitForRequest('/v1/chat/completions', 10000);
    const playground = await webviewFrame('[data-testid="output-0"]');
    await waitFor(async () => ((await playground.textContent('[data-testid="output-0"]')) ?? '').trim().length > 0, 'the first run streaming text');
    const cancelled = await vscode.commands.executeCommand<number>('llmLab.cancel');
    assert.ok(cancelled >= 1);
    const result = await pending;
    assert.equal(result.ok, false);
    assert.equal(result.error?.kind, 'cancelled');
    await server.waitForClose(request, 3000);
    assert.equal(request.completed, false, 'the server finished the response instead of seeing the client go away');
    assert.equal(chats(server).length, 1, 'commonsense-probes runs one after another: the others must not start');
    assert.ok(result.runs.every((r) => r.error?.kind === 'cancelled'));
    assert.ok(result.runs[0].output.length > 0, 'the first run had streamed some text');
  });

  it('a demo after an error still works', async () => {
    const failed = await runDemo({ id: 'zero-shot', model: 'http-404', showUi: false });
    assert.equal(failed.ok, false);
    assert.equal(failed.error?.kind, 'notFound');
    const ok = await runDemo({ id: 'zero-shot', showUi: false });
    assert.equal(ok.ok, true, JSON.stringify(ok.error));
    assert.deepEqual(ok.runs.map((r) => r.correct), [true, true]);
  });

  it('next-token runs on the built-in n-gram model with no server at all, on sentences from the lecture', async () => {
    const result = await runDemo({ id: 'next-token', provider: 'builtin', model: 'ngram', showUi: false });
    assert.equal(result.ok, true, JSON.stringify(result.error));
    assert.equal(result.provider, 'builtin');
    assert.match(result.model, /^ngram/);
    // The runs' prompts for the built-in models (media/demos/next-token/en.yaml `builtin`), not the world-knowledge ones.
    assert.deepEqual(result.runs.map((r) => [r.label, r.messages?.at(-1)?.content, r.expected]), [
      ['What remained was the 570 GB filtered Common', 'What remained was the 570 GB filtered Common', 'Crawl'],
      ["Let's think step by", "Let's think step by", 'step'],
    ]);
    for (const run of result.runs) {
      assert.ok(run.prompt.endsWith(`[user]\n${run.label}`), `the result shows the prompt sent: ${run.prompt}`);
      const first = run.tokens?.[0];
      assert.ok(first && first.top.length > 1, 'alternatives per token');
      assert.ok(first.top.some((alt) => alt.token.trim() === run.expected), `"${run.expected}" among ${JSON.stringify(first.top)}`);
      assert.equal(run.correct, true, run.output);
    }
    assert.equal(chats(server).length, 0, 'the built-in model never calls the server');
  });

  it('invalid arguments and unknown demos resolve to invalidInput, never throw', async () => {
    const unknown = await runDemo({ id: 'no-such-demo', showUi: false });
    assert.deepEqual([unknown.ok, unknown.error?.kind], [false, 'invalidInput']);
    const badTemperature = await runDemo({ id: 'zero-shot', temperature: 5, showUi: false });
    assert.deepEqual([badTemperature.ok, badTemperature.error?.kind], [false, 'invalidInput']);
    const badProvider = await runDemo({ id: 'zero-shot', provider: 'skynet', showUi: false });
    assert.deepEqual([badProvider.ok, badProvider.error?.kind], [false, 'invalidInput']);
  });

  it('the playground shows the runs, verdicts and a stop button per column', async () => {
    await closeAllEditors();
    const result = await runDemo({ id: 'cot-vs-standard' });
    assert.equal(result.ok, true, JSON.stringify(result.error));
    const frame = await webviewFrame('[data-testid="verdict-5"]');
    await waitFor(async () => (await frame.textContent('[data-testid="verdict-5"]')) === '✓', 'CoT verdict ✓ in the playground');
    assert.equal(await frame.textContent('[data-testid="verdict-0"]'), '✗');
    assert.match((await frame.textContent('[data-testid="answer-1"]')) ?? '', /9.*9/);
    assert.match((await frame.textContent('[data-testid="output-1"]')) ?? '', /The answer is 9\./);
    assert.ok(await frame.$('[data-testid="anatomy"] [data-part="exemplar"]'), 'the prompt anatomy shows the exemplar');
    await screenshot('playground-cot-vs-standard');
    assert.deepEqual(await seriousAxeViolations(frame), []);
    // Keyboard: Ctrl+Enter in the prompt runs the demo again.
    const before = chats(server).length;
    await frame.focus('[data-testid="anatomy"] textarea');
    await frame.press('[data-testid="anatomy"] textarea', 'Control+Enter');
    await waitFor(() => chats(server).length >= before + 6, 'Ctrl+Enter ran the demo again', 10000);
    await waitFor(async () => (await frame.getAttribute('#app', 'data-running')) === '0', 'the second run finished', 10000);
    await frame.click('[data-testid="messages-toggle"]');
    await waitFor(async () => !!(await frame.$('[data-testid="messages-view"]')), 'exact messages shown');
    await frame.click('[data-testid="messages-toggle"]');

    // One column stopped alone: its request closes, the others go on.
    server.reset();
    server.setRules(RULES, 'The answer is 27.');
    const pending = runDemo({ id: 'zero-shot', model: 'endless' });
    await waitFor(() => chats(server).length === 2, 'both zero-shot requests started', 10000);
    const stop = await waitFor(async () => {
      const f = await webviewFrame('[data-testid="stop-0"]');
      return (await f.isVisible('[data-testid="stop-0"]')) ? f : undefined;
    }, 'stop button of column 0');
    await stop.click('[data-testid="stop-0"]');
    const [first, second] = chats(server).sort((a, b) => a.id - b.id);
    await server.waitForClose(first, 3000);
    // The other column goes on: its text still grows after the first request closed.
    const grown = ((await stop.textContent('[data-testid="output-1"]')) ?? '').length;
    await waitFor(async () => ((await stop.textContent('[data-testid="output-1"]')) ?? '').length > grown, 'column 1 still streaming after column 0 stopped');
    assert.equal(second.closedAt, undefined, 'stopping one column stopped the other');
    await stop.click('[data-testid="cancel-button"]');
    const stopped = await pending;
    assert.equal(stopped.runs[0].error?.kind, 'cancelled');
    assert.equal(stopped.error?.kind, 'cancelled');
  });

  it('model output with <script>, onerror= and javascript: links is rendered inert in the playground', async () => {
    server.setRules([{ match: /./, reply: XSS }]);
    const result = await runDemo({ id: 'zero-shot' });
    assert.equal(result.runs[0].output.trim(), XSS);
    const frame = await webviewFrame('[data-testid="output-0"]');
    await waitFor(async () => ((await frame.textContent('[data-testid="output-0"]')) ?? '').includes('plus bold'), 'output rendered');
    // Rendered: no element that could run code is in the DOM (an <img onerror> would fire later, so none may exist).
    assert.equal(await frame.$$eval('[data-testid^="output-"] script', (n) => n.length), 0);
    assert.equal(await frame.$$eval('[data-testid^="output-"] img, [onerror]', (n) => n.length), 0);
    assert.equal(await frame.$$eval('a[href^="javascript" i], a[href^="data:" i]', (n) => n.length), 0);
    assert.equal(await frame.$$eval('[data-testid="output-0"] strong', (n) => n.length), 1, 'markdown still renders');
    assert.match((await frame.textContent('[data-testid="output-0"]')) ?? '', /<script>window\.__pwned = 1<\/script>/);
    assert.equal(await frame.evaluate(() => (window as unknown as { __pwned?: number }).__pwned ?? 0), 0);
    await screenshot('playground-inert-output');
  });

  it('PAL in the playground: the program is shown, then what it printed', async () => {
    const result = await runDemo({ id: 'pal' });
    assert.equal(result.ok, true, JSON.stringify(result.error));
    const frame = await webviewFrame('[data-testid="execution-0"]');
    const shown = (await frame.textContent('[data-testid="execution-0"]')) ?? '';
    const execution = result.runs[0].code?.execution;
    assert.equal(execution?.status, 'ran', JSON.stringify(execution));
    assert.match(shown, /74/);
    await vscode.workspace.getConfiguration('workbench').update('colorTheme', 'Default Dark Modern', vscode.ConfigurationTarget.Global);
    try {
      const dark = await webviewFrame('[data-testid="execution-0"]');
      await waitForWebviewTheme(dark, 'vscode-dark');
      assert.deepEqual(await seriousAxeViolations(dark), [], 'dark theme');
      await screenshot('playground-pal');
    } finally {
      await vscode.workspace.getConfiguration('workbench').update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('history: a run is listed, reopens in the playground, and "Export All as Markdown" writes the runs through the save dialog', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const target = join(folder, 'llm-lab-runs.md');
    try {
      unlinkSync(target);
    } catch {
      // not there yet
    }
    // What the page is sent and what is stored per run: only the run's own entry, however long the history.
    const extension = await activateExtension();
    const context = (extension.exports as { services: { context: vscode.ExtensionContext } }).services.context;
    const store = join(context.storageUri!.fsPath, 'playground-history');
    const stored = (): Map<string, { size: number; mtimeMs: number }> => {
      try {
        return new Map(readdirSync(store).map((f) => [f, statSync(join(store, f))]));
      } catch {
        return new Map();
      }
    };
    // The history is saved after the run resolves (off the result's path), so each run's change reaches
    // the page a little later: listen first, and wait for the zero-shot run's own change before measuring
    // the next run.
    type Seen = { bytes: number; added: number; removed: number; demoId?: string };
    await vscode.commands.executeCommand('llmLab.openPlayground');
    const open = await webviewFrame('[data-testid="history"]');
    await open.evaluate(() => {
      const w = window as unknown as { __historyMessages: Seen[] };
      w.__historyMessages = [];
      window.addEventListener('message', (event: MessageEvent<{ type?: string; added?: { demoId?: string }; removed?: unknown[] }>) => {
        if (event.data?.type?.startsWith('history')) {
          w.__historyMessages.push({ bytes: JSON.stringify(event.data).length, added: event.data.added ? 1 : 0, removed: event.data.removed?.length ?? -1, demoId: event.data.added?.demoId });
        }
      });
    });
    const seen = (frame: Frame, demoId: string): Promise<Seen[]> =>
      waitFor(
        () => frame.evaluate(() => (window as unknown as { __historyMessages: Seen[] }).__historyMessages).then((m) => (m.some((x) => x.demoId === demoId) ? m : undefined)),
        `the history change of the ${demoId} run posted to the page`,
      );
    await runDemo({ id: 'zero-shot' });
    await seen(open, 'zero-shot');
    await open.evaluate(() => {
      (window as unknown as { __historyMessages: Seen[] }).__historyMessages = [];
    });
    const storedBefore = stored();
    assert.ok(storedBefore.size >= 1, `no history files in ${store}`);
    await runDemo({ id: 'cot-vs-standard' });
    const frame = await webviewFrame('[data-testid="history"] .history-item');
    const messages = await seen(frame, 'cot-vs-standard');
    assert.deepEqual(messages.map((m) => [m.added, m.removed, m.demoId]), [[1, 0, 'cot-vs-standard']], JSON.stringify(messages));
    assert.ok(messages[0].bytes < 1000, `${messages[0].bytes} bytes posted for one new history entry`);
    const storedAfter = stored();
    const written = [...storedAfter].filter(([f, { size, mtimeMs }]) => storedBefore.get(f)?.size !== size || storedBefore.get(f)?.mtimeMs !== mtimeMs);
    assert.equal(written.length, 1, `files written by one run: ${written.map(([f]) => f).join(', ')}`);
    assert.equal(storedAfter.size, storedBefore.size + 1);
    assert.equal(context.workspaceState.get('llmLab.playground.history'), undefined, 'history is not kept in workspaceState');
    recordFigure('playground history bytes stored per run (cot-vs-standard)', written[0][1].size, 'B');
    recordFigure('playground history bytes stored in all', [...storedAfter.values()].reduce((sum, f) => sum + f.size, 0), 'B');
    recordFigure('playground history message bytes per run', messages[0].bytes, 'B');
    await frame.click('[data-testid="history"] > summary');
    const titles = await frame.locator('[data-testid="history"] .history-title').allTextContents();
    assert.ok(titles.length >= 2, titles.join(' | '));
    // Newest first: the second entry is the zero-shot run; "Open" shows it again in the results.
    await frame.locator('[data-testid="history"] .history-item').nth(1).getByRole('button', { name: /^Open run/ }).click();
    await waitFor(async () => ((await frame.textContent('[data-testid="results"]')) ?? '').includes(titles[1]), 'the reopened run in the results', 10000);
    // Export all: VS Code's save dialog (a quick input in the browser) proposes <workspace>/llm-lab-runs.md.
    await frame.click('[data-testid="export-all"]');
    const page = await workbenchPage();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 10000 });
    await waitFor(async () => (await input.inputValue()).endsWith('llm-lab-runs.md'), 'the proposed file name', 5000);
    await input.press('Enter');
    const markdown = await waitFor(() => {
      try {
        return readFileSync(target, 'utf8');
      } catch {
        return undefined;
      }
    }, 'the exported markdown file', 10000);
    assert.ok(markdown.includes(titles[0]) && markdown.includes(titles[1]), markdown.slice(0, 400));
    assert.match(markdown, /The answer is/);
    unlinkSync(target);
  });

  it('prompt files: CodeLens on sample-workspace/cot.prompt.md, and running it answers through the playground', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const uri = vscode.Uri.joinPath(folder, 'cot.prompt.md');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const lenses = await waitFor(async () => {
      const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      return found?.length ? found : undefined;
    }, 'code lenses on cot.prompt.md');
    const titles = lenses.map((l) => l.command?.title);
    assert.ok(titles.includes('▶ Run prompt') && titles.includes('Run ×5 (self-consistency)'), JSON.stringify(titles));
    assert.equal(lenses[0].command?.command, 'llmLab.runPromptFile');
    const result = await vscode.commands.executeCommand<DemoResult>('llmLab.runPromptFile', uri);
    assert.equal(result.ok, true, JSON.stringify(result.error));
    assert.match(result.runs[0].output, /The answer is 9\./);
    const request = chats(server)[0];
    assert.equal(request.json?.temperature, 0);
    assert.equal(request.json?.messages?.[0]?.role, 'system', 'the front matter system message is sent');
    const five = await vscode.commands.executeCommand<DemoResult>('llmLab.runPromptFile', { uri, samples: 5 });
    assert.equal(five.runs.length, 5);
    assert.equal(five.vote?.winner, '9');
  });

  it('prompt files: bad front matter is a diagnostic on its line and blocks the run with a message', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const path = join(folder, 'broken.prompt.md');
    writeFileSync(path, '---\ntemperature: hot\nsamples: 50\n---\nQ: What is 2 + 2?\nA:\n');
    try {
      const uri = vscode.Uri.file(path);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
      const diagnostics = await waitFor(() => {
        const found = vscode.languages.getDiagnostics(uri);
        return found.length >= 2 ? found : undefined;
      }, 'diagnostics for broken.prompt.md');
      const temperature = diagnostics.find((d) => /temperature/.test(d.message))!;
      assert.equal(temperature.range.start.line, 1);
      assert.equal(temperature.severity, vscode.DiagnosticSeverity.Error);
      assert.equal(diagnostics.find((d) => /samples/.test(d.message))?.range.start.line, 2);
      const result = await vscode.commands.executeCommand<DemoResult>('llmLab.runPromptFile', uri);
      assert.deepEqual([result.ok, result.error?.kind], [false, 'invalidInput']);
      assert.match(result.error!.message, /line 2/);
      assert.equal(chats(server).length, 0, 'nothing was sent');
    } finally {
      await closeAllEditors();
      unlinkSync(path);
    }
  });

  it('selection commands: the selection becomes the query (TL;DR, EN↔ZH translation, step by step); no selection → a message', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const en = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'notes-en.md')));
    en.selection = new vscode.Selection(3, 0, 4, 40);
    const selected = en.document.getText(en.selection).trim();
    const summary = await vscode.commands.executeCommand<DemoResult>('llmLab.summarizeSelection');
    assert.equal(summary.ok, true, JSON.stringify(summary.error));
    let prompt = chats(server).at(-1)!.body;
    assert.ok(prompt.includes(JSON.stringify(selected).slice(1, -1)) && prompt.includes('TL;DR:'), prompt);
    const english = await vscode.commands.executeCommand<DemoResult>('llmLab.translateSelection');
    assert.equal(english.ok, true);
    assert.match(chats(server).at(-1)!.body, /Translate English to Chinese/);
    const steps = await vscode.commands.executeCommand<DemoResult>('llmLab.explainSelectionStepByStep');
    assert.equal(steps.ok, true);
    assert.match(chats(server).at(-1)!.body, /Let's think step by step/);

    const zh = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'notes-zh.md')));
    zh.selection = new vscode.Selection(3, 0, 3, 30);
    const chinese = await vscode.commands.executeCommand<DemoResult>('llmLab.translateSelection');
    assert.equal(chinese.ok, true);
    prompt = chats(server).at(-1)!.body;
    assert.match(prompt, /Translate Chinese to English/);

    zh.selection = new vscode.Selection(0, 0, 0, 0);
    const before = chats(server).length;
    assert.equal(await vscode.commands.executeCommand('llmLab.summarizeSelection'), undefined);
    assert.equal(chats(server).length, before, 'nothing is sent without a selection');
    await closeAllEditors();
  });

  it('open demo as prompt file: an untitled *.prompt.md with the demo’s exact prompt, no problems, and a CodeLens', async () => {
    const uriText = await vscode.commands.executeCommand<string>('llmLab.openDemoAsPromptFile', 'self-consistency');
    const uri = vscode.Uri.parse(uriText);
    assert.equal(uri.scheme, 'untitled');
    assert.match(uri.path, /self-consistency\.prompt\.md$/);
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())!;
    assert.match(document.getText(), /^---\ntemperature: 0\.7\nsamples: 5\n---\nQ: Roger has 5 tennis balls/);
    assert.deepEqual(vscode.languages.getDiagnostics(uri), []);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    assert.equal(lenses?.length, 2);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
