import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setLanguage } from '../../../src/core/l10n';
import { describeError, errorActions, userMessage } from '../../../src/llm/errorMessages';
import { errorFromNetwork, errorFromResponse, htmlToText, parseErrorBody } from '../../../src/llm/errors';
import { parseRetryAfter, retryDelay } from '../../../src/llm/retry';
import { LlmError, LlmErrorKind } from '../../../src/llm/types';

const KINDS: LlmErrorKind[] = ['unreachable', 'auth', 'notFound', 'rateLimited', 'server', 'badResponse', 'timeout', 'cancelled', 'noProvider', 'untrusted', 'invalidInput'];
const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name] ?? null });

describe('llm: error classification and messages (pure)', () => {
  afterEach(() => setLanguage('en', {}));

  it('errors: status → kind (401/403 auth, 404 notFound, 429 rateLimited, 5xx server, 400 invalidInput, 408 timeout)', () => {
    const ctx = { url: 'https://api.example.com/v1/chat/completions', model: 'gpt-x', hasKey: true };
    const kinds = [400, 401, 403, 404, 408, 422, 429, 500, 502, 503].map((s) => errorFromResponse(s, '', ctx).kind);
    assert.deepEqual(kinds, ['invalidInput', 'auth', 'auth', 'notFound', 'timeout', 'invalidInput', 'rateLimited', 'server', 'server', 'server']);
    assert.equal(errorFromResponse(400, '{"error":{"message":"model \'x\' not found"}}', ctx).kind, 'notFound', 'LM Studio-style 400 for a missing model');
  });

  it('errors: server bodies — OpenAI, flat vLLM, Ollama string, FastAPI detail, HTML, plain text', () => {
    assert.deepEqual(parseErrorBody('{"error":{"message":"m","type":"t","param":"p","code":"c"}}'), { message: 'm', type: 't', code: 'c', param: 'p' });
    assert.equal(parseErrorBody('{"object":"error","message":"flat","code":404}').message, 'flat');
    assert.equal(parseErrorBody('{"error":"model \'x\' not found"}').message, "model 'x' not found");
    assert.equal(parseErrorBody('{"detail":"Not Found"}').message, 'Not Found');
    assert.equal(parseErrorBody('upstream connect error', 'text/plain').message, 'upstream connect error');
    assert.equal(htmlToText('<html><head><title>Oops</title><style>p{}</style></head><body><h1>Bad&nbsp;Gateway</h1><script>x()</script></body></html>'), 'Oops — Bad Gateway');
    assert.ok(parseErrorBody(`<html><body>${'word '.repeat(500)}</body></html>`).message!.length <= 300);
  });

  it('errors: network codes → unreachable (refused, dns with host, tls) or timeout', () => {
    const fetchFailed = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(`connect ${code}`), { code }) });
    const ctx = { url: 'http://gpu.lan:8000/v1/models' };
    assert.equal(errorFromNetwork(fetchFailed('ECONNREFUSED'), ctx).details.reason, 'refused');
    const dns = errorFromNetwork(fetchFailed('ENOTFOUND'), ctx);
    assert.equal(dns.kind, 'unreachable');
    assert.match(dns.message, /Cannot find the host gpu\.lan:8000/);
    assert.equal(errorFromNetwork(fetchFailed('EAI_AGAIN'), ctx).details.reason, 'dns');
    assert.equal(errorFromNetwork(fetchFailed('DEPTH_ZERO_SELF_SIGNED_CERT'), ctx).details.reason, 'tls');
    assert.equal(errorFromNetwork(fetchFailed('UND_ERR_CONNECT_TIMEOUT'), ctx).kind, 'timeout');
    assert.equal(errorFromNetwork(fetchFailed('ECONNRESET'), ctx, true).details.reason, 'connectionLost');
  });

  it('retry: Retry-After as seconds, as an HTTP date, and retry-after-ms (which wins)', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    assert.equal(parseRetryAfter(headers({ 'retry-after': '7' }), now), 7000);
    assert.equal(parseRetryAfter(headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }), now), 30000);
    assert.equal(parseRetryAfter(headers({ 'retry-after': '7', 'retry-after-ms': '250' }), now), 250);
    assert.equal(parseRetryAfter(headers({ 'retry-after': 'soon' }), now), undefined);
    assert.equal(parseRetryAfter(headers({}), now), undefined);
  });

  it('retry: only 429/503, not quota, at most 2 times, at most 60 s, backoff 1 s then 2 s without a header', () => {
    const e = (status: number, details: object = {}) => Object.assign(new LlmError('rateLimited', 'x'), { details: { status, ...details } });
    assert.equal(retryDelay(e(429), 0), 1000);
    assert.equal(retryDelay(e(503), 1), 2000);
    assert.equal(retryDelay(e(429), 2), undefined);
    assert.equal(retryDelay(e(429, { retryAfterMs: 60000 }), 0), 60000);
    assert.equal(retryDelay(e(429, { retryAfterMs: 60001 }), 0), undefined);
    assert.equal(retryDelay(e(429, { reason: 'quota' }), 0), undefined);
    assert.equal(retryDelay(e(500), 0), undefined);
    assert.equal(retryDelay(e(502), 0), undefined);
  });

  it('messages: every kind has one message, and every kind but cancelled an action', () => {
    for (const kind of KINDS) {
      const message = userMessage({ kind, host: 'example.com' });
      assert.ok(message.length > 10 && !/\{\d\}/.test(message), `${kind}: ${message}`);
      assert.equal(errorActions(kind).length === 0, kind === 'cancelled', kind);
    }
    assert.deepEqual(errorActions('unreachable').map((a) => a.id), ['openSettings', 'testConnection', 'showLog']);
    assert.deepEqual(errorActions('notFound', 'ollamaModelMissing', 'qwen2.5:0.5b')[0], { id: 'copyCommand', label: 'Copy `ollama pull` Command', value: 'ollama pull qwen2.5:0.5b' });
    assert.equal(errorActions('auth')[0].id, 'setApiKey');
    assert.equal(errorActions('noProvider').at(-1)!.id, 'openLecture');
    assert.equal(describeError(new Error('boom')).kind, 'server');
  });

  it('messages: unreachable at Ollama’s port says `ollama serve`; in Chinese the placeholders are kept', () => {
    assert.equal(userMessage({ kind: 'unreachable', reason: 'refused', host: '127.0.0.1:11434' }), 'Cannot reach 127.0.0.1:11434. Is Ollama running? Start it with `ollama serve`.');
    setLanguage('zh-cn', JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'l10n', 'src', 'llm.zh-cn.json'), 'utf8')) as Record<string, string>);
    const message = userMessage({ kind: 'unreachable', reason: 'refused', host: '127.0.0.1:11434' });
    assert.match(message, /127\.0\.0\.1:11434/);
    assert.match(message, /ollama serve/);
    assert.match(message, /[\u4e00-\u9fff]/);
  });
});

describe('llm: Chinese strings', () => {
  it('l10n: every t() literal under src/llm has a zh-cn entry with the same placeholders and `code`', () => {
    const root = join(__dirname, '..', '..', '..');
    const zh: Record<string, string> = JSON.parse(readFileSync(join(root, 'l10n', 'src', 'llm.zh-cn.json'), 'utf8'));
    const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
    const keys = new Set<string>();
    for (const file of walk(join(root, 'src', 'llm'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bt\(\s*'((?:[^'\\]|\\.)*)'/g)) keys.add(m[1].replace(/\\'/g, "'"));
    }
    assert.ok(keys.size > 50);
    const sorted = (s: string, re: RegExp) => [...new Set(s.match(re) ?? [])].sort();
    for (const key of keys) {
      assert.ok(zh[key], `missing zh-cn: ${key}`);
      assert.deepEqual(sorted(zh[key], /\{\d\}/g), sorted(key, /\{\d\}/g), `placeholders: ${key}`);
      assert.deepEqual(sorted(zh[key], /`[^`]*`/g), sorted(key, /`[^`]*`/g), `code spans: ${key}`);
    }
  });
});
