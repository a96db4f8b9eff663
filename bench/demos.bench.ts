// Demo runner parallelism (moved here from a wall-clock threshold in test/unit/demos/demoRunner.test.ts): the
// six runs of cot-vs-standard against a scripted provider that waits 20 ms per chunk, vs one of those runs
// alone. Parallel runs cost about one run (ratio ≈ 1); one after the other they would cost six.
import { join } from 'node:path';
import { getDemo, loadDemos } from '../src/demos/demoLoader';
import { runDemo } from '../src/demos/demoRunner';
import type { ChatProvider, StreamEvent } from '../src/llm/types';
import type { BenchResult } from './run';
import { median } from './timing';

const CHUNK_DELAY_MS = 20;

const provider: ChatProvider = {
  id: 'openai-compatible',
  label: 'Scripted',
  defaultModel: 'scripted',
  async listModels() {
    return ['scripted'];
  },
  async *chat(): AsyncIterable<StreamEvent> {
    for (const text of ['The ', 'answer ', 'is ', '4.']) {
      await new Promise((resolve) => setTimeout(resolve, CHUNK_DELAY_MS));
      yield { type: 'text', text };
    }
    yield { type: 'usage', promptTokens: 10, completionTokens: 4, totalTokens: 14 };
    yield { type: 'done', model: 'scripted', totalMs: 1 };
  },
};

export async function run(): Promise<BenchResult[]> {
  const def = getDemo(loadDemos(join(__dirname, '..', 'media')), 'cot-vs-standard', 'en')!;
  const deps = { resolveProvider: () => provider };
  const time = async (runIds?: string[]): Promise<number> => {
    const started = performance.now();
    const result = await runDemo(def, runIds ? { runIds } : {}, deps);
    if (result.runs.length !== (runIds?.length ?? 6)) throw new Error(`expected ${runIds?.length ?? 6} runs, got ${result.runs.length}`);
    return performance.now() - started;
  };
  const one = [def.runs[0].id];
  await time();
  await time(one);
  const all: number[] = [];
  const single: number[] = [];
  for (let round = 0; round < 7; round++) {
    all.push(await time());
    single.push(await time(one));
  }
  return [
    {
      name: 'demo runner: 6 compare-mode runs / 1 run (parallel ≈ 1, sequential ≈ 6)',
      ratio: median(all) / median(single),
      max: 2,
      detail: `${median(all).toFixed(0)} ms vs ${median(single).toFixed(0)} ms (median of 7, ${CHUNK_DELAY_MS} ms per chunk)`,
    },
  ];
}
