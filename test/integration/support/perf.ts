import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Records a figure measured in the real host (read by `npm run bench` and the closing notes). With `keep`, a figure
 * already recorded in this run (by a suite that runs in more than one window) stays if it is smaller ('min': the
 * best of the windows) or larger ('max': a flag any window raised).
 */
export function recordFigure(name: string, value: number, unit: string, keep?: 'min' | 'max'): void {
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
  const rounded = Math.round(value * 100) / 100;
  const recorded = figures[name]?.value;
  if (recorded !== undefined && ((keep === 'min' && recorded <= rounded) || (keep === 'max' && recorded >= rounded))) return;
  figures[name] = { value: rounded, unit, at: new Date().toISOString() };
  writeFileSync(file, JSON.stringify(figures, null, 2));
}
