import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { OpenAiCompatibleProvider } from '../../../src/llm/openaiCompatible/openAiCompatibleProvider';
import { StreamEvent } from '../../../src/llm/types';
import { COT_REPLY, DEFAULT_REPLY, ModelServer } from '../../server/modelServer';
import { ask, client, collect, never, rejectsWith, textOf } from './helpers';

describe('llm: OpenAI-compatible provider against the test server', () => {
  let server: ModelServer;
  let provider: OpenAiCompatibleProvider;

  before(async () => {
    server = await ModelServer.start();
    provider = new OpenAiCompatibleProvider(server.baseUrl, client());
  });
  afterEach(() => server.reset());
  after(() => server.close());

  const run = (model: string, content = 'What is 23 - 20 + 6?', extra: object = {}): Promise<StreamEvent[]> =>
    collect(provider.chat({ model, ...ask(content), ...extra }, never()));

  it('openai: streams text, then usage from the final empty-choices chunk, then done with timings', async () => {
    const events = await run('llm-lab-test', 'What is 23 - 20 + 6?', { maxTokens: 64, temperature: 0 });
    assert.equal(textOf(events), DEFAULT_REPLY);
    const usage = events.find((e) => e.type === 'usage');
    assert.deepEqual(usage, { type: 'usage', promptTokens: 7, completionTokens: 4, totalTokens: 11 });
    const done = events.at(-1)!;
    assert.equal(done.type, 'done');
    if (done.type === 'done') {
      assert.equal(done.finishReason, 'stop');
      assert.equal(done.model, 'llm-lab-test');
      assert.ok(typeof done.ttftMs === 'number' && done.ttftMs >= 0 && done.ttftMs <= done.totalMs);
    }
    const sent = server.requestsTo('/v1/chat/completions')[0].json!;
    assert.equal(sent.stream, true);
    assert.deepEqual(sent.stream_options, { include_usage: true });
    assert.equal(sent.max_tokens, 64, 'max_tokens (Ollama /v1 reads only that)');
    assert.equal(sent.temperature, 0);
    assert.equal(sent.max_completion_tokens, undefined);
  });

  it('openai: the prompt decides the scripted answer (chain of thought → "The answer is 11.")', async () => {
    assert.equal(textOf(await run('llm-lab-test', "Q: …\nA: Let's think step by step.")), COT_REPLY);
    server.setRules([{ match: /capital of France/, reply: 'Paris.' }], 'I do not know.');
    assert.equal(textOf(await run('llm-lab-test', 'The capital of France is')), 'Paris.');
    assert.equal(textOf(await run('llm-lab-test', 'anything else')), 'I do not know.');
  });

  it('openai: events split at every byte over HTTP arrive whole', async () => {
    const events = await run('split-every-byte', "Let's think step by step");
    assert.equal(textOf(events), COT_REPLY);
    // 25 one-token events; those completed by the same network chunk come as one (never more events, none split).
    const texts = events.filter((e) => e.type === 'text').length;
    assert.ok(texts >= 1 && texts <= 25, `${texts} text events`);
  });

  it('openai: several events in one chunk are all dispatched', async () => {
    const events = await run('one-chunk', "Let's think step by step");
    assert.equal(textOf(events), COT_REPLY);
    assert.equal(events.at(-1)!.type, 'done');
  });

  it('openai: CRLF line endings', async () => {
    assert.equal(textOf(await run('crlf')), DEFAULT_REPLY);
  });

  it('openai: `:` comment and keep-alive lines are skipped', async () => {
    assert.equal(textOf(await run('comments')), DEFAULT_REPLY);
  });

  it('openai: `event:` and `id:` lines before data are accepted', async () => {
    assert.equal(textOf(await run('event-lines')), DEFAULT_REPLY);
  });

  it('openai: Chinese characters split across chunks (byte by byte) survive', async () => {
    assert.equal(textOf(await run('chinese-split')), '你好，世界！思维链让模型一步一步地推理。');
    server.setRules([{ match: /.*/, reply: '答案是 11。' }]);
    assert.equal(textOf(await run('split-every-byte')), '答案是 11。');
  });

  it('openai: a missing [DONE] is fine when the body ended after a finish_reason', async () => {
    const events = await run('no-done');
    assert.equal(textOf(events), DEFAULT_REPLY);
    assert.equal(events.at(-1)!.type, 'done');
  });

  it('openai: a body that ends mid-answer (no finish_reason, no [DONE]) is badResponse', async () => {
    const error = await rejectsWith(run('cut-mid-stream'), 'badResponse');
    assert.match(error.message, /ended before the model finished/);
  });

  it('openai: a server that ignores stream:true and sends one JSON body still answers', async () => {
    const events = await run('ignore-stream', "Let's think step by step");
    assert.equal(textOf(events), COT_REPLY);
    assert.ok(events.some((e) => e.type === 'usage' && e.completionTokens === 25));
    assert.equal(events.at(-1)!.type, 'done');
  });

  it('openai: invalid JSON in one event is badResponse naming the event', async () => {
    const error = await rejectsWith(run('invalid-json'), 'badResponse');
    assert.match(error.message, /not valid JSON: \{"choices":\[\{"index":0,"delta":\{"content":"oops"\}/);
  });

  it('openai: a mid-stream `data: {"error":…}` is a server error with the server’s message', async () => {
    const events: StreamEvent[] = [];
    const error = await rejectsWith(
      (async () => {
        for await (const e of provider.chat({ model: 'mid-stream-error', ...ask('x') }, never())) events.push(e);
      })(),
      'server',
    );
    assert.match(error.message, /CUDA out of memory while generating/);
    assert.equal(error.details.reason, 'midStream');
    assert.equal(textOf(events), 'The answer', 'text before the error was delivered');
  });

  it('openai: a bare `error:` line (older llama.cpp) and an `event: error` are errors too', async () => {
    assert.match((await rejectsWith(run('bare-error-line'), 'server')).message, /slot unavailable/);
    assert.match((await rejectsWith(run('event-error'), 'server')).message, /upstream provider failed/);
  });

  it('openai: reasoning deltas (`reasoning_content` and `reasoning`) come as reasoning events, apart from the answer', async () => {
    for (const model of ['reasoning', 'reasoning-field']) {
      const events = await run(model);
      assert.equal(textOf(events, 'reasoning'), 'First, 5 + 6 = 11. So the total is 11.', model);
      assert.equal(textOf(events), DEFAULT_REPLY, model);
      const firstText = events.findIndex((e) => e.type === 'text');
      assert.ok(events.slice(0, firstText).every((e) => e.type === 'reasoning'), `${model}: reasoning first`);
    }
  });

  it('openai: logprobs and top alternatives come as logprobs events', async () => {
    const events = await run('llm-lab-test', 'x', { logprobs: true, topLogprobs: 3 });
    const tokens = events.flatMap((e) => (e.type === 'logprobs' ? e.tokens : []));
    assert.equal(tokens.length, 4);
    assert.deepEqual(tokens[0], { token: 'The', logprob: -0.01, top: [{ token: 'The', logprob: -0.01 }, { token: 'The~1', logprob: -1.01 }, { token: 'The~2', logprob: -2.01 }] });
    const sent = server.requestsTo('/v1/chat/completions')[0].json!;
    assert.equal(sent.logprobs, true);
    assert.equal(sent.top_logprobs, 3);
  });

  it('openai: a 400 naming stream_options is retried once without it', async () => {
    assert.equal(textOf(await run('reject-stream-options')), DEFAULT_REPLY);
    const sent = server.requestsTo('/v1/chat/completions');
    assert.equal(sent.length, 2);
    assert.ok(sent[0].json!.stream_options);
    assert.equal(sent[1].json!.stream_options, undefined);
  });

  it('openai: a 400 rejecting max_tokens is retried with max_completion_tokens', async () => {
    assert.equal(textOf(await run('reject-max-tokens', 'x', { maxTokens: 50 })), DEFAULT_REPLY);
    const sent = server.requestsTo('/v1/chat/completions');
    assert.equal(sent.length, 2);
    assert.equal(sent[1].json!.max_completion_tokens, 50);
    assert.equal(sent[1].json!.max_tokens, undefined);
  });

  it('openai: llama.cpp quirks (null first content, `: ping`, [DONE] without a blank line)', async () => {
    const events = await run('llamacpp');
    assert.equal(textOf(events), DEFAULT_REPLY);
    assert.equal(events.at(-1)!.type, 'done');
  });

  it('openai: max tokens and stop sequences reach the server (finish_reason length)', async () => {
    const events = await run('llm-lab-test', 'x', { maxTokens: 2 });
    assert.equal(textOf(events), 'The answer');
    const done = events.at(-1)!;
    assert.equal(done.type === 'done' && done.finishReason, 'length');
    assert.equal(textOf(await run('llm-lab-test', 'x', { stop: [' is'] })), 'The answer');
  });

  it('openai: a 50,000-token stream arrives complete and in order', async function () {
    this.timeout(30000);
    const started = performance.now();
    const parts: string[] = [];
    let done: StreamEvent | undefined;
    for await (const event of provider.chat({ model: 'tokens-50000', ...ask('go') }, never())) {
      // Deltas of one network chunk arrive as one event (fewer events than tokens).
      if (event.type === 'text') parts.push(event.text);
      else if (event.type === 'done') done = event;
    }
    const tokens = parts.join('').match(/ w\d+/g) ?? [];
    assert.equal(parts.join(''), tokens.join(''), 'nothing but the tokens');
    assert.equal(tokens.length, 50000);
    assert.ok(tokens.every((token, i) => token === ` w${i % 1000}`), 'in order');
    assert.ok(parts.length < 50000, `one-token events coalesced per chunk (${parts.length} text events)`);
    assert.ok(done && done.type === 'done' && done.finishReason === 'stop');
    assert.ok(done.type === 'done' && (done.tokensPerSecond ?? 0) > 1000, 'tokens per second measured');
    assert.ok(performance.now() - started < 20000);
  });

  it('openai: after [DONE] the body is read to its end (the connection is not torn down); a server that keeps it open is closed', async () => {
    const lines: string[] = [];
    const logged = new OpenAiCompatibleProvider(server.baseUrl, client({ log: (line) => lines.push(line) }));
    assert.equal(textOf(await collect(logged.chat({ model: 'llm-lab-test', ...ask('x') }, never()))), DEFAULT_REPLY);
    const finished = lines.find((line) => / bytes in /.test(line));
    assert.ok(finished && !/closed by LLM Lab/.test(finished), finished);

    const sockets = new Set<import('node:net').Socket>();
    const lingering = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`);
    });
    lingering.on('connection', (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => lingering.listen(0, '127.0.0.1', resolve));
    try {
      lines.length = 0;
      const base = `http://127.0.0.1:${(lingering.address() as AddressInfo).port}/v1`;
      const open = new OpenAiCompatibleProvider(base, client({ log: (line) => lines.push(line) }));
      const started = performance.now();
      assert.equal(textOf(await collect(open.chat({ model: 'm', ...ask('x') }, never()))), 'hi');
      assert.ok(performance.now() - started < 2000);
      assert.ok(lines.some((line) => / bytes in .*\(closed by LLM Lab\)/.test(line)), lines.join('\n'));
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => lingering.close(resolve));
    }
  });

  it('openai: lists models and uses the first one when the request names none', async () => {
    assert.deepEqual(await provider.listModels(never()), ['llm-lab-test', 'llm-lab-test-large']);
    const events = await collect(provider.chat(ask('x'), never()));
    assert.equal(events.at(-1)!.type === 'done' && (events.at(-1) as { model?: string }).model, 'llm-lab-test');
  });
});
