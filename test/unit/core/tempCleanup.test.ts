import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanStaleTempDirs } from '../../../src/core/tempCleanup';

describe('temp folder cleanup', () => {
  let root: string;
  let outside: string;
  const HOUR_AGO = (Date.now() - 3_600_000) / 1000;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'cleanup-test-'));
    outside = mkdtempSync(join(tmpdir(), 'cleanup-outside-'));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  function staleDir(name: string, content = true): string {
    const path = join(root, name);
    mkdirSync(path);
    if (content) {
      mkdirSync(join(path, 'sub'));
      writeFileSync(join(path, 'sub', 'program.py'), 'print(1)');
    }
    utimesSync(path, HOUR_AGO, HOUR_AGO);
    return path;
  }

  it('temp cleanup: removes stale llmlab-run-* folders with their contents', async () => {
    staleDir('llmlab-run-abc123');
    staleDir('llmlab-run-def456', false);
    const removed = await cleanStaleTempDirs(root);
    assert.deepEqual(removed.sort(), ['llmlab-run-abc123', 'llmlab-run-def456']);
    assert.ok(!existsSync(join(root, 'llmlab-run-abc123')));
  });

  it('temp cleanup: keeps recent folders (a run in another window) and folders without our prefix', async () => {
    mkdirSync(join(root, 'llmlab-run-fresh'));
    staleDir('other-tool-abc');
    staleDir('xllmlab-run-abc');
    assert.deepEqual(await cleanStaleTempDirs(root), []);
    assert.ok(existsSync(join(root, 'llmlab-run-fresh')));
    assert.ok(existsSync(join(root, 'other-tool-abc', 'sub', 'program.py')));
    assert.ok(existsSync(join(root, 'xllmlab-run-abc')));
  });

  it('temp cleanup: never follows a link, neither as the folder nor inside it', async () => {
    const canary = join(outside, 'canary.txt');
    writeFileSync(canary, 'keep me');
    mkdirSync(join(outside, 'dir'));
    writeFileSync(join(outside, 'dir', 'inner.txt'), 'keep me too');
    symlinkSync(outside, join(root, 'llmlab-run-link'), 'dir');
    const stale = staleDir('llmlab-run-withlink', false);
    symlinkSync(join(outside, 'dir'), join(stale, 'escape'), 'dir');
    utimesSync(stale, HOUR_AGO, HOUR_AGO);
    writeFileSync(join(root, 'llmlab-run-file'), 'a file, not a folder');
    utimesSync(join(root, 'llmlab-run-file'), HOUR_AGO, HOUR_AGO);

    const removed = await cleanStaleTempDirs(root);
    assert.deepEqual(removed, ['llmlab-run-withlink']);
    assert.equal(readFileSync(canary, 'utf8'), 'keep me');
    assert.equal(readFileSync(join(outside, 'dir', 'inner.txt'), 'utf8'), 'keep me too');
    assert.ok(existsSync(join(root, 'llmlab-run-link')), 'the link itself is not ours to remove');
    assert.ok(existsSync(join(root, 'llmlab-run-file')));
  });

  it('temp cleanup: a missing folder is not an error', async () => {
    assert.deepEqual(await cleanStaleTempDirs(join(root, 'nope')), []);
  });
});
