import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DemoResult } from '../../../src/demos/demoTypes';
import { HistoryStore } from '../../../src/demos/historyStore';
import { HISTORY_LIMIT, HISTORY_OUTPUT_LIMIT, type HistoryEntry } from '../../../src/demos/playgroundSession';

function entry(n: number, output = `The answer is ${n}.`): HistoryEntry {
  const result: DemoResult = { demoId: 'zero-shot', ok: true, provider: 'openai-compatible', model: 'm', runs: [{ label: 'run', prompt: 'Q: …\nA:', output, temperature: 0 }] };
  return { id: `s${n}-x`, title: `run ${n}`, at: 1000 + n, result };
}

describe('playground history store', () => {
  let dir: string;
  let clock: number;
  const store = (legacy?: { get(): unknown; forget(): void }): HistoryStore => new HistoryStore(dir, { now: () => clock, legacy });
  beforeEach(() => {
    dir = join(mkdtempSync(join(tmpdir(), 'llmlab-history-')), 'playground-history');
    clock = 5000;
  });
  afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

  const files = (): string[] => readdirSync(dir).sort();
  const bytesOnDisk = (): number => files().reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);

  it('a run writes only its own entry: earlier files are left as they were, and the bytes written are one entry', async () => {
    const s = store();
    assert.deepEqual(await s.load(), []);
    await s.add(entry(1, 'x'.repeat(30000)));
    // A mark the store does not write: still there after the next run if that run left the file alone.
    const [first] = files();
    writeFileSync(join(dir, first), `${readFileSync(join(dir, first), 'utf8')}\n`);
    const before = bytesOnDisk();
    const change = await s.add(entry(2));
    assert.equal(change.added?.id, 's2-x');
    assert.deepEqual(change.removed, []);
    assert.equal(files().length, 2);
    assert.ok(readFileSync(join(dir, first), 'utf8').endsWith('}\n'), 'the first entry was written again');
    const written = bytesOnDisk() - before;
    assert.equal(written, Buffer.byteLength(JSON.stringify(change.added)));
    assert.ok(written < 1000, `${written} bytes for a short run`);
  });

  it('history survives a reload: a new store over the same folder reads the same entries, newest added first', async () => {
    const s = store();
    // Added out of start order (a later run can finish first): the order added is what is kept.
    for (const n of [1, 3, 2]) {
      clock += 1;
      await s.add(entry(n));
    }
    const again = await store().load();
    assert.deepEqual(again.map((h) => h.id), ['s2-x', 's3-x', 's1-x']);
    assert.deepEqual(again, await s.load());
  });

  it(`keeps at most ${HISTORY_LIMIT}: the oldest files are deleted and reported as removed; long outputs are cut`, async () => {
    const s = store();
    const removed: string[] = [];
    for (let n = 0; n < HISTORY_LIMIT + 3; n++) removed.push(...(await s.add(entry(n))).removed);
    assert.deepEqual(removed, ['s0-x', 's1-x', 's2-x']);
    assert.equal(files().length, HISTORY_LIMIT);
    const change = await s.add(entry(99, 'y'.repeat(HISTORY_OUTPUT_LIMIT * 2)));
    assert.ok(change.added!.result.runs[0].output.length <= HISTORY_OUTPUT_LIMIT + 2);
    const reloaded = await store().load();
    assert.equal(reloaded.length, HISTORY_LIMIT);
    assert.equal(reloaded[0].id, 's99-x');
    assert.equal(reloaded.at(-1)?.id, 's4-x');
  });

  it('the same run added again replaces its entry (one file) and moves it first', async () => {
    const s = store();
    await s.add(entry(1));
    await s.add(entry(2));
    await s.add({ ...entry(1), title: 'renamed' });
    assert.equal(files().length, 2);
    assert.deepEqual((await store().load()).map((h) => h.title), ['renamed', 'run 2']);
  });

  it('clear deletes every entry; an unreadable file is skipped, not fatal', async () => {
    const s = store();
    await s.add(entry(1));
    await s.add(entry(2));
    writeFileSync(join(dir, '1-broken.json'), '{ not json');
    const warnings: string[] = [];
    assert.deepEqual((await new HistoryStore(dir, { warn: (m) => warnings.push(m) }).load()).map((h) => h.id), ['s2-x', 's1-x']);
    assert.equal(warnings.length, 1);
    assert.deepEqual((await s.clear()).sort(), ['s1-x', 's2-x']);
    assert.deepEqual(files(), ['1-broken.json']);
    assert.deepEqual(await store().load(), []);
  });

  it('the old workspaceState list moves into an empty store on its first read (before a new run), in its order; a store with entries drops it', async () => {
    const legacy = [entry(3), entry(2), entry(1)].map((e) => JSON.parse(JSON.stringify(e)) as unknown);
    let kept: unknown = [...legacy, { id: 42 }];
    const state = { get: () => kept, forget: () => (kept = undefined) };
    const moved = await store(state).add(entry(4));
    assert.deepEqual(moved.removed, []);
    assert.equal(kept, undefined, 'the old list is forgotten once moved');
    assert.deepEqual((await store().load()).map((h) => h.id), ['s4-x', 's3-x', 's2-x', 's1-x']);
    kept = [entry(7)];
    assert.deepEqual((await store(state).load()).map((h) => h.id), ['s4-x', 's3-x', 's2-x', 's1-x']);
    assert.equal(kept, undefined);
  });
});
