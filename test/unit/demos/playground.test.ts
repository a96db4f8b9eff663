import assert from 'node:assert/strict';
import { join } from 'node:path';
import { getDemo, loadDemos } from '../../../src/demos/demoLoader';
import { runDemo, type DemoUpdate } from '../../../src/demos/demoRunner';
import type { DemoResult } from '../../../src/demos/demoTypes';
import {
  addToHistory, applyHistoryChange, applyUpdate, finishSession, HISTORY_LIMIT, HISTORY_OUTPUT_LIMIT, historyView, isHistoryEntry, newSession, sessionFromResult, UpdateBatcher, withEdits,
  type BatcherTimers, type HistoryEntry,
} from '../../../src/demos/playgroundSession';
import { entryMarkdown, fenced, historyMarkdown } from '../../../src/demos/resultMarkdown';
import { toMessages } from '../../../src/demos/promptTemplate';
import type { ChatProvider, StreamEvent } from '../../../src/llm/types';
import { parseFromPlaygroundWebview } from '../../../src/demos/playgroundMessages';

const catalog = loadDemos(join(__dirname, '..', '..', '..', 'media'));

function manualTimers(): BatcherTimers & { fire(): void; pending: number } {
  let fn: (() => void) | undefined;
  return {
    setTimeout: (f) => {
      fn = f;
      return 1;
    },
    clearTimeout: () => {
      fn = undefined;
    },
    fire() {
      const f = fn;
      fn = undefined;
      f?.();
    },
    get pending() {
      return fn ? 1 : 0;
    },
  };
}

function result(partial: Partial<DemoResult> = {}): DemoResult {
  return {
    demoId: 'cot-vs-standard',
    ok: true,
    provider: 'openai-compatible',
    model: 'm',
    runs: [
      { label: 'Cafeteria · standard', prompt: 'Q: …\nA:', output: 'The answer is 27.', answer: '27', expected: '9', correct: false, runId: 'cafeteria-standard', group: 'cafeteria', temperature: 0 },
      { label: 'Cafeteria · chain of thought', prompt: 'Q: …\nA:', output: '23 - 20 = 3. 3 + 6 = 9. The answer is 9.', answer: '9', expected: '9', correct: true, runId: 'cafeteria-cot', group: 'cafeteria', temperature: 0, usage: { totalTokens: 40 } },
    ],
    ...partial,
  };
}

describe('playground messages', () => {
  it('messages: a run request with per-run edits, temperature and samples is accepted as is', () => {
    const raw = { type: 'run', demoId: 'cot-vs-standard', edits: { 'cafeteria-cot': { query: 'What is 2+2?', exemplars: [{ input: 'a', output: 'b' }] } }, temperature: 1.2, samples: 3 };
    assert.deepEqual(parseFromPlaygroundWebview(raw), raw);
    assert.deepEqual(parseFromPlaygroundWebview({ type: 'run', demoId: 'next-token', provider: 'builtin' }), { type: 'run', demoId: 'next-token', provider: 'builtin' });
  });

  it('messages: unknown types, bad fields and out-of-range values are rejected', () => {
    for (const raw of [
      null,
      'ready',
      { type: 'nope' },
      { type: 'run', demoId: 'x y' },
      { type: 'run', demoId: 'zero-shot', temperature: 3 },
      { type: 'run', demoId: 'zero-shot', samples: 0 },
      { type: 'run', demoId: 'zero-shot', samples: 1.5 },
      { type: 'run', demoId: 'zero-shot', provider: 'ollama' },
      { type: 'run', demoId: 'zero-shot', edits: { r: { query: 5 } } },
      { type: 'run', demoId: 'zero-shot', edits: { r: { evil: 'x' } } },
      { type: 'run', demoId: 'zero-shot', edits: { r: { query: 'x'.repeat(20001) } } },
      { type: 'run', demoId: 'zero-shot', edits: { r: { exemplars: [{ input: 'a' }] } } },
      { type: 'cancel', sessionId: 's1', runIndex: -1 },
      { type: 'command', command: 'workbench.action.terminal.new' },
      { type: 'command', command: 'llmLab.openLecture', arg: '../../x' },
      { type: 'openExternal', url: 'javascript:alert(1)' },
      { type: 'openExternal', url: 'file:///etc/passwd' },
      { type: 'export' },
    ]) {
      assert.equal(parseFromPlaygroundWebview(raw), undefined, JSON.stringify(raw));
    }
  });

  it('messages: cancel of a whole session or of one column', () => {
    assert.deepEqual(parseFromPlaygroundWebview({ type: 'cancel', sessionId: 's1-abc' }), { type: 'cancel', sessionId: 's1-abc' });
    assert.deepEqual(parseFromPlaygroundWebview({ type: 'cancel', sessionId: 's1-abc', runIndex: 2 }), { type: 'cancel', sessionId: 's1-abc', runIndex: 2 });
    assert.deepEqual(parseFromPlaygroundWebview({ type: 'export', all: true }), { type: 'export', all: true });
    assert.deepEqual(parseFromPlaygroundWebview({ type: 'command', command: 'llmLab.openLecture', arg: 'chain-of-thought' }), { type: 'command', command: 'llmLab.openLecture', arg: 'chain-of-thought' });
  });
});

