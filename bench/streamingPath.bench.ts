/**
 * The llmLab.runDemo streaming path in plain Node (no VS Code): demoRunner.runDemo → the stream function the
 * DemoController passes (collectChat over OpenAiCompatibleProvider.chat, as LlmService.stream does) → the
 * controller's per-update work (applyUpdate on the session snapshot), against the test model server in its own
 * process; vs a raw fetch read of the same stream in the same run. For profiling:
 *   node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof bench/streamingPath.bench.ts [tokens] [rounds]
 * The real figure is the host's (streaming.bench.ts); this one shows what the path costs without VS Code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runDemo } from '../src/demos/demoRunner';
import type { DemoCatalog, DemoDefinition } from '../src/demos/demoTypes';
import { applyUpdate, newSession } from '../src/demos/playgroundSession';
import { collectChat } from '../src/llm/collect';
import { HttpClient } from '../src/llm/http';
import { OpenAiCompatibleProvider } from '../src/llm/openaiCompatible/openAiCompatibleProvider';
import { startModelServerProcess } from '../test/server/modelServerProcess';
import type { BenchResult } from './run';

const root = join(__dirname, '..');


/** The least any client can do: fetch the stream and read every byte of it. */
export async function rawRead(baseUrl: string, tokens: number): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: `tokens-${tokens}`, messages: [{ role: 'user', content: 'go' }], stream: true, stream_options: { include_usage: true } }),
  });
  const reader = res.body!.getReader();
  for (;;) {
    const { done } = await reader.read();
    if (done) break;
  }
  return performance.now() - started;
}

export function selfConsistency(): DemoDefinition {
  const catalog = JSON.parse(readFileSync(join(root, 'dist', 'content', 'demos.json'), 'utf8')) as DemoCatalog;
  return catalog.demos['self-consistency'].en;
}

/** One run of the demo the way the command runs it (showUi false: no panel). */
export async function throughRunDemo(def: DemoDefinition, provider: OpenAiCompatibleProvider, tokens: number): Promise<number> {
  const started = performance.now();
  const snapshot = newSession('s1', def.id, def.title, Date.now());
  const result = await runDemo(
    def,
    {
      model: `tokens-${tokens}`,
      samples: 1,
      maxTokens: 1024,
      signal: new AbortController().signal,
      runSignal: () => new AbortController().signal,
      onUpdate: (index, update) => applyUpdate(snapshot, index, update),
    },
    {
      resolveProvider: () => provider,
      stream: (p, request, signal, onEvent) => collectChat(p, p.chat(request, signal), onEvent),
    },
  );
  const ms = performance.now() - started;
  if (!result.ok || result.runs[0].usage?.completionTokens !== tokens) throw new Error(`run failed: ${JSON.stringify(result.error ?? result.runs[0].usage)}`);
  return ms;
}

async function measure(tokens: number, rounds: number): Promise<{ raw: number; cold: number; warm: number; raws: number[]; runs: number[] }> {
  const { child, origin } = await startModelServerProcess(root);
  const baseUrl = `${origin}/v1`;
  try {
    const provider = new OpenAiCompatibleProvider(baseUrl, new HttpClient({ timeoutMs: () => 60_000 }));
    const def = selfConsistency();
    for (let i = 0; i < 3; i++) await rawRead(baseUrl, tokens);
    const cold = await throughRunDemo(def, provider, tokens);
    const raws: number[] = [];
    const runs: number[] = [];
    for (let i = 0; i < rounds; i++) {
      if (i % 2) runs.push(await throughRunDemo(def, provider, tokens));
      raws.push(await rawRead(baseUrl, tokens));
      if (i % 2 === 0) runs.push(await throughRunDemo(def, provider, tokens));
    }
    return { raw: Math.min(...raws), cold, warm: Math.min(...runs), raws, runs };
  } finally {
    child.kill();
  }
}

export async function run(): Promise<BenchResult[]> {
  const { raw, cold, warm } = await measure(20000, 5);
  return (['cold', 'warm'] as const).map((kind) => ({
    name: `streaming in plain Node (${kind}): the runDemo path / raw fetch, 20,000 tokens`,
    ratio: Math.round(((kind === 'cold' ? cold : warm) / raw) * 100) / 100,
    detail: `${(kind === 'cold' ? cold : warm).toFixed(0)} ms vs raw ${raw.toFixed(0)} ms (best of 5; cold = first run in the process, against a warm server)`,
  }));
}

async function main(): Promise<void> {
  const tokens = Number(process.argv[2] ?? 20000);
  const rounds = Number(process.argv[3] ?? 5);
  const { raw, cold, warm, raws, runs } = await measure(tokens, rounds);
  console.log(`${tokens} tokens: raw ${raw.toFixed(0)} ms [${raws.map((r) => r.toFixed(0)).join(' ')}], runDemo cold ${cold.toFixed(0)} ms (${(cold / raw).toFixed(2)}×), warm ${warm.toFixed(0)} ms (${(warm / raw).toFixed(2)}×) [${runs.map((r) => r.toFixed(0)).join(' ')}]`);
}

if (require.main === module) void main();
