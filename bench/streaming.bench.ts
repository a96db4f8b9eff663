// Streaming overhead in the real host: one 20,000-token stream through llmLab.runDemo vs a raw fetch read of
// the same stream from the local test server, cold (first run after activation, against a warm server) and
// warm (best of 5). Measured by test/integration/streaming.fresh.test.ts (npm run test:integration -- --suite
// fresh), which writes test-results/host-figures.json; this reports those figures against the ≤ 1.2× budget
// (scripts/budgets.mjs holds the same budget). A missing figure is an error, never a pass.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResult } from './run';

type Figures = Record<string, { value: number; unit: string; at: string }>;

export async function run(): Promise<BenchResult[]> {
  const file = join(__dirname, '..', 'test-results', 'host-figures.json');
  const figures: Figures = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Figures) : {};
  const get = (name: string) => {
    const figure = figures[name];
    if (!figure) throw new Error(`no host figure "${name}": run npm run test:integration -- --suite fresh`);
    return figure;
  };
  return (['cold', 'warm'] as const).map((kind) => {
    // The three figures of one kind come from the same window (recordFigures in the test).
    const ratio = get(`streaming: runDemo / raw fetch, 20,000 tokens (${kind})`);
    const through = get(kind === 'cold' ? 'streaming: runDemo, 20,000 tokens (cold)' : 'streaming: runDemo, 20,000 tokens (warm, best of 5)');
    const raw = get(`streaming: raw fetch read, 20,000 tokens (best, in the ${kind} figure's window)`);
    return {
      name: `streaming in the real host (${kind}): llmLab.runDemo / raw fetch, 20,000 tokens`,
      ratio: ratio.value,
      max: 1.2,
      detail: `${through.value} ms vs ${raw.value} ms (measured ${ratio.at})`,
    };
  });
}
