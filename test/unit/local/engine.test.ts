import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTinyGguf } from '../../../scripts/makeTinyGguf';
import { EngineClient, EngineClientError, EngineEvent } from '../../../src/local/engineClient';
import type { EngineChatParams, EngineLoadParams } from '../../../src/local/engineProtocol';

const ENTRY = join(__dirname, '../../../src/local/engineMain.ts');

describe('local: engine process (node-llama-cpp in a child process)', function () {
  this.timeout(60_000);
  let dir: string;
  let load: EngineLoadParams;
  let client: EngineClient;
  const clients: EngineClient[] = [];
  const make = (extra: Partial<ConstructorParameters<typeof EngineClient>[0]> = {}): EngineClient => {
    const c = new EngineClient({ entry: ENTRY, execArgv: ['--import', 'tsx'], idleUnloadMs: () => 0, ...extra });
    clients.push(c);
    return c;
  };
  const hello: EngineChatParams = { messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello there' }], maxTokens: 24, temperature: 0.8, seed: 3 };
  const failure = async (p: Promise<unknown>): Promise<EngineClientError> => {
    try {
      await p;
    } catch (error) {
      assert.ok(error instanceof EngineClientError, String(error));
      return error;
    }
    assert.fail('expected a failure');
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'llmlab-engine-'));
    const modelPath = join(dir, 'tiny.gguf');
    writeFileSync(modelPath, makeTinyGguf());
    load = { modelPath, contextSize: 2048, threads: 1 };
    client = make();
  });
  after(() => {
    for (const c of clients) c.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the tiny GGUF with its ChatML template and streams text up to maxTokens', async () => {
    const events: EngineEvent[] = [];
    const done = await client.chat(load, hello, new AbortController().signal, (e) => events.push(e));
    assert.equal(done.finishReason, 'length');
    assert.equal(done.completionTokens, 24);
    assert.ok(done.promptTokens > 5);
    const loaded = events.find((e) => e.type === 'loaded');
    assert.ok(loaded && loaded.type === 'loaded');
    assert.equal(loaded.info.chatWrapper, 'ChatML');
    assert.equal(loaded.info.contextSize, 2048);
    assert.ok(events.filter((e) => e.type === 'text').length > 1, 'streamed in pieces');
    assert.ok(client.pid);
  });

  it('the same seed gives the same text; the model stays loaded between requests', async () => {
    const texts: string[] = [];
    for (let i = 0; i < 2; i++) {
      const events: EngineEvent[] = [];
      await client.chat(load, hello, new AbortController().signal, (e) => events.push(e));
      texts.push(events.map((e) => (e.type === 'text' ? e.text : '')).join(''));
      assert.ok(!events.some((e) => e.type === 'loading'), 'no reload');
    }
    assert.equal(texts[0], texts[1]);
    assert.ok(texts[0].length > 0);
  });

  it('gives per-token log-probabilities with top alternatives, best first', async () => {
    const events: EngineEvent[] = [];
    await client.chat(load, { ...hello, maxTokens: 6, logprobs: true, topLogprobs: 4 }, new AbortController().signal, (e) => events.push(e));
    const tokens = events.flatMap((e) => (e.type === 'logprobs' ? e.tokens : []));
    assert.equal(tokens.length, 6);
    for (const tok of tokens) {
      assert.equal(tok.top.length, 4);
      assert.ok(tok.logprob <= 0);
      for (let i = 1; i < tok.top.length; i++) assert.ok(tok.top[i - 1].logprob >= tok.top[i].logprob);
    }
  });

  it('cancel stops a long generation and the engine keeps serving', async () => {
    const abort = new AbortController();
    let texts = 0;
    const pid = client.pid;
    const run = client.chat(load, { ...hello, maxTokens: 1500 }, abort.signal, (e) => {
      if (e.type === 'text' && ++texts === 3) abort.abort();
    });
    const error = await failure(run);
    assert.equal(error.code, 'cancelled');
    assert.ok(texts < 1500);
    const done = await client.chat(load, hello, new AbortController().signal);
    assert.equal(done.completionTokens, 24);
    assert.equal(client.pid, pid, 'the same process (stopped in time, not killed)');
  });

  it('a killed engine fails the running request with a clear error; the next request starts a new one', async () => {
    const pid = client.pid;
    let texts = 0;
    const run = client.chat(load, { ...hello, maxTokens: 1500 }, new AbortController().signal, (e) => {
      if (e.type === 'text' && ++texts === 2) client.killForTest();
    });
    const error = await failure(run);
    assert.equal(error.code, 'crashed');
    assert.match(error.message, /next request starts it again/);
    const done = await client.chat(load, hello, new AbortController().signal);
    assert.equal(done.finishReason, 'length');
    assert.notEqual(client.pid, pid);
  });

  it('a prompt longer than the context is a clear error, and the engine survives', async () => {
    const small = make();
    const long = 'the cat sat on the mat '.repeat(200);
    const error = await failure(small.chat({ ...load, contextSize: 256 }, { messages: [{ role: 'user', content: long }] }, new AbortController().signal));
    assert.equal(error.code, 'contextOverflow');
    assert.match(error.message, /context holds 256/);
    const done = await small.chat({ ...load, contextSize: 256 }, hello, new AbortController().signal);
    assert.equal(done.completionTokens, 24);
  });

  it('a model too big for the free memory is refused before loading (no process started)', async () => {
    const c = make({ freeMemory: () => 100 * 1024 * 1024 });
    const error = await failure(c.chat(load, hello, new AbortController().signal));
    assert.equal(error.code, 'tooBig');
    assert.match(error.message, /MB are free/);
    assert.equal(c.pid, undefined);
  });

  it('a package without the engine says so', async () => {
    const previous = process.env.LLMLAB_ENGINE_MODULE;
    process.env.LLMLAB_ENGINE_MODULE = 'node-llama-cpp-not-shipped';
    try {
      const error = await failure(make().chat(load, hello, new AbortController().signal));
      assert.equal(error.code, 'engineMissing');
      assert.match(error.message, /not in this LLM Lab package/);
    } finally {
      if (previous === undefined) delete process.env.LLMLAB_ENGINE_MODULE;
      else process.env.LLMLAB_ENGINE_MODULE = previous;
    }
  });

  it('a file llama.cpp cannot load is a load error, not a crash of the host', async () => {
    const bad = join(dir, 'bad.gguf');
    writeFileSync(bad, makeTinyGguf().subarray(0, 5000));
    const error = await failure(make().chat({ ...load, modelPath: bad }, hello, new AbortController().signal));
    assert.ok(['loadFailed', 'crashed'].includes(error.code), error.code);
  });

  it('stops the process after the idle time', async () => {
    const c = make({ idleUnloadMs: () => 150 });
    await c.chat(load, { ...hello, maxTokens: 2 }, new AbortController().signal);
    assert.ok(c.pid);
    const end = Date.now() + 10_000;
    while (c.pid && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
    assert.equal(c.pid, undefined);
    assert.equal(c.lastExitReason, undefined, 'an orderly stop, not a crash');
  });
});
