import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordFigure, recordFigures } from '../../integration/support/perf';

describe('host figures (test/integration/support/perf.ts)', () => {
  let root: string;
  let before: string | undefined;
  const read = (): Record<string, { value: number; unit: string }> => JSON.parse(readFileSync(join(root, 'test-results', 'host-figures.json'), 'utf8'));
  const values = (): Record<string, number> => Object.fromEntries(Object.entries(read()).map(([name, f]) => [name, f.value]));
  const window = (ratio: number, ms: number, raw: number) => [
    { name: 'ratio', value: ratio, unit: '×' },
    { name: 'runDemo', value: ms, unit: 'ms' },
    { name: 'raw', value: raw, unit: 'ms' },
  ];

  beforeEach(() => {
    before = process.env.LLMLAB_REPO_ROOT;
    root = mkdtempSync(join(tmpdir(), 'llmlab-figures-'));
    process.env.LLMLAB_REPO_ROOT = root;
  });
  afterEach(() => {
    if (before === undefined) delete process.env.LLMLAB_REPO_ROOT;
    else process.env.LLMLAB_REPO_ROOT = before;
    rmSync(root, { recursive: true, force: true });
  });

  it("keeps a window's figures together: the group with the smaller first figure, every figure of it", () => {
    recordFigures(window(2, 100, 50), 'min');
    assert.deepEqual(values(), { ratio: 2, runDemo: 100, raw: 50 });
    // A faster run and a faster raw read, but a larger ratio: the first window stays whole.
    recordFigures(window(2.5, 90, 36), 'min');
    assert.deepEqual(values(), { ratio: 2, runDemo: 100, raw: 50 });
    // A smaller ratio from slower times: the whole group is replaced, not only the ratio.
    recordFigures(window(1.5, 120, 80), 'min');
    assert.deepEqual(values(), { ratio: 1.5, runDemo: 120, raw: 80 });
    // Figures are rounded to two decimals, and a tie keeps what is there.
    recordFigures(window(1.499, 1, 1), 'min');
    assert.deepEqual(values(), { ratio: 1.5, runDemo: 120, raw: 80 });
  });

  it('one figure: without keep the last one recorded wins; max keeps a flag any window raised', () => {
    recordFigure('activation', 9, 'ms');
    recordFigure('activation', 11, 'ms');
    recordFigure('active', 1, 'flag', 'max');
    recordFigure('active', 0, 'flag', 'max');
    assert.deepEqual(values(), { activation: 11, active: 1 });
  });
});
