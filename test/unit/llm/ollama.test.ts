import assert from 'node:assert/strict';
import { ollamaRoot, OllamaProvider } from '../../../src/llm/ollama/ollamaProvider';
import { StreamEvent } from '../../../src/llm/types';
import { COT_REPLY, DEFAULT_REPLY, ModelServer } from '../../server/modelServer';
import { ask, client, collect, never, rejectsWith, textOf } from './helpers';

describe('llm: Ollama native provider against the test server', () => {
  let server: ModelServer;
  let provider: OllamaProvider;

  before(async () => {
    server = await ModelServer.start();
    provider = new OllamaProvider(server.origin, client());
  });
  afterEach(() => server.reset());
  after(() => server.close());

  const run = (model: string, extra: object = {}, content = 'x'): Promise<StreamEvent[]> => collect(provider.chat({ model, ...ask(content), ...extra }, new AbortController().signal));

  it('ollama: lists /api/tags and streams /api/chat NDJSON with usage from the eval counts', async () => {
    assert.deepEqual(await provider.listModels(never()), ['llm-lab-test', 'llm-lab-test-large']);
    const events = await run('llm-lab-test', { temperature: 0, maxTokens: 100, seed: 7, stop: ['\n\n'] }, "Let's think step by step");
    assert.equal(textOf(events), COT_REPLY);
    assert.deepEqual(events.find((e) => e.type === 'usage'), { type: 'usage', promptTokens: 5, completionTokens: 25, totalTokens: 30 });
    const done = events.at(-1)!;
    assert.ok(done.type === 'done' && done.finishReason === 'stop' && done.model === 'llm-lab-test');
    const sent = server.requestsTo('/api/chat')[0].json!;
    assert.equal(sent.stream, true);
    assert.deepEqual(sent.options, { temperature: 0, num_predict: 100, seed: 7, stop: ['\n\n'] });
  });

  it('ollama: after the done line the body is read to its end, not torn down', async () => {
    const lines: string[] = [];
    const logged = new OllamaProvider(server.origin, client({ log: (line) => lines.push(line) }));
    assert.equal(textOf(await collect(logged.chat({ model: 'llm-lab-test', ...ask('x') }, new AbortController().signal))), DEFAULT_REPLY);
    const finished = lines.find((line) => / bytes in /.test(line));
    assert.ok(finished && !/closed by LLM Lab/.test(finished), finished);
  });

  it('ollama: `message.thinking` comes as reasoning events', async () => {
    const events = await run('thinking');
    assert.equal(textOf(events, 'reasoning'), 'First, 5 + 6 = 11. So the total is 11.');
    assert.equal(textOf(events), DEFAULT_REPLY);
  });

  it('ollama: a model that is not pulled → notFound telling the user to run `ollama pull <model>`', async () => {
    const error = await rejectsWith(run('qwen-missing:0.5b'), 'notFound');
    assert.equal(error.details.reason, 'ollamaModelMissing');
    assert.match(error.message, /Run `ollama pull qwen-missing:0\.5b`/);
  });

  it('ollama: an `{"error":…}` line mid-stream (status 200) is a server error with its message', async () => {
    const error = await rejectsWith(run('ollama-mid-error'), 'server');
    assert.match(error.message, /unexpected EOF/);
  });

  it('ollama: lines split at every byte are reassembled', async () => {
    assert.equal(textOf(await run('split-every-byte')), DEFAULT_REPLY);
  });

  it('ollama: a stream cut before the done line is badResponse', async () => {
    const error = await rejectsWith(run('cut-mid-stream'), 'badResponse');
    assert.match(error.message, /done/);
  });

  it('ollama: logprobs are requested and mapped', async () => {
    const events = await run('llm-lab-test', { logprobs: true, topLogprobs: 2 });
    const tokens = events.flatMap((e) => (e.type === 'logprobs' ? e.tokens : []));
    assert.equal(tokens.length, 4);
    assert.equal(tokens[1].token, ' answer');
    assert.equal(tokens[1].top.length, 2);
    assert.equal(server.requestsTo('/api/chat')[0].json!.top_logprobs, 2);
  });

  it('ollama: the root is found from a /v1 or /api base URL, default 127.0.0.1:11434', () => {
    assert.equal(ollamaRoot('http://gpu-box:11434/v1/'), 'http://gpu-box:11434');
    assert.equal(ollamaRoot('http://gpu-box:11434/api'), 'http://gpu-box:11434');
    assert.equal(ollamaRoot(''), 'http://127.0.0.1:11434');
    assert.equal(ollamaRoot(undefined), 'http://127.0.0.1:11434');
  });
});