describe('playground session', () => {
  it('batcher: a burst of text deltas of one run becomes one update; runs and order are kept', () => {
    const timers = manualTimers();
    const delivered: [number, DemoUpdate][][] = [];
    const batcher = new UpdateBatcher((u) => delivered.push(u), 30, timers);
    batcher.add(0, { type: 'start' });
    for (const text of ['The', ' answer', ' is']) batcher.add(0, { type: 'text', text });
    batcher.add(1, { type: 'text', text: 'Step' });
    batcher.add(0, { type: 'text', text: ' 9.' });
    batcher.add(1, { type: 'reasoning', text: 'hm' });
    batcher.add(1, { type: 'text', text: ' one' });
    assert.equal(delivered.length, 0);
    timers.fire();
    assert.deepEqual(delivered, [
      [
        [0, { type: 'start' }],
        [0, { type: 'text', text: 'The answer is 9.' }],
        [1, { type: 'text', text: 'Step' }],
        [1, { type: 'reasoning', text: 'hm' }],
        [1, { type: 'text', text: ' one' }],
      ],
    ]);
    batcher.add(0, { type: 'logprobs', tokens: [{ token: 'a', logprob: -1, top: [] }] });
    batcher.add(0, { type: 'logprobs', tokens: [{ token: 'b', logprob: -2, top: [] }] });
    batcher.flush();
    assert.deepEqual(delivered[1], [[0, { type: 'logprobs', tokens: [{ token: 'a', logprob: -1, top: [] }, { token: 'b', logprob: -2, top: [] }] }]]);
    assert.equal(timers.pending, 0, 'flush clears the timer');
  });

  it('session: folding the runner updates gives what the result holds (a reloaded page can be handed it)', async () => {
    const def = getDemo(catalog, 'cot-vs-standard', 'en')!;
    const provider: ChatProvider = {
      id: 'openai-compatible',
      label: 'fake',
      defaultModel: 'fake',
      listModels: async () => ['fake'],
      async *chat(request): AsyncIterable<StreamEvent> {
        const cot = /Roger started/.test(request.messages.at(-1)!.content);
        for (const text of (cot ? 'So 3 + 6 = 9. The answer is 9.' : 'The answer is 27.').split(/(?= )/)) yield { type: 'text', text };
        yield { type: 'done', totalMs: 1 };
      },
    };
    const session = newSession('s1', def.id, def.title, 0);
    const res = await runDemo(def, { runIds: ['cafeteria-standard', 'cafeteria-cot'], onUpdate: (i, u) => applyUpdate(session, i, u) }, { resolveProvider: () => provider });
    assert.equal(session.plan.length, 2);
    assert.equal(session.provider, 'openai-compatible');
    assert.deepEqual(session.runs.map((r) => [r.status, r.output, r.result?.correct]), [
      ['done', 'The answer is 27.', false],
      ['done', 'So 3 + 6 = 9. The answer is 9.', true],
    ]);
    finishSession(session, res);
    assert.equal(session.done, true);
    assert.equal(session.result, res);
  });

  it('session: a result that failed before planning still shows its runs (no model)', () => {
    const failed = result({ ok: false, error: { kind: 'noProvider', message: 'No model.' } });
    const session = newSession('s2', 'cot-vs-standard', 'x', 0);
    finishSession(session, failed);
    assert.equal(session.plan.length, 2);
    assert.deepEqual(session.plan.map((p) => [p.runId, p.group, p.expected]), [['cafeteria-standard', 'cafeteria', '9'], ['cafeteria-cot', 'cafeteria', '9']]);
    const reopened = sessionFromResult(result(), { id: 'h-1', title: 'x', at: 5, historyId: '1' });
    assert.equal(reopened.done, true);
    assert.equal(reopened.historyId, '1');
    assert.equal(reopened.runs[1].output, '23 - 20 = 3. 3 + 6 = 9. The answer is 9.');
  });

  it('edits: the reader’s edits replace only the parts and runs they name', () => {
    const def = getDemo(catalog, 'cot-vs-standard', 'en')!;
    const edited = withEdits(def, { 'cafeteria-cot': { query: 'What is 2 + 2?' } });
    const cot = edited.runs.find((r) => r.id === 'cafeteria-cot')!;
    assert.match(toMessages(cot.template).at(-1)!.content, /Q: What is 2 \+ 2\?\nA:$/);
    assert.match(toMessages(cot.template).at(-1)!.content, /^Q: Roger has 5 tennis balls/, 'the exemplar stays');
    assert.equal(edited.runs.find((r) => r.id === 'cafeteria-standard'), def.runs.find((r) => r.id === 'cafeteria-standard'));
    assert.equal(withEdits(def, {}), def);
    // An edited run is sent as written on every provider: its prompt for the built-in models goes.
    const next = getDemo(catalog, 'next-token', 'en')!;
    assert.ok(next.runs.every((r) => r.builtin));
    const [first, second] = withEdits(next, { [next.runs[0].id]: { query: 'Fly me to the' } }).runs;
    assert.equal(first.builtin, undefined);
    assert.equal(first.template.parts.query, 'Fly me to the');
    assert.equal(second, next.runs[1]);
  });

  it('history: newest first, at most 50, long outputs cut, token details dropped, survives a round trip', () => {
    let history: HistoryEntry[] = [];
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) history = addToHistory(history, { id: `e${i}`, title: `run ${i}`, at: i, result: result() });
    assert.equal(history.length, HISTORY_LIMIT);
    assert.equal(history[0].id, `e${HISTORY_LIMIT + 4}`);
    const long = result();
    long.runs[0] = { ...long.runs[0], output: 'x'.repeat(HISTORY_OUTPUT_LIMIT + 100), tokens: [{ token: 'x', logprob: -1, top: [] }] };
    history = addToHistory(history, { id: 'long', title: 'long', at: 99, result: long });
    assert.ok(history[0].result.runs[0].output.length <= HISTORY_OUTPUT_LIMIT + 2);
    assert.equal(history[0].result.runs[0].tokens, undefined);
    const roundTrip = JSON.parse(JSON.stringify(history)) as unknown[];
    assert.ok(roundTrip.every(isHistoryEntry));
    assert.equal(isHistoryEntry({ id: 1 }), false);
    const [view] = historyView(history.slice(1, 2));
    assert.deepEqual([view.correct, view.graded, view.runs, view.ok], [1, 2, 2, true]);
  });

  it('history on the page: a change adds its entry first and drops the removed ones, the rest kept in order', () => {
    const views = historyView(['c', 'b', 'a'].map((id, i) => ({ id, title: id, at: 3 - i, result: result() })));
    const [added] = historyView([{ id: 'd', title: 'd', at: 4, result: result({ ok: false }) }]);
    assert.deepEqual(applyHistoryChange(views, { added, removed: ['a'] }).map((h) => h.id), ['d', 'c', 'b']);
    assert.deepEqual(applyHistoryChange(views, { added: { ...views[1], title: 'again' }, removed: [] }).map((h) => `${h.id}:${h.title}`), ['b:again', 'c:c', 'a:a']);
    assert.deepEqual(applyHistoryChange(views, { removed: ['a', 'b', 'c'] }), []);
  });
});

