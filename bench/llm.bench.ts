// LLM client timings that used to be wall-clock thresholds in test/unit/llm (autoDetect, httpFailures), each
// as a ratio against a baseline measured in the same run against the same local test server:
// - auto-detection with three hanging servers, a dead one and a live one vs probing one hanging server alone
//   (parallel probes ≈ 1, one after the other ≈ 3);
// - a 429 with Retry-After: 1 then success vs (the 1 s it was told to wait + a plain successful request);
// - a stream that goes silent after 3 tokens, 300 ms idle limit vs (300 ms + a plain successful request).
import { probeServers, type Probe } from '../src/llm/autoDetect';
import { HttpClient } from '../src/llm/http';
import { OpenAiCompatibleProvider } from '../src/llm/openaiCompatible/openAiCompatibleProvider';
import type { StreamEvent } from '../src/llm/types';
import { ModelServer } from '../test/server/modelServer';
import type { BenchResult } from './run';
import { median } from './timing';

const never = (): AbortSignal => new AbortController().signal;
const client = (timeoutMs = 3000): HttpClient => new HttpClient({ timeoutMs: () => timeoutMs });

async function drain(events: AsyncIterable<StreamEvent>): Promise<void> {
  for await (const _event of events);
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn().catch(() => undefined);
  return performance.now() - started;
}

export async function run(): Promise<BenchResult[]> {
  const server = await ModelServer.start();
  try {
    const hanging: Probe = { name: 'hang', provider: 'openai-compatible', baseUrl: server.scenarioUrl('hang-before-headers') };
    const live: Probe = { name: 'live', provider: 'openai-compatible', baseUrl: server.baseUrl };
    const dead: Probe = { name: 'dead', provider: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1' };
    const probes = { all: [] as number[], one: [] as number[] };
    for (let round = 0; round < 3; round++) {
      probes.all.push(await timed(() => probeServers(client(), [hanging, { ...hanging, name: 'hang2' }, { ...hanging, name: 'hang3' }, dead, live], never())));
      probes.one.push(await timed(() => probeServers(client(), [hanging], never())));
      server.reset();
    }

    const provider = new OpenAiCompatibleProvider(server.baseUrl, client());
    const chat = (model: string, p = provider) => drain(p.chat({ model, messages: [{ role: 'user', content: 'x' }] }, never()));
    const plain: number[] = [];
    const retry: number[] = [];
    const idle: number[] = [];
    const quick = new OpenAiCompatibleProvider(server.baseUrl, client(300));
    for (let round = 0; round < 3; round++) {
      plain.push(await timed(() => chat('llm-lab-test')));
      retry.push(await timed(() => chat('http-429-retry-after-1-once')));
      idle.push(await timed(() => chat('hang-after-3', quick)));
      server.reset();
    }
    const base = median(plain);
    return [
      {
        name: 'auto-detect: 3 hanging + dead + live servers / 1 hanging server (parallel probes)',
        ratio: median(probes.all) / median(probes.one),
        max: 1.5,
        detail: `${median(probes.all).toFixed(0)} ms vs ${median(probes.one).toFixed(0)} ms (median of 3)`,
      },
      {
        name: 'retry: 429 with Retry-After: 1, then success / (1000 ms + one plain request)',
        ratio: median(retry) / (1000 + base),
        max: 1.3,
        detail: `${median(retry).toFixed(0)} ms vs 1000 + ${base.toFixed(0)} ms (median of 3)`,
      },
      {
        name: 'idle timeout: silent after 3 tokens, 300 ms limit / (300 ms + one plain request)',
        ratio: median(idle) / (300 + base),
        max: 1.5,
        detail: `${median(idle).toFixed(0)} ms vs 300 + ${base.toFixed(0)} ms (median of 3)`,
      },
    ];
  } finally {
    await server.close();
  }
}
