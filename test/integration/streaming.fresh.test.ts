import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { DemoResult } from '../../src/demos/demoTypes';
import { startModelServerProcess } from '../server/modelServerProcess';
import { activateExtension, disconnectWorkbench, EXTENSION_ID, setSetting } from './support/host';
import { recordFigures } from './support/perf';

const TOKENS = 20_000;
const MODEL = `tokens-${TOKENS}`;

/** The least any client can do: fetch the stream and read every byte of it (ms, bytes). */
async function rawRead(baseUrl: string): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const res = await fetch(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'go' }], stream: true, stream_options: { include_usage: true } }),
  });
  const reader = res.body!.getReader();
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
  }
  return { ms: performance.now() - started, bytes };
}

/** One 20,000-token stream through the command a person runs (self-consistency with one sample = one request). */
async function throughRunDemo(): Promise<number> {
  const started = performance.now();
  const result = await vscode.commands.executeCommand<DemoResult>('llmLab.runDemo', { id: 'self-consistency', model: MODEL, samples: 1, showUi: false });
  const ms = performance.now() - started;
  assert.ok(result?.ok, JSON.stringify(result?.error));
  assert.equal(result.runs.length, 1);
  assert.equal(result.runs[0].usage?.completionTokens, TOKENS, 'every token of the stream arrived');
  assert.match(result.runs[0].output, / w999 w0 w1 /);
  return ms;
}

/**
 * Diagnosis only: with LLMLAB_STREAM_PROFILE=<dir>, a CPU profile of the extension host during `fn` is written
 * to <dir>/<name>.cpuprofile (open it in Chrome DevTools or VS Code). Profiling slows the run: figures
 * measured with it on are not the ones recorded (they are recorded, but the env var is never set in CI).
 */
async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const dir = process.env.LLMLAB_STREAM_PROFILE;
  if (!dir) return fn();
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object): Promise<unknown> =>
    new Promise((resolve, reject) => session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

// In the fresh-window suite, after activation.fresh.test.ts: LLM Lab is not active yet, so the first run here
// is the first after activation (cold); the server is warmed up first so that its own warm-up is not counted.
describe('streaming overhead: llmLab.runDemo vs a raw fetch of the same stream', function () {
  this.timeout(180000);
  let server: { child: ChildProcess; baseUrl: string };

  before(async () => {
    // The fresh-window test before this one watched the page over CDP: that traffic would be measured too.
    await disconnectWorkbench();
    // The test model server in a process of its own, as a real server is.
    const started = await startModelServerProcess(process.env.LLMLAB_REPO_ROOT!, { ...process.env, ELECTRON_RUN_AS_NODE: '1' });
    server = { child: started.child, baseUrl: `${started.origin}/v1` };
    for (let i = 0; i < 3; i++) await rawRead(server.baseUrl);
    await setSetting('llmLab.provider', 'openai-compatible');
    await setSetting('llmLab.baseUrl', server.baseUrl);
    await setSetting('llmLab.language', 'en');
  });

  after(async () => {
    for (const key of ['llmLab.provider', 'llmLab.baseUrl', 'llmLab.language']) await setSetting(key, undefined);
    server?.child.kill();
  });

  it(`one ${TOKENS.toLocaleString('en')}-token stream, cold (first run after activation) and warm (best of 5)`, async () => {
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, false, 'LLM Lab was already active: the cold run would not be cold');
    const coldRaw = await rawRead(server.baseUrl);
    await activateExtension();
    const cold = await profiled('cold', throughRunDemo);
    const raws: number[] = [coldRaw.ms];
    const runs: number[] = [];
    // Five rounds: with the server's frames built once, a raw read is ≈ 45 ms, so one slow round weighs more.
    for (let round = 0; round < 5; round++) {
      // Alternate the order so neither side always runs right after the other.
      if (round % 2) runs.push(await throughRunDemo());
      raws.push((await rawRead(server.baseUrl)).ms);
      if (round % 2 === 0) runs.push(await profiled(`warm${round}`, throughRunDemo));
    }
    // The fastest of several rounds: other load on the machine only ever adds time. The suite runs in two fresh
    // windows (test/host/runIntegration.mjs) and each of cold and warm keeps the window with the smaller ratio, its
    // times with it: a cold run happens once per window, and one sample on this host ranged 112-303 ms.
    const raw = Math.min(...raws);
    const warm = Math.min(...runs);
    const tokens = TOKENS.toLocaleString('en');
    for (const [kind, ms, runName] of [['cold', cold, 'cold'], ['warm', warm, 'warm, best of 5']] as const) {
      recordFigures(
        [
          { name: `streaming: runDemo / raw fetch, ${tokens} tokens (${kind})`, value: ms / raw, unit: '×' },
          { name: `streaming: runDemo, ${tokens} tokens (${runName})`, value: ms, unit: 'ms' },
          { name: `streaming: raw fetch read, ${tokens} tokens (best, in the ${kind} figure's window)`, value: raw, unit: 'ms' },
        ],
        'min',
      );
    }
    console.log(`      ${TOKENS} tokens (${coldRaw.bytes} bytes): raw ${raw.toFixed(0)} ms, runDemo cold ${cold.toFixed(0)} ms (${(cold / raw).toFixed(2)}×), warm ${warm.toFixed(0)} ms (${(warm / raw).toFixed(2)}×); budgets in scripts/budgets.mjs`);
  });
});