describe('playground export', () => {
  it('export: markdown with the prompt, output, verdicts and vote of each run', () => {
    const md = entryMarkdown({ id: 'e1', title: 'Chain of thought vs standard prompting', at: Date.UTC(2025, 0, 2), result: result({ vote: { winner: '9', histogram: [{ answer: '9', count: 3 }, { answer: '27', count: 1 }], noAnswer: 0, total: 4, expected: '9', correct: true } }) });
    assert.match(md, /^## Chain of thought vs standard prompting\n/);
    assert.match(md, /- Demo: `cot-vs-standard`/);
    assert.match(md, /2025-01-02T00:00:00\.000Z/);
    assert.match(md, /- Correct: 1 of 2/);
    assert.match(md, /- Majority vote: 9 \(9 × 3, 27 × 1\) ✓/);
    assert.match(md, /### 1\. Cafeteria · standard[\s\S]*✗ Answer: 27 · expected: 9/);
    assert.match(md, /### 2\. Cafeteria · chain of thought[\s\S]*✓ Answer: 9 · expected: 9/);
    assert.match(historyMarkdown([]), /^# LLM Lab playground runs\n/);
  });

  it('export: model output with backticks cannot close its fence', () => {
    const block = fenced('before\n```\n# not a heading\n````');
    assert.match(block, /^`{5}\n/);
    assert.match(block, /\n`{5}$/);
  });
});
