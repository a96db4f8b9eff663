import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Records a figure measured in the real host (read by `npm run bench` and the closing notes). With `keep`, a figure
 * already recorded in this run (by a suite that runs in more than one window) stays if it is smaller ('min': the
 * best of the windows) or larger ('max': a flag any window raised).
 */
export function recordFigure(name: string, value: number, unit: string, keep?: 'min' | 'max'): void {
  recordFigures([{ name, value, unit }], keep);
}

/**
 * Records figures measured together (in one window) as a group: with `keep`, the group already recorded stays, every
 * figure of it, if its first figure is smaller ('min') or larger ('max'). So a ratio and the times it was computed
 * from always come from the same window, instead of each being the best of a different one.
 */
export function recordFigures(group: { name: string; value: number; unit: string }[], keep?: 'min' | 'max'): void {
  const root = process.env.LLMLAB_REPO_ROOT;
  if (!root || !group.length) return;
  const dir = join(root, 'test-results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'host-figures.json');
  let figures: Record<string, { value: number; unit: string; at: string }> = {};
  try {
    figures = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    figures = {};
  }
  const rounded = (value: number): number => Math.round(value * 100) / 100;
  const key = rounded(group[0].value);
  const recorded = figures[group[0].name]?.value;
  if (recorded !== undefined && ((keep === 'min' && recorded <= key) || (keep === 'max' && recorded >= key))) return;
  const at = new Date().toISOString();
  for (const { name, value, unit } of group) figures[name] = { value: rounded(value), unit, at };
  writeFileSync(file, JSON.stringify(figures, null, 2));
}
