import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { DemoResult } from '../../src/demos/demoTypes';
import type { DownloadCommandResult } from '../../src/local/registerLocal';
import { makeTinyGguf } from '../../scripts/makeTinyGguf';
import { GgufServer } from '../server/ggufServer';
import { activateExtension, closeAllEditors, waitFor, waitForWebviewsSettled, webviewFrame } from './support/host';

// LLM Lab runs a GGUF model itself (llama.cpp in its engine process). The model is synthetic (random
// weights): these tests check the pipeline — download, verify, load, stream, cancel, remove — never words.
const KEYS = ['provider', 'baseUrl', 'model', 'language', 'local.model', 'local.threads'] as const;

async function runDemo(arg: Record<string, unknown>): Promise<DemoResult> {
  const result = await vscode.commands.executeCommand<DemoResult>('llmLab.runDemo', arg);
  assert.ok(result, 'runDemo returned nothing');
  return result;
}

async function download(arg: unknown): Promise<DownloadCommandResult> {
  const result = await vscode.commands.executeCommand<DownloadCommandResult>('llmLab.downloadLocalModel', arg);
  assert.ok(result, 'downloadLocalModel returned nothing');
  return result;
}

describe('local models: download, run with llama.cpp, cancel, resume, verify, remove', function () {
  this.timeout(180_000);
  let server: GgufServer;
  let modelsDir = '';
  let modelPath = '';
  const saved: Record<string, unknown> = {};
  const settings = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('llmLab');
  // Big enough that a run takes a moment (d = 256, 4 blocks, ≈11 MB), small enough to download at once.
  const model = makeTinyGguf({ dim: 256, layers: 4, heads: 4, seed: 21 });
  const small = makeTinyGguf({ seed: 22 });
  let sha256 = '';

  before(async () => {
    server = await new GgufServer().listen();
    sha256 = server.addFile('synthetic.gguf', model).sha256;
    server.addFile('second.gguf', small);
    server.addFile('broken.gguf', small);
    await activateExtension();
    for (const key of KEYS) saved[key] = settings().inspect(key)?.globalValue;
    // No other model anywhere: a base URL on a closed port, so `auto` finds nothing before the local model.
    await settings().update('provider', 'local', vscode.ConfigurationTarget.Global);
    await settings().update('local.model', undefined, vscode.ConfigurationTarget.Global);
    await settings().update('local.threads', 1, vscode.ConfigurationTarget.Global);
    await settings().update('language', 'en', vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    for (const key of KEYS) await settings().update(key, saved[key], vscode.ConfigurationTarget.Global);
    await closeAllEditors();
    await server.close();
  });

  it('with no model, a demo on `local` fails once with noProvider and the playground says so once, offering the download', async () => {
    await waitForWebviewsSettled();
    const result = await runDemo({ id: 'cot-vs-standard', provider: 'local' });
    assert.equal(result.ok, false);
    assert.equal(result.error?.kind, 'noProvider');
    assert.match(result.error?.message ?? '', /Download a Small Model/);
    const frame = await webviewFrame('[data-testid="session"]');
    await waitFor(async () => (await frame.locator('.session-error:not([hidden])').count()) === 1, 'the session header shows the error');
    assert.match((await frame.textContent('.session-error')) ?? '', /No local model/);
    assert.equal(await frame.locator('.run-error:not([hidden])').count(), 0, 'no column repeats the error');
    assert.equal(await frame.locator('[data-shared-error="true"]').count(), result.runs.length);
    await waitFor(async () => (await frame.locator('[data-testid="download-model"]').count()) === 1, 'the no-model panel offers the download');
  });

  it('downloads a model with progress (Hugging Face redirect, X-Linked-Etag checked) and makes it the local model', async () => {
    const result = await download({ url: server.url('synthetic.gguf', 'hf'), name: 'synthetic.gguf' });
    assert.equal(result.ok, true, result.error?.message);
    assert.equal(result.sha256, sha256);
    assert.equal(result.bytes, model.length);
    modelPath = result.path!;
    modelsDir = dirname(modelPath);
    assert.ok(existsSync(modelPath));
    assert.deepEqual(readdirSync(modelsDir).filter((f) => f.includes('.part')), []);
    assert.equal(settings().get('local.model'), modelPath);
    assert.deepEqual(server.requests.slice(0, 2).map((r) => r.status), [302, 200]);
  });

  it('runDemo { provider: local } streams runs from the engine process with usage and timing', async () => {
    const result = await runDemo({ id: 'zero-shot', provider: 'local', showUi: false });
    assert.equal(result.ok, true, result.error?.message);
    assert.equal(result.provider, 'local');
    assert.ok(result.runs.length >= 1);
    for (const run of result.runs) {
      assert.equal(run.error, undefined);
      assert.ok((run.usage?.completionTokens ?? 0) > 0, 'tokens were generated');
      assert.ok((run.usage?.promptTokens ?? 0) > 0);
      assert.ok(run.totalMs !== undefined && run.totalMs > 0);
    }
    const cot = await runDemo({ id: 'cot-vs-standard', provider: 'local', showUi: false });
    assert.equal(cot.ok, true, cot.error?.message);
    assert.ok(cot.runs.every((r) => !r.error && (r.usage?.completionTokens ?? 0) > 0));
  });

  it('llmLab.cancel stops a local run mid-stream; the next run works', async () => {
    await waitForWebviewsSettled();
    const pending = runDemo({ id: 'commonsense-probes', provider: 'local' });
    const playground = await webviewFrame('[data-testid="output-0"]');
    await waitFor(async () => ((await playground.textContent('[data-testid="output-0"]')) ?? '').trim().length > 0, 'the first run streaming text', 60_000);
    const cancelled = await vscode.commands.executeCommand<number>('llmLab.cancel');
    assert.ok(cancelled >= 1);
    const result = await pending;
    assert.equal(result.ok, false);
    assert.equal(result.error?.kind, 'cancelled');
    assert.ok(result.runs.some((r) => r.error?.kind === 'cancelled'));
    const after = await runDemo({ id: 'zero-shot', provider: 'local', showUi: false });
    assert.equal(after.ok, true, after.error?.message);
  });

  it('a dropped connection is resumed with Range; llmLab.cancel stops a download and keeps only a .part', async () => {
    const resumed = await download({ url: server.url('second.gguf', 'drop-once'), name: 'second.gguf' });
    assert.equal(resumed.ok, true, resumed.error?.message);
    assert.ok((resumed.resumes ?? 0) >= 1);
    assert.ok(server.requests.some((r) => r.path === '/second.gguf' && r.status === 206 && /^bytes=\d+-$/.test(r.range ?? '')));

    const slow = download({ url: server.url('synthetic.gguf', 'slow'), name: 'slow.gguf' });
    await waitFor(() => existsSync(join(modelsDir, 'slow.gguf.part')), 'the download started writing its .part');
    assert.ok((await vscode.commands.executeCommand<number>('llmLab.cancel')) >= 1);
    const stopped = await slow;
    assert.equal(stopped.ok, false);
    assert.equal(stopped.error?.code, 'cancelled');
    assert.equal(existsSync(join(modelsDir, 'slow.gguf')), false, 'no partial file under a model name');
  });

  it('a truncated file, a web page and a wrong hash are refused and deleted; the extension keeps working', async () => {
    for (const [scenario, code] of [['truncated', 'truncated'], ['html', 'notGguf'], ['wrong-hash', 'hashMismatch'], ['http-404', 'notFound']] as const) {
      const result = await download({ url: server.url('broken.gguf', scenario), name: 'broken.gguf' });
      assert.equal(result.ok, false, scenario);
      assert.equal(result.error?.code, code, scenario);
      assert.deepEqual(readdirSync(modelsDir).filter((f) => f.startsWith('broken.gguf')), [], `${scenario}: nothing left behind`);
    }
    const still = await runDemo({ id: 'zero-shot', provider: 'local', showUi: false });
    assert.equal(still.ok, true, still.error?.message);
  });

  it('removeLocalModel deletes the model; `local` then says there is none', async () => {
    for (const name of ['synthetic.gguf', 'second.gguf']) {
      const removed = await vscode.commands.executeCommand<{ ok: boolean }>('llmLab.removeLocalModel', { path: join(modelsDir, name), confirm: false });
      assert.equal(removed.ok, true, name);
      assert.equal(existsSync(join(modelsDir, name)), false);
    }
    assert.equal(settings().get('local.model'), '');
    const none = await runDemo({ id: 'zero-shot', provider: 'local', showUi: false });
    assert.equal(none.error?.kind, 'noProvider');
  });
});
