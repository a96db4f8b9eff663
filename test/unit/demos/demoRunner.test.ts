import assert from 'node:assert/strict';
import { LlmError, type ChatProvider, type ChatRequest, type ProviderId, type StreamEvent } from '../../../src/llm/types';
import { loadDemos, getDemo } from '../../../src/demos/demoLoader';
import { planRuns, runDemo, runDemoById, type CodeExecutor, type DemoRunnerDeps, type DemoUpdate } from '../../../src/demos/demoRunner';
import type { DemoDefinition, SandboxResult } from '../../../src/demos/demoTypes';
import { applyUpdate, newSession } from '../../../src/demos/playgroundSession';
import { join } from 'node:path';

const catalog = loadDemos(join(__dirname, '..', '..', '..', 'media'));
const demo = (id: string, lang: 'en' | 'zh-cn' = 'en'): DemoDefinition => getDemo(catalog, id, lang)!;

type Reply = string | (StreamEvent | Error)[] | ((request: ChatRequest, call: number) => string | (StreamEvent | Error)[] | Error);

/** A scripted provider: replies by rule on the last user message; records every request. */
function fakeProvider(rules: [RegExp, Reply][], options: { id?: ProviderId; chunkDelayMs?: number } = {}) {
  const requests: ChatRequest[] = [];
  let calls = 0;
  const provider: ChatProvider = {
    id: options.id ?? 'openai-compatible',
    label: 'Fake',
    defaultModel: 'fake-model',
    async listModels() {
      return ['fake-model'];
    },
    async *chat(request: ChatRequest, signal: AbortSignal): AsyncIterable<StreamEvent> {
      requests.push(request);
      const call = calls++;
      const last = request.messages[request.messages.length - 1].content;
      const rule = rules.find(([pattern]) => pattern.test(last));
      const reply = rule ? (typeof rule[1] === 'function' ? rule[1](request, call) : rule[1]) : 'I do not know.';
      if (reply instanceof Error) throw reply;
      const events: (StreamEvent | Error)[] = typeof reply === 'string' ? reply.split(/(?<= )/).map((text) => ({ type: 'text', text })) : reply;
      for (const event of events) {
        if (options.chunkDelayMs) await new Promise((resolve) => setTimeout(resolve, options.chunkDelayMs));
        if (signal.aborted) throw new LlmError('cancelled', 'Request cancelled.');
        if (event instanceof Error) throw event;
        yield event;
      }
      yield { type: 'usage', promptTokens: 10, completionTokens: 5, totalTokens: 15 };
      yield { type: 'done', model: 'fake-model', totalMs: 1 };
    },
  };
  return { provider, requests };
}

function deps(provider: ChatProvider | undefined, extra: Partial<DemoRunnerDeps> = {}): DemoRunnerDeps {
  return { resolveProvider: () => provider, ...extra };
}

const CAFETERIA = /cafeteria had 23 apples[^]*\nA:$/;

