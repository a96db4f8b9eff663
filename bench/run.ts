// npm run bench — every bench/*.bench.ts, one line per benchmark: a ratio against a baseline measured in the
// same run (these machines are noisy: ratios, not absolute times). Exits 1 if a benchmark's own budget fails.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface BenchResult {
  name: string;
  ratio: number;
  detail: string;
  /** Optional budget: the run fails when ratio > max. */
  max?: number;
}

async function main(): Promise<void> {
  const only = process.argv[2];
  const files = readdirSync(__dirname).filter((f) => f.endsWith('.bench.ts') && (!only || f.includes(only))).sort();
  let failed = 0;
  for (const file of files) {
    const mod = (await import(join(__dirname, file))) as { run: () => Promise<BenchResult[]> };
    let results: BenchResult[];
    try {
      results = await mod.run();
    } catch (error) {
      console.log(`${file}: ERROR ${(error as Error).message}`);
      failed++;
      continue;
    }
    for (const r of results) {
      const over = r.max !== undefined && r.ratio > r.max;
      if (over) failed++;
      const budget = r.max !== undefined ? ` (budget ≤ ${r.max}${over ? ' EXCEEDED' : ''})` : '';
      console.log(`${r.name}: ratio ${r.ratio.toFixed(2)}${budget} — ${r.detail}`);
    }
  }
  process.exitCode = failed ? 1 : 0;
}

void main();
