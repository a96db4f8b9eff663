import assert from 'node:assert/strict';
import { collectChat } from '../../../src/llm/collect';
import { RunRegistry } from '../../../src/llm/runRegistry';
import { ChatProvider, StreamEvent } from '../../../src/llm/types';

describe('llm: run registry and result collection (pure)', () => {
  it('runs: cancelAll aborts every running request and reports the count; disposed runs are forgotten', () => {
    const counts: number[] = [];
    const runs = new RunRegistry((n) => counts.push(n));
    const a = runs.start();
    const b = runs.start();
    b.dispose();
    assert.equal(runs.cancelAll(), 1);
    assert.equal(a.signal.aborted, true);
    assert.equal(b.signal.aborted, false);
    a.dispose();
    assert.deepEqual(counts, [1, 2, 1, 0]);
  });

  it('runs: a new run with the same key cancels the old one; other keys are untouched', () => {
    const runs = new RunRegistry();
    const first = runs.start('playground');
    const other = runs.start('lecture');
    const second = runs.start('playground');
    assert.equal(first.signal.aborted, true);
    assert.equal(other.signal.aborted, false);
    assert.equal(second.signal.aborted, false);
  });

  it('runs: the caller’s signal cancels the run', () => {
    const runs = new RunRegistry();
    const caller = new AbortController();
    const run = runs.start(undefined, caller.signal);
    caller.abort();
    assert.equal(run.signal.aborted, true);
    const late = runs.start(undefined, caller.signal);
    assert.equal(late.signal.aborted, true, 'already aborted');
  });

  it('collect: gathers text, reasoning, logprobs, usage and timings; a failing listener does not stop the run', async () => {
    const events: StreamEvent[] = [
      { type: 'retry', attempt: 1, waitMs: 10, reason: 'r' },
      { type: 'reasoning', text: 'think ' },
      { type: 'text', text: 'The answer' },
      { type: 'logprobs', tokens: [{ token: 'The', logprob: -0.1, top: [] }] },
      { type: 'text', text: ' is 11.' },
      { type: 'usage', promptTokens: 3, completionTokens: 4, totalTokens: 7 },
      { type: 'done', finishReason: 'stop', model: 'm', ttftMs: 5, totalMs: 20, tokensPerSecond: 200 },
    ];
    const provider = { id: 'ollama', label: 'Ollama (x)' } as ChatProvider;
    const seen: string[] = [];
    const failures: unknown[] = [];
    const result = await collectChat(
      provider,
      (async function* () {
        yield* events;
      })(),
      (e) => {
        seen.push(e.type);
        if (e.type === 'reasoning') throw new Error('panel closed');
      },
      (error) => failures.push(error),
    );
    assert.deepEqual(result, {
      text: 'The answer is 11.',
      reasoning: 'think ',
      logprobs: [{ token: 'The', logprob: -0.1, top: [] }],
      usage: { promptTokens: 3, completionTokens: 4, totalTokens: 7 },
      finishReason: 'stop',
      model: 'm',
      provider: 'ollama',
      providerLabel: 'Ollama (x)',
      ttftMs: 5,
      totalMs: 20,
      tokensPerSecond: 200,
    });
    assert.equal(seen.length, events.length);
    assert.equal(failures.length, 1);
  });
});
