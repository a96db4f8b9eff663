import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../../src/local/catalog';
import { listDownloaded, resolveLocalModel } from '../../../src/local/localModels';
import { resolveThreads } from '../../../src/local/localProvider';

describe('local: which model the setting means', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'llmlab-models-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('empty setting: the first downloaded model in catalog order; a .part never counts', () => {
    assert.equal(resolveLocalModel('', dir), undefined);
    const [qwen, llama] = [loadCatalog().models[0], loadCatalog().models[3]];
    writeFileSync(join(dir, `${qwen.file}.part`), 'x');
    assert.equal(resolveLocalModel('', dir), undefined);
    writeFileSync(join(dir, llama.file), 'x');
    writeFileSync(join(dir, 'mine.gguf'), 'x');
    assert.equal(resolveLocalModel('', dir)?.name, llama.id);
    writeFileSync(join(dir, qwen.file), 'x');
    assert.deepEqual(listDownloaded(dir).map((m) => m.name), [qwen.id, llama.id, 'mine']);
  });

  it('a catalog id means its file in the models folder; an absolute .gguf path is used as is', () => {
    const qwen = loadCatalog().models[0];
    assert.equal(resolveLocalModel(qwen.id, dir), undefined, 'not downloaded yet');
    writeFileSync(join(dir, qwen.file), 'x');
    assert.deepEqual(resolveLocalModel(qwen.id, dir), { path: join(dir, qwen.file), name: qwen.id });
    const own = join(dir, 'My Model.GGUF');
    writeFileSync(own, 'x');
    assert.deepEqual(resolveLocalModel(own, dir), { path: own, name: 'My Model' });
    assert.equal(resolveLocalModel('relative/model.gguf', dir), undefined);
    assert.equal(resolveLocalModel(join(dir, 'missing.gguf'), dir), undefined);
  });

  it('threads: 0 leaves a core to the editor; a number is used as given', () => {
    assert.equal(resolveThreads(0, 2), 1);
    assert.equal(resolveThreads(0, 1), 1);
    assert.equal(resolveThreads(0, 16), 8);
    assert.equal(resolveThreads(3, 2), 3);
  });
});
