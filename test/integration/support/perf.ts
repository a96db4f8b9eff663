import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Records a figure measured in the real host (read by `npm run bench` and the closing notes). */
export function recordFigure(name: string, value: number, unit: string): void {
  const root = process.env.LLMLAB_REPO_ROOT;
  if (!root) return;
  const dir = join(root, 'test-results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'host-figures.json');
  let figures: Record<string, { value: number; unit: string; at: string }> = {};
  try {
    figures = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    figures = {};
  }
  figures[name] = { value: Math.round(value * 100) / 100, unit, at: new Date().toISOString() };
  writeFileSync(file, JSON.stringify(figures, null, 2));
}
