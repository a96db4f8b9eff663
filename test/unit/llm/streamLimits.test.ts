import assert from 'node:assert/strict';
import { rememberSecret } from '../../../src/core/redact';
import { NdjsonChatDecoder } from '../../../src/llm/ollama/ndjsonChatDecoder';
import { OllamaProvider } from '../../../src/llm/ollama/ollamaProvider';
import { OpenAiCompatibleProvider } from '../../../src/llm/openaiCompatible/openAiCompatibleProvider';
import { LlmError, StreamEvent } from '../../../src/llm/types';
import { ModelServer } from '../../server/modelServer';
import { ask, client, collect, never, rejectsWith, textOf } from './helpers';

describe('llm: stream limits (idle timeout reset only by data, total size cap) and key redaction', () => {
  let server: ModelServer;

  before(async () => {
    server = await ModelServer.start();
  });
  afterEach(() => server.reset());
  after(() => server.close());

  const openai = (options: Parameters<typeof client>[0] = {}) => new OpenAiCompatibleProvider(server.baseUrl, client(options));
  const ollama = (options: Parameters<typeof client>[0] = {}) => new OllamaProvider(server.origin, client(options));
  const run = (provider: OpenAiCompatibleProvider | OllamaProvider, model: string): Promise<StreamEvent[]> => collect(provider.chat({ model, ...ask('x') }, never()));

  for (const [name, make, path] of [['SSE', openai, '/v1/chat/completions'], ['NDJSON', ollama, '/api/chat']] as const) {
    it(`idle timeout: a slow drip of keep-alives without data cannot hold a request open (${name})`, async () => {
      const started = performance.now();
      const error = await rejectsWith(run(make({ timeoutMs: 400 }), 'drip-comments'), 'timeout');
      assert.equal(error.details.reason, 'idle');
      const request = server.requestsTo(path)[0];
      const closedAt = await server.waitForClose(request, 2000);
      assert.equal(request.completed, false);
      // Pings arrive every 50 ms; before the fix each one restarted the timer and this never ended.
      assert.ok(closedAt - started < 2000, `closed after ${Math.round(closedAt - started)} ms`);
    });

    it(`size cap: an endless stream is cut off at llmLab.maxResponseMegabytes with a clear error (${name})`, async () => {
      const cap = 1024 * 1024;
      const error = await rejectsWith(run(make({ maxResponseBytes: () => cap }), 'endless-fast'), 'badResponse');
      assert.match(error.message, /more than 1 MB/);
      assert.match(error.message, /llmLab\.maxResponseMegabytes/);
      const request = server.requestsTo(path)[0];
      await server.waitForClose(request, 2000);
      assert.equal(request.completed, false, 'the client hung up');
    });
  }

  it('size cap: answers under the cap are untouched', async () => {
    const events = await run(openai({ maxResponseBytes: () => 64 * 1024 }), 'tokens-200');
    assert.equal(textOf(events).split(' w').length - 1, 200);
  });

  it('redaction: a server that echoes the API key in its error body never gets it into the message (OpenAI and Ollama)', async () => {
    const key = 'local-key-4f9a2c7e1b';
    const credentials = () => ({ apiKey: key, origin: server.origin });
    for (const provider of [openai({ credentials }), ollama({ credentials })]) {
      const error = await rejectsWith(run(provider, 'echo-key'), 'auth');
      const request = server.requests.at(-1)!;
      assert.equal(request.headers.authorization, `Bearer ${key}`, 'the server did get the key');
      assert.ok(!error.message.includes(key), error.message);
      assert.ok(!JSON.stringify(error.details).includes(key), JSON.stringify(error.details));
      assert.match(error.message, /Incorrect API key provided: \[redacted\]/);
    }
  });

  it('redaction: a remembered key is removed from any error built later, also from a thrown plain Error', async () => {
    const { toLlmError } = await import('../../../src/llm/errors');
    rememberSecret('remembered-secret-9z8y');
    const error = toLlmError(new Error('boom remembered-secret-9z8y boom'));
    assert.ok(error instanceof LlmError);
    assert.doesNotMatch(error.message, /remembered-secret-9z8y/);
    assert.match(error.message, /boom \[redacted\] boom/);
  });

  it('ndjson: a very long line split into many chunks is one line, decoded exactly', () => {
    const content = 'ab'.repeat(300_000) + '你好';
    const bytes = Buffer.from(`${JSON.stringify({ model: 'm', message: { role: 'assistant', content }, done: false })}\n${JSON.stringify({ done: true, done_reason: 'stop' })}\n`);
    const decoder = new NdjsonChatDecoder({});
    const events: StreamEvent[] = [];
    for (let i = 0; i < bytes.length; i += 4093) events.push(...decoder.push(bytes.subarray(i, i + 4093)));
    assert.equal(textOf(events), content);
    assert.equal(decoder.done, true);
    assert.equal(decoder.lines, 2);
  });

  it('ndjson: several lines in one chunk, a line split across chunks, blank lines ignored', () => {
    const decoder = new NdjsonChatDecoder({});
    const line = (content: string) => `${JSON.stringify({ message: { content }, done: false })}\n`;
    const text = `${line('a')}\n\n${line('b')}${line('c')}`;
    const events = [...decoder.push(Buffer.from(text.slice(0, 5))), ...decoder.push(Buffer.from(text.slice(5, 40))), ...decoder.push(Buffer.from(text.slice(40)))];
    assert.equal(textOf(events), 'abc');
    assert.equal(decoder.lines, 3);
    assert.throws(() => decoder.end(), /done/);
  });
});
