/**
 * The llmLab.runDemo streaming path in plain Node (no VS Code): demoRunner.runDemo → the stream function the
 * DemoController passes (collectChat over OpenAiCompatibleProvider.chat, as LlmService.stream does) → the
 * controller's per-update work (applyUpdate on the session snapshot), against the test model server in its own
 * process; vs a raw fetch read of the same stream in the same run. For profiling:
 *   node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof bench/streamingPath.bench.ts [tokens] [rounds]
 * Cold is a first run in a fresh process, so it is measured in COLD_PROCESSES of them (one sample each), and
 * compared like with like: with the raw read each process made just before it, best of those as many.
 * The real figure is the host's (streaming.bench.ts); this one shows what the path costs without VS Code.
 */
import { execFile } from 'node:child_process';
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

const COLD_PROCESSES = 5;

/** In a fresh process (this file run with --cold <baseUrl>): three raw reads, a fourth (the pair), the cold run. */
async function oneCold(baseUrl: string, tokens: number): Promise<{ raw: number; cold: number }> {
  for (let i = 0; i < 3; i++) await rawRead(baseUrl, tokens);
  const raw = await rawRead(baseUrl, tokens);
  const provider = new OpenAiCompatibleProvider(baseUrl, new HttpClient({ timeoutMs: () => 60_000 }));
  const cold = await throughRunDemo(selfConsistency(), provider, tokens);
  return { raw, cold };
}

function coldInFreshProcess(baseUrl: string, tokens: number): Promise<{ raw: number; cold: number }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', __filename, '--cold', baseUrl, String(tokens)], { cwd: root }, (error, stdout) => {
      if (error) reject(error);
      else resolve(JSON.parse(stdout.trim().split('\n').pop()!) as { raw: number; cold: number });
    });
  });
}

interface Measured {
  /** Best raw read of this process's rounds (the warm baseline). */
  raw: number;
  warm: number;
  raws: number[];
  runs: number[];
  /** Per fresh process: its cold run and the raw read just before it. */
  colds: { raw: number; cold: number }[];
}

async function measure(tokens: number, rounds: number): Promise<Measured> {
  const { child, origin } = await startModelServerProcess(root);
  const baseUrl = `${origin}/v1`;
  try {
    const colds: { raw: number; cold: number }[] = [];
    for (let i = 0; i < COLD_PROCESSES; i++) colds.push(await coldInFreshProcess(baseUrl, tokens));
    const provider = new OpenAiCompatibleProvider(baseUrl, new HttpClient({ timeoutMs: () => 60_000 }));
    const def = selfConsistency();
    for (let i = 0; i < 3; i++) await rawRead(baseUrl, tokens);
    await throughRunDemo(def, provider, tokens);
    const raws: number[] = [];
    const runs: number[] = [];
    for (let i = 0; i < rounds; i++) {
      if (i % 2) runs.push(await throughRunDemo(def, provider, tokens));
      raws.push(await rawRead(baseUrl, tokens));
      if (i % 2 === 0) runs.push(await throughRunDemo(def, provider, tokens));
    }
    return { raw: Math.min(...raws), warm: Math.min(...runs), raws, runs, colds };
  } finally {
    child.kill();
  }
}

/** Cold, like with like: the best cold run of the fresh processes against the best of their paired raw reads. */
function coldFigures(colds: { raw: number; cold: number }[]): { cold: number; raw: number } {
  return { cold: Math.min(...colds.map((c) => c.cold)), raw: Math.min(...colds.map((c) => c.raw)) };
}

export async function run(): Promise<BenchResult[]> {
  const measured = await measure(20000, 5);
  const cold = coldFigures(measured.colds);
  const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;
  return [
    {
      name: 'streaming in plain Node (cold): the runDemo path / raw fetch, 20,000 tokens',
      ratio: ratio(cold.cold, cold.raw),
      max: 1.2,
      detail: `${cold.cold.toFixed(0)} ms vs raw ${cold.raw.toFixed(0)} ms (each the best of ${COLD_PROCESSES} fresh processes: a first run, and the raw read just before it)`,
    },
    {
      name: 'streaming in plain Node (warm): the runDemo path / raw fetch, 20,000 tokens',
      ratio: ratio(measured.warm, measured.raw),
      max: 1.2,
      detail: `${measured.warm.toFixed(0)} ms vs raw ${measured.raw.toFixed(0)} ms (best of 5 each, after a first run)`,
    },
  ];
}

async function main(): Promise<void> {
  if (process.argv[2] === '--cold') {
    console.log(JSON.stringify(await oneCold(process.argv[3], Number(process.argv[4]))));
    return;
  }
  const tokens = Number(process.argv[2] ?? 20000);
  const rounds = Number(process.argv[3] ?? 5);
  const { raw, warm, raws, runs, colds } = await measure(tokens, rounds);
  const cold = coldFigures(colds);
  const list = (values: number[]): string => values.map((v) => v.toFixed(0)).join(' ');
  console.log(`${tokens} tokens: cold ${cold.cold.toFixed(0)} ms vs raw ${cold.raw.toFixed(0)} ms (${(cold.cold / cold.raw).toFixed(2)}×) [cold ${list(colds.map((c) => c.cold))}; raw ${list(colds.map((c) => c.raw))}], warm ${warm.toFixed(0)} ms vs raw ${raw.toFixed(0)} ms (${(warm / raw).toFixed(2)}×) [${list(runs)}; raw ${list(raws)}]`);
}

if (require.main === module) void main();
