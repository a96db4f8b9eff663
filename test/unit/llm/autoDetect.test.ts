import assert from 'node:assert/strict';
import { AutoDetector, defaultProbes, Probe, probeServers } from '../../../src/llm/autoDetect';
import { testProvider } from '../../../src/llm/connectionTest';
import { resolveProvider } from '../../../src/llm/providerResolver';
import { ChatProvider } from '../../../src/llm/types';
import { ModelServer } from '../../server/modelServer';
import { client, closedPort, never, rejectsWith } from './helpers';

describe('llm: auto-detection, provider resolution and the connection test', () => {
  let server: ModelServer;
  let deadPort: number;

  before(async () => {
    server = await ModelServer.start();
    deadPort = await closedPort();
  });
  afterEach(() => server.reset());
  after(() => server.close());

  const dead = (name: string, provider: Probe['provider'] = 'openai-compatible'): Probe => ({ name, provider, baseUrl: `http://127.0.0.1:${deadPort}${provider === 'ollama' ? '' : '/v1'}` });
  const live = (name: string, provider: Probe['provider'] = 'openai-compatible'): Probe => ({ name, provider, baseUrl: provider === 'ollama' ? server.origin : server.baseUrl });

  it('auto: the default probes are Ollama, LM Studio, llama.cpp, vLLM on their usual ports, in that order', () => {
    assert.deepEqual(
      defaultProbes().map((p) => [p.name, p.baseUrl]),
      [
        ['Ollama', 'http://127.0.0.1:11434'],
        ['LM Studio', 'http://127.0.0.1:1234/v1'],
        ['llama.cpp', 'http://127.0.0.1:8080/v1'],
        ['vLLM', 'http://127.0.0.1:8000/v1'],
      ],
    );
  });

  it('auto: the first server that answers wins, in priority order (Ollama probed at /api/tags, others at /v1/models)', async () => {
    const found = await probeServers(client(), [dead('Ollama', 'ollama'), live('LM Studio'), live('llama.cpp')], never());
    assert.equal(found.kind === 'server' && found.probe.name, 'LM Studio');
    assert.deepEqual(found.kind === 'server' && found.models, ['llm-lab-test', 'llm-lab-test-large']);
    const ollamaFirst = await probeServers(client(), [live('Ollama', 'ollama'), live('LM Studio')], never());
    assert.equal(ollamaFirst.kind === 'server' && ollamaFirst.probe.name, 'Ollama');
    assert.ok(server.requestsTo('/api/tags').length >= 1);
  });

  it('auto: probes run in parallel with short timeouts (a hanging server is given up on)', async () => {
    const hanging: Probe = { name: 'hang', provider: 'openai-compatible', baseUrl: server.scenarioUrl('hang-before-headers') };
    const found = await probeServers(client(), [hanging, { ...hanging, name: 'hang2' }, { ...hanging, name: 'hang3' }, dead('x'), live('vLLM')], never());
    assert.equal(found.kind === 'server' && found.probe.name, 'vLLM');
    // Parallel: the three hanging probes all reached the server before the first of them was given up on
    // (one after the other, each would start only once the previous one timed out). Speed: bench/llm.bench.ts.
    const hangs = server.requests.filter((r) => r.scenario === 'hang-before-headers');
    assert.equal(hangs.length, 3);
    const closed = await Promise.all(hangs.map((r) => server.waitForClose(r, 3000)));
    assert.ok(Math.max(...hangs.map((r) => r.startedAt)) < Math.min(...closed), 'a probe started only after another was given up on');
    assert.ok(hangs.every((r) => r.completed === false), 'the client gave up on every hanging probe');
  });

  it('auto: a server that answers with something else (HTML, an error) does not count', async () => {
    const html: Probe = { name: 'web app', provider: 'openai-compatible', baseUrl: server.scenarioUrl('http-200-html') };
    const broken: Probe = { name: 'broken', provider: 'openai-compatible', baseUrl: server.scenarioUrl('http-500') };
    assert.deepEqual(await probeServers(client(), [html, broken, dead('x')], never()), { kind: 'none' });
  });

  it('auto: editor models come first; the result is cached until invalidated', async () => {
    let editorAsked = 0;
    let editor = true;
    const detector = new AutoDetector({ http: client(), probes: () => [live('Ollama', 'ollama')], hasEditorModels: async () => (editorAsked++, editor) });
    assert.deepEqual(await detector.detect(), { kind: 'vscode-lm' });
    editor = false;
    assert.deepEqual(await detector.detect(), { kind: 'vscode-lm' }, 'cached');
    assert.equal(editorAsked, 1);
    detector.invalidate();
    const found = await detector.detect();
    assert.equal(found.kind === 'server' && found.probe.name, 'Ollama');
    assert.equal(editorAsked, 2);
  });

  it('auto: nothing found → noProvider explaining the choices and the offline lessons', async () => {
    const detector = new AutoDetector({ http: client(), probes: () => [dead('Ollama', 'ollama'), dead('LM Studio')] });
    const error = await rejectsWith(resolveProvider({}, { provider: 'auto', baseUrl: '', model: '' }, { http: client(), detector }, never()), 'noProvider');
    assert.match(error.message, /Ollama :11434, LM Studio :1234, llama\.cpp :8080, vLLM :8000/);
    assert.match(error.message, /offline lessons/);
  });

  it('resolve: auto uses the detected server with its first model, or the configured model if it has it', async () => {
    const detector = new AutoDetector({ http: client(), probes: () => [dead('Ollama', 'ollama'), live('LM Studio')] });
    const a = await resolveProvider({}, { provider: 'auto', baseUrl: '', model: 'not-there' }, { http: client(), detector }, never());
    assert.equal(a.id, 'openai-compatible');
    assert.equal(a.baseUrl, server.baseUrl);
    assert.equal(a.defaultModel, 'llm-lab-test');
    assert.equal(a.shortLabel, 'LM Studio');
    const b = await resolveProvider({}, { provider: 'auto', baseUrl: '', model: 'llm-lab-test-large' }, { http: client(), detector }, never());
    assert.equal(b.defaultModel, 'llm-lab-test-large');
  });

  it('resolve: explicit providers, a configured base URL under auto, and the errors for missing pieces', async () => {
    const detector = new AutoDetector({ http: client(), probes: () => [] });
    const deps = { http: client(), detector };
    const settings = { provider: 'auto' as const, baseUrl: server.baseUrl, model: 'm' };
    assert.equal((await resolveProvider({}, settings, deps, never())).id, 'openai-compatible');
    const ollama = await resolveProvider({ provider: 'ollama' }, { ...settings, baseUrl: `${server.origin}/v1` }, deps, never());
    assert.equal(ollama.id === 'ollama' && ollama.baseUrl, server.origin);
    assert.equal((await rejectsWith(resolveProvider({ provider: 'openai-compatible' }, { ...settings, baseUrl: '' }, deps, never()), 'noProvider')).details.reason, 'noBaseUrl');
    await rejectsWith(resolveProvider({ provider: 'vscode-lm' }, settings, deps, never()), 'noProvider');
    await rejectsWith(resolveProvider({ provider: 'builtin' }, settings, deps, never()), 'invalidInput');
    await rejectsWith(resolveProvider({ baseUrl: 'ftp://example.com' }, settings, deps, never()), 'invalidInput');
    const editor = { id: 'vscode-lm', label: 'Editor', listModels: async () => ['gpt-x'], chat: async function* () {} } as unknown as ChatProvider;
    assert.equal(await resolveProvider({ provider: 'vscode-lm' }, settings, { ...deps, editorProvider: async () => editor }, never()), editor);
  });

  it('test connection: ok with the models; a configured model the server lacks → notFound listing what it has', async () => {
    const detector = new AutoDetector({ http: client(), probes: () => [] });
    const provider = await resolveProvider({ provider: 'openai-compatible' }, { provider: 'auto', baseUrl: server.baseUrl, model: '' }, { http: client(), detector }, never());
    const ok = await testProvider(provider, '', never());
    assert.deepEqual(ok.result, { ok: true, provider: 'openai-compatible', baseUrl: server.baseUrl, models: ['llm-lab-test', 'llm-lab-test-large'], model: 'llm-lab-test' });
    const missing = await testProvider(provider, 'gpt-9', never());
    assert.equal(missing.result.ok, false);
    assert.equal(missing.result.error?.kind, 'notFound');
    assert.match(missing.result.error.message, /“gpt-9” is not available .*llm-lab-test, llm-lab-test-large/);
  });

  it('test connection: a closed port → ok:false, unreachable; a 401 → auth', async () => {
    const detector = new AutoDetector({ http: client(), probes: () => [] });
    const deps = { http: client(), detector };
    const closed = await resolveProvider({ provider: 'openai-compatible' }, { provider: 'auto', baseUrl: `http://127.0.0.1:${deadPort}/v1`, model: '' }, deps, never());
    const a = await testProvider(closed, '', never());
    assert.equal(a.result.ok, false);
    assert.equal(a.result.error?.kind, 'unreachable');
    const locked = await resolveProvider({ provider: 'openai-compatible' }, { provider: 'auto', baseUrl: server.scenarioUrl('http-401'), model: '' }, deps, never());
    assert.equal((await testProvider(locked, '', never())).result.error?.kind, 'auth');
  });
});
