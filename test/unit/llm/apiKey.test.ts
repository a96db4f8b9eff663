import assert from 'node:assert/strict';
import { redactSecrets } from '../../../src/core/redact';
import { authorizationFor } from '../../../src/llm/http';
import { OllamaProvider } from '../../../src/llm/ollama/ollamaProvider';
import { OpenAiCompatibleProvider } from '../../../src/llm/openaiCompatible/openAiCompatibleProvider';
import { ModelServer, RecordedRequest } from '../../server/modelServer';
import { ask, client, collect, never, rejectsWith } from './helpers';

const KEY = 'sk-llmlab-test-0123456789abcdef';

/** Every place the key could leak to: all header values except Authorization, the URL, the body. */
function leaks(request: RecordedRequest): string[] {
  const places: string[] = [];
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    if (request.rawHeaders[i].toLowerCase() !== 'authorization' && request.rawHeaders[i + 1].includes(KEY)) places.push(request.rawHeaders[i]);
  }
  if (request.url.includes(KEY)) places.push('url');
  if (request.body.includes(KEY)) places.push('body');
  return places;
}

describe('llm: the API key goes only to the configured origin, only as a bearer token', () => {
  let server: ModelServer;
  const lines: string[] = [];

  before(async () => {
    server = await ModelServer.start();
  });
  afterEach(() => {
    server.reset();
    lines.length = 0;
  });
  after(() => server.close());

  const keyed = () => client({ credentials: () => ({ apiKey: KEY, origin: server.baseUrl }), log: (line) => lines.push(line) });

  it('keys: sent as `Authorization: Bearer <key>` to the configured origin, nowhere else in the request', async () => {
    const provider = new OpenAiCompatibleProvider(server.baseUrl, keyed());
    await provider.listModels(never());
    await collect(provider.chat({ model: 'llm-lab-test', ...ask('x') }, never()));
    assert.equal(server.requests.length, 2);
    for (const request of server.requests) {
      assert.equal(request.headers.authorization, `Bearer ${KEY}`);
      assert.deepEqual(leaks(request), []);
    }
  });

  it('keys: not sent when a request targets another origin (other host name, other port)', async () => {
    const other = await ModelServer.start();
    try {
      const viaLocalhost = new OpenAiCompatibleProvider(`http://localhost:${server.port}/v1`, keyed());
      await viaLocalhost.listModels(never());
      await collect(viaLocalhost.chat({ model: 'llm-lab-test', ...ask('x') }, never()));
      await new OllamaProvider(other.origin, keyed()).listModels(never());
      for (const request of [...server.requests, ...other.requests]) {
        assert.equal(request.headers.authorization, undefined, `${request.path} on ${request.headers.host}`);
        assert.deepEqual(leaks(request), []);
      }
      assert.equal(other.requests.length, 1);
    } finally {
      await other.close();
    }
  });

  /** A key read from SecretStorage that is still in flight until release(); `likely`: one is expected. */
  const reading = (likely: boolean) => {
    const state: { key?: string; done: boolean; waits: number } = { done: false, waits: 0 };
    let release!: () => void;
    let asked!: () => void;
    const pending = new Promise<void>((resolve) => (release = resolve)).then(() => void (state.done = true));
    const waited = new Promise<void>((resolve) => (asked = resolve));
    const http = client({
      credentials: () => ({ apiKey: state.key, origin: server.baseUrl }),
      key: () => {
        state.waits++;
        asked();
        return state.done ? { likely: state.key !== undefined } : { pending, likely };
      },
    });
    return { state, http, waited, release: (key?: string) => ((state.key = key), release()) };
  };

  it('keys: with a key likely, a request it may go with waits for the read; other origins and probes never wait for it', async () => {
    const { state, http, waited, release } = reading(true);
    const other = await ModelServer.start();
    try {
      // Another origin and an auth:false probe go out while the key is still being read.
      await new OllamaProvider(other.origin, http).listModels(never());
      await http.getJson({ url: `${server.baseUrl}/models`, signal: never(), auth: false });
      assert.equal(state.waits, 0);
      assert.equal(other.requests.length, 1);
      assert.equal(server.requests.length, 1);
      // To the configured origin: nothing is sent until the read is done, then with the key it found.
      const listing = new OpenAiCompatibleProvider(server.baseUrl, http).listModels(never());
      await waited;
      assert.equal(server.requests.length, 1, 'sent before the key was read');
      release(KEY);
      await listing;
      assert.equal(server.requests.length, 2);
      assert.equal(server.requests[0].headers.authorization, undefined);
      assert.equal(server.requests[1].headers.authorization, `Bearer ${KEY}`);
    } finally {
      await other.close();
    }
  });

  it('keys: with no key expected, a request goes before the read ends; a 401 then waits for it and goes again with the key it found', async () => {
    const { http, release } = reading(false);
    const provider = new OpenAiCompatibleProvider(server.baseUrl, http);
    const answered = collect(provider.chat({ model: 'http-401-once', ...ask('x') }, never()));
    const first = await server.waitForRequest('/v1/chat/completions');
    assert.equal(first.headers.authorization, undefined);
    release(KEY);
    await answered;
    const sent = server.requestsTo('/v1/chat/completions');
    assert.equal(sent.length, 2);
    assert.equal(sent[1].headers.authorization, `Bearer ${KEY}`);
    assert.deepEqual(leaks(sent[1]), []);
  });

  it('keys: with no key expected and none found, a 401 is the answer (no second request)', async () => {
    const { http, release } = reading(false);
    const provider = new OpenAiCompatibleProvider(server.baseUrl, http);
    const answered = collect(provider.chat({ model: 'http-401', ...ask('x') }, never()));
    await server.waitForRequest('/v1/chat/completions');
    release(undefined);
    await rejectsWith(answered, 'auth');
    assert.equal(server.requestsTo('/v1/chat/completions').length, 1);
  });

  it('keys: a redirect to another origin is followed without the key', async () => {
    const provider = new OpenAiCompatibleProvider(server.baseUrl, keyed());
    await collect(provider.chat({ model: 'redirect-localhost', ...ask('x') }, never()));
    const [first, second] = server.requestsTo('/v1/chat/completions');
    assert.equal(first.headers.host, `127.0.0.1:${server.port}`);
    assert.equal(first.headers.authorization, `Bearer ${KEY}`);
    assert.equal(second.headers.host, `localhost:${server.port}`);
    assert.equal(second.headers.authorization, undefined);
    assert.deepEqual(leaks(second), []);
  });

  it('keys: authorizationFor compares whole origins (scheme, host, port)', () => {
    const credentials = { apiKey: KEY, origin: 'https://api.example.com/v1' };
    assert.equal(authorizationFor('https://api.example.com/v1/chat/completions', credentials), `Bearer ${KEY}`);
    assert.equal(authorizationFor('https://api.example.com:443/v1/models', credentials), `Bearer ${KEY}`);
    assert.equal(authorizationFor('http://api.example.com/v1/models', credentials), undefined);
    assert.equal(authorizationFor('https://api.example.com:8443/v1/models', credentials), undefined);
    assert.equal(authorizationFor('https://api.example.com.evil.test/v1/models', credentials), undefined);
    assert.equal(authorizationFor('https://evil.test/?u=https://api.example.com', credentials), undefined);
    assert.equal(authorizationFor('https://api.example.com/v1/models', { apiKey: KEY, origin: undefined }), undefined);
    assert.equal(authorizationFor('https://api.example.com/v1/models', { apiKey: '', origin: credentials.origin }), undefined);
  });

  it('keys: request log lines and error messages never contain the key', async () => {
    const provider = new OpenAiCompatibleProvider(server.baseUrl, keyed());
    await collect(provider.chat({ model: 'llm-lab-test', ...ask('x') }, never()));
    await rejectsWith(collect(provider.chat({ model: 'http-401', ...ask('x') }, never())), 'auth');
    assert.ok(lines.some((l) => l.includes('/v1/chat/completions 200')), 'requests are logged with URL and status');
    assert.ok(lines.every((l) => !l.includes(KEY)));
    assert.equal(redactSecrets(`Authorization: Bearer ${KEY}`, [KEY]), 'Authorization: Bearer [redacted]');
    assert.equal(redactSecrets(`failed with ${KEY} in it`, [KEY]), 'failed with [redacted] in it');
  });
});
