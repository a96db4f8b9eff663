import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTinyGguf } from '../../../scripts/makeTinyGguf';
import { AutoDetector } from '../../../src/llm/autoDetect';
import { collectChat } from '../../../src/llm/collect';
import { describeError } from '../../../src/llm/errorMessages';
import { HttpClient } from '../../../src/llm/http';
import { resolveProvider } from '../../../src/llm/providerResolver';
import { ChatProvider, LlmError, StreamEvent } from '../../../src/llm/types';
import { EngineClient } from '../../../src/local/engineClient';
import { LocalProvider } from '../../../src/local/localProvider';

const ENTRY = join(__dirname, '../../../src/local/engineMain.ts');

describe('local: provider', function () {
  this.timeout(90_000);
  let dir: string;
  let engine: EngineClient;
  let provider: LocalProvider;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'llmlab-provider-'));
    const path = join(dir, 'tiny.gguf');
    writeFileSync(path, makeTinyGguf());
    engine = new EngineClient({ entry: ENTRY, execArgv: ['--import', 'tsx'], idleUnloadMs: () => 0 });
    provider = new LocalProvider(engine, { path, name: 'tiny' }, () => ({ threads: 1, contextSize: 512 }));
  });
  after(() => {
    engine.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const noServers = (): AutoDetector => new AutoDetector({ http: new HttpClient({ timeoutMs: () => 500, maxResponseBytes: () => 1e6 }), probes: () => [] });
  const never = new AbortController().signal;

  it('resolution: `local` uses the downloaded model, or says none is downloaded', async () => {
    const chosen = await resolveProvider({ provider: 'local' }, { provider: 'auto', baseUrl: '', model: '' }, { http: {} as HttpClient, detector: noServers(), localProvider: async () => provider }, never);
    assert.equal(chosen, provider);
    await assert.rejects(
      resolveProvider({ provider: 'local' }, { provider: 'auto', baseUrl: '', model: '' }, { http: {} as HttpClient, detector: noServers(), localProvider: async () => undefined }, never),
      (e: LlmError) => e.kind === 'noProvider' && e.details.reason === 'noLocalModel' && /Download a Small Model/.test(e.message),
    );
  });

  it('auto: editor models and servers come first; with none, the downloaded model; with nothing, the download is the first action', async () => {
    const editor = { id: 'vscode-lm' } as ChatProvider;
    const first = await resolveProvider({}, { provider: 'auto', baseUrl: '', model: '' }, { http: {} as HttpClient, detector: new AutoDetector({ http: {} as HttpClient, hasEditorModels: async () => true }), editorProvider: async () => editor, localProvider: async () => provider }, never);
    assert.equal(first, editor);
    const local = await resolveProvider({}, { provider: 'auto', baseUrl: '', model: '' }, { http: {} as HttpClient, detector: noServers(), localProvider: async () => provider }, never);
    assert.equal(local, provider);
    const error = await resolveProvider({}, { provider: 'auto', baseUrl: '', model: '' }, { http: {} as HttpClient, detector: noServers(), localProvider: async () => undefined }, never).catch((e: unknown) => e);
    const described = describeError(error);
    assert.equal(described.kind, 'noProvider');
    assert.deepEqual(described.actions[0], { id: 'downloadModel', label: 'Download a small model (≈400 MB)', value: 'default' });
    assert.match(described.message, /≈400 MB/);
  });

  it('streams text, logprobs, usage and timing like the other providers', async () => {
    const events: StreamEvent[] = [];
    const result = await collectChat(provider, provider.chat({ messages: [{ role: 'user', content: 'hi' }], maxTokens: 12, temperature: 0.5, seed: 1, logprobs: true, topLogprobs: 3 }, never), (e) => events.push(e));
    assert.equal(result.provider, 'local');
    assert.equal(result.model, 'tiny');
    assert.equal(result.finishReason, 'length');
    assert.equal(result.usage?.completionTokens, 12);
    assert.ok((result.usage?.promptTokens ?? 0) > 3);
    assert.equal(result.logprobs.length, 12);
    assert.ok(result.logprobs.every((l) => l.top.length === 3));
    assert.ok(result.totalMs > 0);
    assert.ok(events.filter((e) => e.type === 'text').length >= 1);
    assert.equal(events.at(-1)?.type, 'done');
  });

  it('a prompt longer than the context is an invalidInput error that says what to do', async () => {
    const error = await collectChat(provider, provider.chat({ messages: [{ role: 'user', content: 'word '.repeat(2000) }] }, never)).catch((e: unknown) => e);
    assert.ok(error instanceof LlmError);
    assert.equal(error.kind, 'invalidInput');
    assert.match(error.message, /context holds 512/);
    assert.match(error.message, /llmLab\.local\.contextSize/);
  });

  it('an aborted run ends with a cancelled error', async () => {
    const abort = new AbortController();
    const events: StreamEvent[] = [];
    const run = collectChat(provider, provider.chat({ messages: [{ role: 'user', content: 'hi' }], maxTokens: 400 }, abort.signal), (e) => {
      events.push(e);
      if (events.length === 2) abort.abort();
    });
    await assert.rejects(run, (e: LlmError) => e.kind === 'cancelled');
  });
});