describe('demo runner', () => {
  it('runner: CoT marked correct with "The answer is 9", standard marked wrong with 27 (Figure 1)', async () => {
    const { provider, requests } = fakeProvider([
      [/A: Roger started with 5 balls[^]*cafeteria/, 'The cafeteria had 23 apples originally. They used 20 to make lunch. So they had 23 - 20 = 3. They bought 6 more apples, so they have 3 + 6 = 9. The answer is 9.'],
      [CAFETERIA, 'The answer is 27.'],
    ]);
    const result = await runDemo(demo('cot-vs-standard'), { runIds: ['cafeteria-standard', 'cafeteria-cot'] }, deps(provider));
    assert.equal(result.ok, true, JSON.stringify(result.error));
    assert.equal(result.provider, 'openai-compatible');
    assert.equal(result.model, 'fake-model');
    const [standard, cot] = result.runs;
    assert.deepEqual([standard.answer, standard.expected, standard.correct], ['27', '9', false]);
    assert.deepEqual([cot.answer, cot.correct], ['9', true]);
    assert.match(cot.prompt, /^Q: Roger has 5 tennis balls/);
    assert.equal(cot.usage?.totalTokens, 15);
    assert.ok(typeof cot.ttftMs === 'number' && typeof cot.totalMs === 'number' && cot.totalMs >= cot.ttftMs);
    assert.ok(requests.every((r) => r.temperature === 0), 'same model, temperature 0');
  });

  it('runner: the tennis-ball exemplar answer "The answer is 11" grades a run whose expected answer is 11', async () => {
    const def = demo('cot-vs-standard');
    const tennis: DemoDefinition = { ...def, runs: [{ ...def.runs[1], id: 'tennis', expected: ['11'] }] };
    const { provider } = fakeProvider([[/./, 'Roger started with 5 balls. 2 cans of 3 tennis balls each is 6. 5 + 6 = 11. The answer is 11.']]);
    const result = await runDemo(tennis, {}, deps(provider));
    assert.deepEqual([result.runs[0].answer, result.runs[0].correct], ['11', true]);
  });

  it('runner: Chinese demo graded from "答案是 9"', async () => {
    const { provider } = fakeProvider([[/食堂/, '食堂原来有 23 个苹果，用掉 20 个剩 3 个，又买了 6 个，3 + 6 = 9。答案是 9。']]);
    const result = await runDemo(demo('cot-vs-standard', 'zh-cn'), { runIds: ['cafeteria-cot'] }, deps(provider));
    assert.deepEqual([result.runs[0].answer, result.runs[0].correct, result.runs[0].label], ['9', true, '食堂 · 思维链']);
  });

  it('runner: compare-mode runs start together and stream events per run index', async () => {
    const { provider } = fakeProvider([[/./, 'The answer is 4.']], { chunkDelayMs: 20 });
    const events: [number, DemoUpdate][] = [];
    const result = await runDemo(demo('cot-vs-standard'), { onUpdate: (i, e) => events.push([i, e]) }, deps(provider));
    assert.equal(result.runs.length, 6);
    // Parallel = all six started before any ended (checked below); the time it saves: bench/demos.bench.ts.
    const plan = events.find(([i, e]) => i === -1 && e.type === 'plan')?.[1];
    assert.ok(plan && plan.type === 'plan' && plan.runs.length === 6 && plan.parallel);
    const starts = events.filter(([, e]) => e.type === 'start').map(([i]) => i);
    const firstEnd = events.findIndex(([, e]) => e.type === 'end');
    assert.equal(events.slice(0, firstEnd).filter(([, e]) => e.type === 'start').length, 6, 'all six started before any ended');
    assert.deepEqual([...starts].sort(), [0, 1, 2, 3, 4, 5]);
    const textFor2 = events.filter(([i, e]) => i === 2 && e.type === 'text').map(([, e]) => (e as { text: string }).text).join('');
    assert.equal(textFor2, 'The answer is 4.');
  });

  it('runner: self-consistency samples 5 times at T=0.7 and votes', async () => {
    const answers = ['74', '68', '74', '74', '72'];
    const { provider, requests } = fakeProvider([[/bakers/, (_r, call) => `So they have ${answers[call]} loaves. The answer is ${answers[call]}.`]]);
    const events: [number, DemoUpdate][] = [];
    const result = await runDemo(demo('self-consistency'), { onUpdate: (i, e) => events.push([i, e]) }, deps(provider));
    assert.equal(result.runs.length, 5);
    assert.ok(requests.every((r) => r.temperature === 0.7));
    assert.deepEqual(result.runs.map((r) => r.sample), [1, 2, 3, 4, 5]);
    assert.equal(result.vote?.winner, '74');
    assert.deepEqual(result.vote?.histogram, [{ answer: '74', count: 3 }, { answer: '68', count: 1 }, { answer: '72', count: 1 }]);
    assert.equal(result.vote?.correct, true);
    assert.ok(events.some(([i, e]) => i === -1 && e.type === 'vote'));
  });

  it('runner: options override the demo defaults (samples, temperature, model) but not pinned run temperatures', async () => {
    const { provider, requests } = fakeProvider([[/./, 'The answer is 74.']]);
    await runDemo(demo('self-consistency'), { samples: 3, temperature: 1, model: 'llama3' }, deps(provider));
    assert.equal(requests.length, 3);
    assert.ok(requests.every((r) => r.temperature === 1 && r.model === 'llama3'));
    const sampling = fakeProvider([[/./, 'the sea was calm.']]);
    const result = await runDemo(demo('temperature-sampling'), { temperature: 0.5 }, deps(sampling.provider));
    assert.deepEqual(sampling.requests.map((r) => r.temperature), [0, 0, 0, 1.2, 1.2, 1.2]);
    assert.equal(result.runs[3].label, 'T = 1.2 · sample 1');
  });

  it('runner: zero-shot CoT asks a second time with the answer trigger and grades that answer', async () => {
    const { provider, requests } = fakeProvider([
      [/Therefore, the answer \(arabic numerals\) is$/, ' 4.'],
      [/Let's think step by step\.$/, 'There are 16 balls. Half are golf balls: 8. Half of those are blue: 4 blue golf balls.'],
    ]);
    const result = await runDemo(demo('zero-shot-cot'), { runIds: ['juggler-step-by-step'] }, deps(provider));
    assert.equal(requests.length, 2);
    assert.match(requests[1].messages.at(-1)!.content, /Let's think step by step\. There are 16 balls[^]*4 blue golf balls\.\nTherefore, the answer \(arabic numerals\) is$/);
    assert.deepEqual([result.runs[0].answer, result.runs[0].correct], ['4', true]);
    assert.match(result.runs[0].output, /blue golf balls\.\n\nTherefore, the answer \(arabic numerals\) is {2}4\.$/);
  });

  describe('PAL', () => {
    const program = '```python\ndef solution():\n    loaves_baked = 200\n    result = loaves_baked - 93 - 39 + 6\n    return result\n```';

    it('pal: extracts the program, runs it through the injected executor and grades its output', async () => {
      const { provider } = fakeProvider([[/# solution in Python:$/, `Here is the code:\n${program}`]]);
      const seen: { program: string; language: string }[] = [];
      const executeCode: CodeExecutor = async (request) => {
        seen.push(request);
        return { ok: true, stdout: '74\n', stderr: '', exitCode: 0, timedOut: false, killedForOutput: false, cancelled: false, durationMs: 12, language: 'python' } satisfies SandboxResult;
      };
      const result = await runDemo(demo('pal'), { runIds: ['bakers-python'] }, deps(provider, { executeCode }));
      const run = result.runs[0];
      assert.equal(seen.length, 1);
      assert.match(seen[0].program, /^def solution\(\):[^]*return result\n[^]*print\(solution\(\)\)/);
      assert.equal(run.code?.source.startsWith('def solution():'), true);
      assert.equal(run.code?.execution?.status, 'ran');
      assert.deepEqual([run.answer, run.correct, result.ok], ['74', true, true]);
    });

    it('pal: without Python the JavaScript variants run instead', async () => {
      const { provider, requests } = fakeProvider([[/./, '```js\nfunction solution() { return 74; }\n```']]);
      const plan = planRuns(demo('pal'), {}, 'javascript');
      assert.deepEqual(plan.map((p) => p.runId), ['bakers-javascript', 'large-javascript', 'large-cot']);
      const executeCode: CodeExecutor = async (request) => ({ ok: true, stdout: '74\n', stderr: '', exitCode: 0, timedOut: false, killedForOutput: false, cancelled: false, durationMs: 1, language: request.language });
      const result = await runDemo(demo('pal'), { runIds: ['bakers-javascript'] }, deps(provider, { executeCode, codeLanguage: 'javascript' }));
      assert.match(requests[0].messages.at(-1)!.content, /\/\/ solution in JavaScript:$/);
      assert.equal(result.runs[0].code?.language, 'javascript');
      assert.equal(result.runs[0].correct, true);
    });

    it('pal: in an untrusted workspace the code is shown, not run, and the demo reports "untrusted"', async () => {
      const { provider } = fakeProvider([[/./, program]]);
      const executeCode: CodeExecutor = async () => ({ status: 'refused', reason: 'untrusted', message: 'not trusted' });
      const result = await runDemo(demo('pal'), { runIds: ['bakers-python'] }, deps(provider, { executeCode }));
      assert.equal(result.ok, false);
      assert.equal(result.error?.kind, 'untrusted');
      assert.match(result.runs[0].code?.source ?? '', /def solution/);
      assert.equal(result.runs[0].answer, undefined);
      assert.equal(result.runs[0].correct, undefined);
    });

    it('pal: a program that fails is graded wrong, not an error', async () => {
      const { provider } = fakeProvider([[/./, program]]);
      const executeCode: CodeExecutor = async () => ({ ok: false, stdout: '', stderr: 'ZeroDivisionError', exitCode: 1, timedOut: false, killedForOutput: false, cancelled: false, durationMs: 3, language: 'python' });
      const result = await runDemo(demo('pal'), { runIds: ['bakers-python'] }, deps(provider, { executeCode }));
      assert.deepEqual([result.ok, result.runs[0].correct, result.runs[0].error], [true, false, undefined]);
    });
  });

  describe('errors are returned, never thrown', () => {
    it('errors: an unknown demo id is invalidInput', async () => {
      const result = await runDemoById(catalog, 'no-such-demo', 'en', {}, deps(undefined));
      assert.deepEqual([result.ok, result.error?.kind, result.demoId], [false, 'invalidInput', 'no-such-demo']);
    });

    it('errors: bad options are invalidInput', async () => {
      const { provider } = fakeProvider([]);
      assert.equal((await runDemo(demo('zero-shot'), { temperature: 5 }, deps(provider))).error?.kind, 'invalidInput');
      assert.equal((await runDemo(demo('zero-shot'), { samples: 0 }, deps(provider))).error?.kind, 'invalidInput');
      assert.equal((await runDemo(demo('zero-shot'), { runIds: ['nope'] }, deps(provider))).error?.kind, 'invalidInput');
    });

    it('errors: no provider gives noProvider with every planned run listed', async () => {
      const result = await runDemo(demo('cot-vs-standard'), {}, deps(undefined));
      assert.equal(result.error?.kind, 'noProvider');
      assert.equal(result.runs.length, 6);
      assert.match(result.runs[0].prompt, /Roger/);
    });

    it('errors: a resolver that throws LlmError keeps its kind', async () => {
      const result = await runDemo(demo('zero-shot'), {}, {
        resolveProvider: () => {
          throw new LlmError('auth', 'The server rejected the API key.');
        },
      });
      assert.deepEqual(result.error, { kind: 'auth', message: 'The server rejected the API key.' });
    });

    it('errors: next-token falls back to the built-in model when no endpoint is connected, with its lecture prompts', async () => {
      const def = demo('next-token');
      // The built-in model answers each lecture prompt with its expected next word.
      const builtin = fakeProvider([[/./, (request) => ` ${def.runs.find((r) => r.builtin?.parts.query === request.messages.at(-1)!.content)?.builtin?.expected?.[0] ?? 'Paris'} …`]], { id: 'builtin' });
      const asked: (string | undefined)[] = [];
      const result = await runDemo(def, {}, {
        resolveProvider: (request) => {
          asked.push(request.provider);
          if (request.provider === 'builtin') return builtin.provider;
          throw new LlmError('noProvider', 'none');
        },
      });
      assert.deepEqual(asked, [undefined, 'builtin']);
      assert.equal(result.provider, 'builtin');
      assert.deepEqual(builtin.requests.map((r) => r.messages.at(-1)!.content), def.runs.map((r) => r.builtin!.parts.query));
      assert.deepEqual(result.runs.map((r) => [r.expected, r.correct]), def.runs.map((r) => [r.builtin!.expected![0], true]));
      assert.equal(builtin.requests[0].logprobs, true);
    });

    it('errors: a stream that fails midway is reported on its run, the other runs still finish', async () => {
      const { provider } = fakeProvider([
        [/Roger started[^]*cafeteria/, [{ type: 'text', text: 'The cafeteria had ' }, new LlmError('server', 'HTTP 500')]],
        [/./, 'The answer is 9.'],
      ]);
      const result = await runDemo(demo('cot-vs-standard'), { runIds: ['cafeteria-standard', 'cafeteria-cot'] }, deps(provider));
      assert.equal(result.ok, false);
      assert.deepEqual(result.error, { kind: 'server', message: 'HTTP 500' });
      assert.equal(result.runs[0].correct, true);
      assert.equal(result.runs[1].error?.kind, 'server');
      assert.equal(result.runs[1].output, 'The cafeteria had ');
    });

    it('errors: an unreachable endpoint stops the remaining sequential runs', async () => {
      const { provider, requests } = fakeProvider([[/./, () => new LlmError('unreachable', 'connection refused')]]);
      const result = await runDemo(demo('commonsense-probes'), {}, deps(provider));
      assert.equal(requests.length, 1);
      assert.ok(result.runs.every((r) => r.error?.kind === 'unreachable'));
    });

    it('errors: a provider throwing a non-LlmError and a throwing listener still give a result', async () => {
      const { provider } = fakeProvider([[/./, () => new TypeError('boom')]]);
      const result = await runDemo(demo('zero-shot'), { onUpdate: () => { throw new Error('listener'); } }, deps(provider));
      assert.equal(result.error?.kind, 'badResponse');
      assert.match(result.error?.message ?? '', /boom/);
    });

    it('errors: a demo after an error still works', async () => {
      let fail = true;
      const { provider } = fakeProvider([[/./, () => (fail ? new LlmError('timeout', 'slow') : 'fromage')]]);
      assert.equal((await runDemo(demo('zero-shot'), { runIds: ['translate'] }, deps(provider))).error?.kind, 'timeout');
      fail = false;
      const again = await runDemo(demo('zero-shot'), { runIds: ['translate'] }, deps(provider));
      assert.deepEqual([again.ok, again.runs[0].correct], [true, true]);
    });
  });

  describe('cancellation', () => {
    it('cancel: aborting mid-stream ends every run as cancelled and keeps the partial output', async () => {
      const { provider } = fakeProvider([[/./, 'one two three four five six seven eight nine ten The answer is 9.']], { chunkDelayMs: 15 });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 60);
      const result = await runDemo(demo('cot-vs-standard'), { signal: controller.signal }, deps(provider));
      assert.equal(result.ok, false);
      assert.equal(result.error?.kind, 'cancelled');
      assert.ok(result.runs.every((r) => r.error?.kind === 'cancelled'));
      assert.ok(result.runs.some((r) => r.output.length > 0 && !r.output.includes('answer')), 'partial output kept');
    });

    it('cancel: one column of a comparison can be stopped alone', async () => {
      const { provider } = fakeProvider([[/./, 'a b c d e f The answer is 9.']], { chunkDelayMs: 10 });
      const stopFirst = new AbortController();
      setTimeout(() => stopFirst.abort(), 25);
      const result = await runDemo(
        demo('cot-vs-standard'),
        { runIds: ['cafeteria-standard', 'cafeteria-cot'], runSignal: (i) => (i === 0 ? stopFirst.signal : undefined) },
        deps(provider),
      );
      assert.equal(result.runs[0].error?.kind, 'cancelled');
      assert.deepEqual([result.runs[1].error, result.runs[1].correct], [undefined, true]);
    });

    it('cancel: an already-aborted signal never calls the provider', async () => {
      const { provider, requests } = fakeProvider([[/./, 'x']]);
      const controller = new AbortController();
      controller.abort();
      const result = await runDemo(demo('zero-shot'), { signal: controller.signal }, deps(provider));
      assert.equal(result.error?.kind, 'cancelled');
      assert.equal(requests.length, 0);
    });
  });

  describe('builtin: runs with a prompt for the built-in models', () => {
    /** next-token with fixed overrides, so these tests do not depend on the shipped sentences. */
    const nextToken = (): DemoDefinition => {
      const def = demo('next-token');
      return {
        ...def,
        runs: def.runs.map((r, i) => ({
          ...r,
          builtin: { label: `lecture ${i}`, parts: { query: `Reinforcement learning from human ${i}` }, expected: ['feedback'], extractor: { id: 'label', labels: { feedback: [] } } },
        })),
      };
    };
    /** The prompt text a result shows (messagesToText): the system message, then the user's. */
    const sent = (query: string): string => `[system]\nContinue the text with the next few words. Reply with the continuation only.\n\n[user]\n${query}`;
    const LECTURE = /^Reinforcement learning from human \d$/;
    const ENDPOINT = /^(The capital of France is|To be, or not to)$/;
    const plans = (events: [number, DemoUpdate][]) => events.filter(([i, e]) => i === -1 && e.type === 'plan').map(([, e]) => (e.type === 'plan' ? e.runs : []));

    it('builtin: the built-in provider gets the override\'s prompt; label, prompt, messages and grading in the result are the ones sent', async () => {
      const builtin = fakeProvider([[LECTURE, ' feedback (RLHF).'], [/./, ' Paris']], { id: 'builtin' });
      const events: [number, DemoUpdate][] = [];
      const result = await runDemo(nextToken(), { provider: 'builtin', onUpdate: (i, e) => events.push([i, e]) }, deps(builtin.provider));
      assert.equal(result.ok, true, JSON.stringify(result.error));
      assert.deepEqual(builtin.requests.map((r) => r.messages.at(-1)!.content), ['Reinforcement learning from human 0', 'Reinforcement learning from human 1']);
      assert.deepEqual(builtin.requests[0].messages[0], { role: 'system', content: 'Continue the text with the next few words. Reply with the continuation only.' }, 'the parts the override leaves alone stay');
      assert.deepEqual(result.runs.map((r) => [r.label, r.prompt, r.messages?.at(-1)?.content, r.expected, r.answer, r.correct]), [
        ['lecture 0', sent('Reinforcement learning from human 0'), 'Reinforcement learning from human 0', 'feedback', 'feedback', true],
        ['lecture 1', sent('Reinforcement learning from human 1'), 'Reinforcement learning from human 1', 'feedback', 'feedback', true],
      ]);
      // Asked for by name: planned for the built-in model from the start, one plan only.
      assert.deepEqual(plans(events).map((runs) => runs.map((r) => [r.label, r.prompt, r.expected])), [[
        ['lecture 0', sent('Reinforcement learning from human 0'), 'feedback'],
        ['lecture 1', sent('Reinforcement learning from human 1'), 'feedback'],
      ]]);
    });

    it('builtin: an endpoint gets the original prompts, labels and expected answers', async () => {
      const endpoint = fakeProvider([[/France/, ' Paris.'], [/To be/, ' be, that is the question.']]);
      const events: [number, DemoUpdate][] = [];
      const result = await runDemo(nextToken(), { onUpdate: (i, e) => events.push([i, e]) }, deps(endpoint.provider));
      assert.deepEqual(endpoint.requests.map((r) => r.messages.at(-1)!.content), ['The capital of France is', 'To be, or not to']);
      assert.deepEqual(result.runs.map((r) => [r.label, r.prompt, r.expected, r.correct]), [
        ['The capital of France is', sent('The capital of France is'), 'Paris', true],
        ['To be, or not to', sent('To be, or not to'), 'be', true],
      ]);
      assert.equal(plans(events).length, 1);
      assert.ok(plans(events)[0].every((r) => ENDPOINT.test(r.messages.at(-1)!.content)));
    });

    it('builtin: as the fallback (known only once the provider is resolved) the runs are planned once, for it, and the playground session shows the prompts sent', async () => {
      const builtin = fakeProvider([[LECTURE, ' feedback']], { id: 'builtin' });
      const events: [number, DemoUpdate][] = [];
      const session = newSession('s1', 'next-token', 'Next token', 0);
      const result = await runDemo(nextToken(), {
        onUpdate: (i, e) => {
          events.push([i, e]);
          applyUpdate(session, i, e);
        },
      }, {
        resolveProvider: (request) => {
          if (request.provider === 'builtin') return builtin.provider;
          throw new LlmError('noProvider', 'none');
        },
      });
      assert.equal(result.provider, 'builtin');
      assert.deepEqual(plans(events).map((runs) => runs.map((r) => r.label)), [['lecture 0', 'lecture 1']]);
      assert.ok(events.findIndex(([, e]) => e.type === 'plan') < events.findIndex(([, e]) => e.type === 'start'), 'planned before any run started');
      assert.deepEqual(session.plan.map((p) => [p.label, p.prompt, p.messages.at(-1)?.content]), [
        ['lecture 0', sent('Reinforcement learning from human 0'), 'Reinforcement learning from human 0'],
        ['lecture 1', sent('Reinforcement learning from human 1'), 'Reinforcement learning from human 1'],
      ]);
      assert.equal(session.runs.length, 2);
      assert.deepEqual(result.runs.map((r) => r.prompt), [sent('Reinforcement learning from human 0'), sent('Reinforcement learning from human 1')]);
    });

    it('builtin: the plan waits for the provider only where it depends on it (overrides, no provider asked for); a failure still shows one plan', async () => {
      const order: string[] = [];
      const endpoint = fakeProvider([[/./, ' Paris']]);
      const record = (request: { provider?: string }) => {
        order.push(`resolve ${request.provider ?? 'default'}`);
        return endpoint.provider;
      };
      const onUpdate = (_i: number, e: DemoUpdate) => {
        if (e.type === 'plan') order.push('plan');
      };
      await runDemo(demo('zero-shot'), { onUpdate }, { resolveProvider: record });
      await runDemo(nextToken(), { provider: 'openai-compatible', onUpdate }, { resolveProvider: record });
      await runDemo(nextToken(), { onUpdate }, { resolveProvider: record });
      assert.deepEqual(order, ['plan', 'resolve default', 'plan', 'resolve openai-compatible', 'resolve default', 'plan']);
      const events: [number, DemoUpdate][] = [];
      const failed = await runDemo(nextToken(), { onUpdate: (i, e) => events.push([i, e]) }, {
        resolveProvider: () => {
          throw new LlmError('unreachable', 'no');
        },
      });
      assert.equal(failed.error?.kind, 'unreachable');
      assert.deepEqual(plans(events).map((runs) => runs.map((r) => r.label)), [['The capital of France is', 'To be, or not to']]);
      assert.deepEqual(failed.runs.map((r) => r.label), ['The capital of France is', 'To be, or not to']);
    });

    it('builtin: a prompt the reader edited is sent as written, also to the built-in model', async () => {
      const builtin = fakeProvider([[/./, ' moon']], { id: 'builtin' });
      const result = await runDemo(nextToken(), { provider: 'builtin', query: 'Fly me to the' }, deps(builtin.provider));
      assert.deepEqual(builtin.requests.map((r) => r.messages.at(-1)!.content), ['Fly me to the', 'Fly me to the']);
      assert.deepEqual(result.runs.map((r) => [r.label, r.expected]), [['The capital of France is', 'Paris'], ['To be, or not to', 'be']]);
    });

    it('builtin: temperature-sampling sends its lecture sentence to the built-in model at both temperatures', async () => {
      const def = demo('temperature-sampling');
      const builtin = fakeProvider([[/./, ' and so on.']], { id: 'builtin' });
      const result = await runDemo(def, { provider: 'builtin' }, deps(builtin.provider));
      assert.equal(builtin.requests.length, 6);
      assert.deepEqual(new Set(builtin.requests.map((r) => r.messages.at(-1)!.content)), new Set(def.runs.map((r) => r.builtin!.parts.query)));
      assert.deepEqual(result.runs.map((r) => r.label), ['T = 0 · sample 1', 'T = 0 · sample 2', 'T = 0 · sample 3', 'T = 1.2 · sample 1', 'T = 1.2 · sample 2', 'T = 1.2 · sample 3']);
      assert.ok(result.runs.every((r) => r.prompt.endsWith(`[user]\n${def.runs[0].builtin!.parts.query}`)), result.runs[0].prompt);
    });
  });

  it('runner: an injected stream function carries every request (LlmService.stream in the extension)', async () => {
    const seen: ChatRequest[] = [];
    const { provider } = fakeProvider([]);
    const result = await runDemo(demo('zero-shot-cot'), { runIds: ['juggler-step-by-step'] }, deps(provider, {
      stream: async (_provider, request, _signal, onEvent) => {
        seen.push(request);
        onEvent({ type: 'text', text: seen.length === 1 ? '16 / 2 / 2 = 4' : ' 4' });
        onEvent({ type: 'usage', promptTokens: 1, completionTokens: 1, totalTokens: 2 });
        onEvent({ type: 'usage', promptTokens: 1, completionTokens: 2, totalTokens: 3 });
      },
    }));
    assert.equal(seen.length, 2, 'reasoning and answer stage');
    assert.equal(seen[1].maxTokens, 32);
    assert.deepEqual([result.runs[0].answer, result.runs[0].usage?.totalTokens], ['4', 6]);
  });

  it('selection: a query replaces the query part of the chosen extra run', async () => {
    const { provider, requests } = fakeProvider([[/./, '你好，世界']]);
    const result = await runDemo(demo('one-shot-translation'), { runIds: ['en-to-zh'], query: 'Hello, world' }, deps(provider));
    assert.equal(requests[0].messages.at(-1)!.content, 'Translate English to Chinese:\nsea otter => 海獭\nHello, world =>');
    assert.equal(result.runs[0].output, '你好，世界');
  });

  it('reasoning: reasoning events are kept apart and <think> text is not read as the answer', async () => {
    const { provider } = fakeProvider([
      [/./, [
        { type: 'reasoning', text: 'Maybe 27?' },
        { type: 'text', text: '<think>the answer is 27</think>' },
        { type: 'text', text: 'The answer is 9.' },
      ]],
    ]);
    const result = await runDemo(demo('cot-vs-standard'), { runIds: ['cafeteria-cot'] }, deps(provider));
    assert.equal(result.runs[0].reasoning, 'Maybe 27?');
    assert.equal(result.runs[0].answer, '9');
  });
});
