// Local models (llama.cpp in LLM Lab's engine process), each figure a ratio against a baseline in this run:
// - tokens/s: node-llama-cpp called directly in this process vs the `local` provider (engine process + IPC),
//   same GGUF, prompt, seed and token count (budget: the provider is at most 1.1× slower);
// - cancel → engine idle, against the 200 ms the issue allows (budget ≤ 1);
// - memory: the extension-side heap growth while a model is loaded vs the engine process's RSS (weights
//   live in the engine; reported, budget ≤ 0.25);
// - download: ModelDownloader (hash + GGUF check + .part rename) vs a raw fetch to disk of the same file
//   from the same local server (budget ≤ 1.2).
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { makeTinyGguf } from '../scripts/makeTinyGguf';
import { collectChat } from '../src/llm/collect';
import type { ChatRequest } from '../src/llm/types';
import { EngineClient } from '../src/local/engineClient';
import { LocalProvider } from '../src/local/localProvider';
import { ModelDownloader } from '../src/local/modelDownloader';
import { GgufServer } from '../test/server/ggufServer';
import type { BenchResult } from './run';

const TOKENS = 96;
const PROMPT = 'Explain why the sky is blue.';

async function directTokensPerSecond(modelPath: string): Promise<number> {
  const lib = await import('node-llama-cpp');
  const llama = await lib.getLlama({ gpu: false, build: 'never', logLevel: lib.LlamaLogLevel.error, progressLogs: false });
  const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
  const context = await model.createContext({ contextSize: 2048, threads: 1, batchSize: 512 });
  const sequence = context.getSequence();
  const wrapper = lib.resolveChatWrapper(model) ?? new lib.GeneralChatWrapper();
  const best: number[] = [];
  for (let round = 0; round < 3; round++) {
    const { contextText } = wrapper.generateContextState({ chatHistory: [{ type: 'user', text: PROMPT }, { type: 'model', response: [] }] });
    const tokens = contextText.tokenize(model.tokenizer);
    await sequence.clearHistory();
    let first = 0;
    let n = 0;
    const generated: number[] = [];
    for await (const out of sequence.evaluateWithMetadata(tokens, { confidence: true }, { temperature: 0.7, seed: 5 })) {
      generated.push(out.token);
      model.detokenize([out.token], false);
      if (++n === 1) first = performance.now();
      if (n >= TOKENS) break;
    }
    best.push(((n - 1) / (performance.now() - first)) * 1000);
  }
  await context.dispose();
  await model.dispose();
  return Math.max(...best);
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'llmlab-bench-local-'));
  const results: BenchResult[] = [];
  const engine = new EngineClient({ entry: join(__dirname, '..', 'src', 'local', 'engineMain.ts'), execArgv: ['--import', 'tsx'], idleUnloadMs: () => 0 });
  try {
    // A model big enough that a token costs real compute (≈14 MB, d = 256, 4 blocks).
    const modelPath = join(dir, 'bench.gguf');
    writeFileSync(modelPath, makeTinyGguf({ dim: 256, layers: 4, heads: 4, seed: 11 }));

    const direct = await directTokensPerSecond(modelPath);
    const provider = new LocalProvider(engine, { path: modelPath, name: 'bench' }, () => ({ threads: 1, contextSize: 2048 }));
    const request: ChatRequest = { messages: [{ role: 'user', content: PROMPT }], maxTokens: TOKENS, temperature: 0.7, seed: 5 };
    const heapBefore = process.memoryUsage().heapUsed;
    await collectChat(provider, provider.chat(request, new AbortController().signal)); // loads the model
    const viaProvider: number[] = [];
    for (let round = 0; round < 3; round++) {
      let first = 0;
      let tokens = 0;
      const result = await collectChat(provider, provider.chat(request, new AbortController().signal), (e) => {
        if (e.type === 'text' && !first) first = performance.now();
      });
      tokens = result.usage?.completionTokens ?? 0;
      viaProvider.push(((tokens - 1) / (performance.now() - first)) * 1000);
    }
    const providerRate = Math.max(...viaProvider);
    results.push({ name: 'local: tokens/s, node-llama-cpp direct ÷ local provider', ratio: direct / providerRate, max: 1.1, detail: `${direct.toFixed(0)} vs ${providerRate.toFixed(0)} tokens/s, ${TOKENS} tokens, 1 thread` });

    // Cancel → idle: the chat promise settles once the engine has stopped (or been killed).
    const cancels: number[] = [];
    for (let round = 0; round < 3; round++) {
      const abort = new AbortController();
      let texts = 0;
      let abortedAt = 0;
      const pending = collectChat(provider, provider.chat({ ...request, maxTokens: 1500 }, abort.signal), (e) => {
        if (e.type === 'text' && ++texts === 10) {
          abortedAt = performance.now();
          abort.abort();
        }
      }).catch(() => undefined);
      await pending;
      cancels.push(performance.now() - abortedAt);
    }
    const cancelMs = Math.max(...cancels);
    results.push({ name: 'local: cancel → engine idle, ÷ 200 ms', ratio: cancelMs / 200, max: 1, detail: `worst of 3: ${cancelMs.toFixed(0)} ms (${cancels.map((c) => c.toFixed(0)).join(', ')})` });

    const stats = await engine.stats();
    const heapDelta = Math.max(0, process.memoryUsage().heapUsed - heapBefore);
    results.push({
      name: 'local: host heap growth ÷ engine RSS with the model loaded',
      ratio: heapDelta / (stats?.rss ?? 1),
      max: 0.25,
      detail: `host heap +${(heapDelta / 1e6).toFixed(1)} MB (total ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB), engine RSS ${((stats?.rss ?? 0) / 1e6).toFixed(0)} MB, model file ${(makeTinyGguf({ dim: 256, layers: 4, heads: 4, seed: 11 }).length / 1e6).toFixed(1)} MB`,
    });
  } finally {
    engine.dispose();
  }

  // Download throughput: a ≈40 MB GGUF from the local server.
  const server = await new GgufServer().listen();
  try {
    const big = makeTinyGguf({ dim: 512, layers: 8, heads: 8, seed: 3 });
    const { url } = server.addFile('big.gguf', big);
    const raw: number[] = [];
    const managed: number[] = [];
    for (let round = 0; round < 3; round++) {
      const rawPath = join(dir, `raw-${round}.bin`);
      let started = performance.now();
      const response = await fetch(url);
      const out = createWriteStream(rawPath);
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        if (!out.write(chunk)) await once(out, 'drain');
      }
      out.end();
      await once(out, 'finish');
      raw.push(performance.now() - started);
      rmSync(rawPath);

      const target = join(dir, `dl-${round}`);
      started = performance.now();
      await new ModelDownloader({ dir: target }).download({ url, fileName: 'big.gguf' });
      managed.push(performance.now() - started);
      rmSync(target, { recursive: true, force: true });
    }
    const rawBest = Math.min(...raw);
    const managedBest = Math.min(...managed);
    results.push({
      name: 'local: download (SHA-256, GGUF check, .part rename) ÷ raw fetch to disk',
      ratio: managedBest / rawBest,
      max: 1.2,
      detail: `${(big.length / 1e6).toFixed(0)} MB: ${managedBest.toFixed(0)} ms (${(big.length / managedBest / 1e3).toFixed(0)} MB/s) vs ${rawBest.toFixed(0)} ms`,
    });
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
