import assert from 'node:assert/strict';
import { OllamaProvider } from '../../../src/llm/ollama/ollamaProvider';
import { OpenAiCompatibleProvider } from '../../../src/llm/openaiCompatible/openAiCompatibleProvider';
import { StreamEvent } from '../../../src/llm/types';
import { DEFAULT_REPLY, ModelServer } from '../../server/modelServer';
import { ask, client, closedPort, collect, never, rejectsWith, textOf } from './helpers';

describe('llm: HTTP failures, retries, timeouts and cancellation', () => {
  let server: ModelServer;
  let provider: OpenAiCompatibleProvider;

  before(async () => {
    server = await ModelServer.start();
    provider = new OpenAiCompatibleProvider(server.baseUrl, client());
  });
  afterEach(() => server.reset());
  after(() => server.close());

  const run = (model: string, p = provider, signal = never()): Promise<StreamEvent[]> => collect(p.chat({ model, ...ask('x') }, signal));
  const attempts = (): number => server.requestsTo('/v1/chat/completions').length;

  it('errors: 400 with an OpenAI-style body → invalidInput with the server’s message, not retried', async () => {
    const error = await rejectsWith(run('http-400'), 'invalidInput');
    assert.match(error.message, /'messages' must contain at least one message/);
    assert.equal(error.details.status, 400);
    assert.equal(attempts(), 1);
  });

  it('errors: 401 → auth, says to set an API key and quotes the server', async () => {
    const error = await rejectsWith(run('http-401'), 'auth');
    assert.match(error.message, /Incorrect API key provided/);
    assert.match(error.message, /Set API Key/);
    assert.equal(error.details.reason, 'noKey', 'no key was configured');
    assert.equal(attempts(), 1);
  });

  it('errors: 403 with an HTML page → auth with the page’s text', async () => {
    const error = await rejectsWith(run('http-403-html'), 'auth');
    assert.match(error.message, /403 Forbidden/);
    assert.doesNotMatch(error.message, /<|not shown|font-family/);
  });

  it('errors: 404 → notFound naming the model (OpenAI-style and vLLM’s flat body)', async () => {
    const a = await rejectsWith(run('missing-model'), 'notFound');
    assert.match(a.message, /“missing-model” is not available/);
    assert.match(a.message, /Select Model/);
    const b = await rejectsWith(run('vllm-flat-404'), 'notFound');
    assert.match(b.message, /does not exist/);
  });

  it('errors: 404 for a wrong base URL says to check the URL', async () => {
    const wrong = new OpenAiCompatibleProvider(`${server.origin}/wrong`, client());
    const error = await rejectsWith(run('llm-lab-test', wrong), 'notFound');
    assert.equal(error.details.reason, 'endpointMissing');
    assert.match(error.message, /Check the base URL/);
  });

  it('errors: 500 → server with status and the server’s own message, not retried', async () => {
    const error = await rejectsWith(run('http-500'), 'server');
    assert.match(error.message, /HTTP 500: The server had an error while processing your request/);
    assert.equal(attempts(), 1);
  });

  it('errors: 502 HTML page → server error with tags, styles and scripts stripped, truncated', async () => {
    const error = await rejectsWith(run('http-502-html'), 'server');
    assert.match(error.message, /HTTP 502: 502 Bad Gateway nginx\/1\.25\.3/);
    assert.doesNotMatch(error.message, /<|not shown|font-family/);
    assert.ok((error.details.serverMessage ?? '').length <= 300);
  });

  it('retry: 429 with Retry-After: 1 emits a retry event, waits about 1 s, then succeeds', async () => {
    const events = await run('http-429-retry-after-1-once');
    assert.deepEqual(events[0] && { ...events[0], reason: undefined }, { type: 'retry', attempt: 1, waitMs: 1000, reason: undefined });
    assert.match((events[0] as { reason: string }).reason, /limiting requests/);
    assert.equal(textOf(events), DEFAULT_REPLY);
    assert.equal(attempts(), 2);
    // The second attempt came after the wait, not before (how close to 1 s: bench/llm.bench.ts).
    const [first, second] = server.requestsTo('/v1/chat/completions');
    assert.ok(second.startedAt - first.startedAt >= 950, `retried after ${second.startedAt - first.startedAt} ms`);
  });

  it('retry: 503 with retry-after-ms and with an HTTP-date Retry-After are retried', async () => {
    const a = await run('http-503-retry-after-ms-50-once');
    assert.equal(a[0].type === 'retry' && a[0].waitMs, 50);
    assert.equal(textOf(a), DEFAULT_REPLY);
    const b = await run('http-503-retry-after-date-1-once');
    assert.ok(b[0].type === 'retry' && b[0].waitMs <= 1000);
    assert.equal(textOf(b), DEFAULT_REPLY);
  });

  it('retry: at most 2 retries, then rateLimited', async () => {
    const error = await rejectsWith(run('http-429-retry-after-0'), 'rateLimited');
    assert.equal(attempts(), 3);
    assert.equal(error.details.status, 429);
  });

  it('retry: insufficient_quota is not retried and says retrying will not help', async () => {
    const error = await rejectsWith(run('http-429-quota-retry-after-0'), 'rateLimited');
    assert.equal(error.details.reason, 'quota');
    assert.match(error.message, /no quota left/);
    assert.equal(attempts(), 1);
  });

  it('retry: a Retry-After over 60 s is not waited for; the message says how long to wait', async () => {
    const error = await rejectsWith(run('http-429-retry-after-120'), 'rateLimited');
    assert.match(error.message, /Wait 120 s/);
    assert.equal(attempts(), 1);
  });

  it('retry: the wait is cancellable', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const pending = run('http-429-retry-after-30', provider, controller.signal);
    setTimeout(() => controller.abort(), 100);
    await rejectsWith(pending, 'cancelled');
    assert.ok(performance.now() - started < 1000);
  });

  it('network: connection refused → unreachable naming host and port', async () => {
    const port = await closedPort();
    const dead = new OpenAiCompatibleProvider(`http://127.0.0.1:${port}/v1`, client());
    const error = await rejectsWith(dead.listModels(never()), 'unreachable');
    assert.equal(error.details.reason, 'refused');
    assert.match(error.message, new RegExp(`Cannot reach 127\\.0\\.0\\.1:${port}`));
  });

  it('network: Ollama not running → the message says to run `ollama serve`', async () => {
    const port = await closedPort();
    const error = await rejectsWith(new OllamaProvider(`http://127.0.0.1:${port}`, client()).listModels(never()), 'unreachable');
    assert.match(error.message, /Is Ollama running\? Start it with `ollama serve`/);
  });

  it('network: DNS failure → unreachable naming the host', async () => {
    const nowhere = new OpenAiCompatibleProvider('http://llm-lab-test.invalid/v1', client());
    const error = await rejectsWith(nowhere.listModels(never()), 'unreachable');
    assert.equal(error.details.reason, 'dns');
    assert.match(error.message, /llm-lab-test\.invalid/);
  });

  it('timeout: a stream that stops mid-way and hangs → timeout after the idle limit', async () => {
    const quick = new OpenAiCompatibleProvider(server.baseUrl, client({ timeoutMs: 300 }));
    const events: StreamEvent[] = [];
    const error = await rejectsWith(
      (async () => {
        for await (const e of quick.chat({ model: 'hang-after-3', ...ask('x') }, never())) events.push(e);
      })(),
      'timeout',
    );
    assert.equal(error.details.reason, 'idle');
    assert.match(error.message, /stopped sending/);
    assert.equal(textOf(events), 'The answer is', 'the three tokens before the silence were delivered');
    // The client hung up (how soon after the idle limit: bench/llm.bench.ts).
    const request = server.requestsTo('/v1/chat/completions')[0];
    const closedAt = await server.waitForClose(request, 2000);
    assert.equal(request.completed, false);
    assert.ok(closedAt - request.startedAt >= 280, `closed after ${closedAt - request.startedAt} ms, before the 300 ms idle limit`);
  });

  it('timeout: no response headers at all → first-byte timeout', async () => {
    const quick = new OpenAiCompatibleProvider(server.baseUrl, client({ timeoutMs: 300 }));
    const error = await rejectsWith(run('hang-before-headers', quick), 'timeout');
    assert.equal(error.details.reason, 'firstByte');
    assert.match(error.message, /did not answer within 1 s/);
  });

  it('timeout: keep-alive comments do not reset the idle timer (pings for longer than the timeout → idle timeout)', async () => {
    const quick = new OpenAiCompatibleProvider(server.baseUrl, client({ timeoutMs: 300 }));
    const error = await rejectsWith(run('keepalive-slow', quick), 'timeout');
    assert.equal(error.details.reason, 'idle');
  });

  it('timeout: a slow answer with pings succeeds when the data itself comes within the timeout', async () => {
    const patient = new OpenAiCompatibleProvider(server.baseUrl, client({ timeoutMs: 1500 }));
    assert.equal(textOf(await run('keepalive-slow', patient)), DEFAULT_REPLY);
  });

  it('cancel: aborting mid-stream ends with cancelled and the server sees the socket close within 200 ms', async () => {
    const controller = new AbortController();
    let texts = 0;
    let abortedAt = 0;
    const error = await rejectsWith(
      (async () => {
        for await (const e of provider.chat({ model: 'endless', ...ask('x') }, controller.signal)) {
          if (e.type === 'text' && ++texts === 3) {
            abortedAt = performance.now();
            controller.abort();
          }
        }
      })(),
      'cancelled',
    );
    assert.equal(error.message, 'Request cancelled.');
    const request = server.requestsTo('/v1/chat/completions')[0];
    const closedAt = await server.waitForClose(request, 1000);
    assert.equal(request.completed, false, 'the server did not finish: the client went away');
    assert.ok(closedAt - abortedAt < 200, `server saw the close ${Math.round(closedAt - abortedAt)} ms after abort`);
    const socket = server.sockets.get(request.socketId)!;
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(socket.closedAt !== undefined && socket.closedAt - abortedAt < 200, 'the TCP socket itself closed');
  });

  it('cancel: aborting before the headers arrive closes the connection too', async () => {
    const controller = new AbortController();
    const pending = run('hang-before-headers', provider, controller.signal);
    const request = await server.waitForRequest('/v1/chat/completions');
    const abortedAt = performance.now();
    controller.abort();
    await rejectsWith(pending, 'cancelled');
    assert.ok((await server.waitForClose(request, 1000)) - abortedAt < 200);
  });

  it('cancel: a consumer that stops reading (break) closes the connection', async () => {
    for await (const e of provider.chat({ model: 'endless', ...ask('x') }, never())) {
      if (e.type === 'text') break;
    }
    const request = server.requestsTo('/v1/chat/completions')[0];
    await server.waitForClose(request, 500);
    assert.equal(request.completed, false);
  });

  it('cancel: an already aborted signal sends nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    await rejectsWith(run('llm-lab-test', provider, controller.signal), 'cancelled');
    assert.equal(attempts(), 0);
  });
});
