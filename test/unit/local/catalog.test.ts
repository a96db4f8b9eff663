import * as assert from 'node:assert/strict';
import { defaultCatalogModel, findCatalogModel, loadCatalog, validateCatalog } from '../../../src/local/catalog';

describe('local: model catalog', () => {
  it('the shipped catalog is valid: a ~400 MB default and a bigger choice', () => {
    const catalog = loadCatalog();
    const d = defaultCatalogModel(catalog);
    assert.equal(d.id, 'qwen2.5-0.5b-instruct-q4_k_m');
    assert.ok(d.sizeMB > 300 && d.sizeMB < 500, `default is ≈400 MB (${d.sizeMB})`);
    assert.ok(d.languages.includes('zh') && d.languages.includes('en'));
    assert.ok(catalog.models.some((m) => m.sizeMB > d.sizeMB * 2), 'a bigger choice exists');
    assert.ok(catalog.models.length >= 3);
    for (const m of catalog.models) assert.ok(m.url.startsWith('https://huggingface.co/'), m.id);
  });

  it('finds a model by id', () => {
    assert.equal(findCatalogModel('llama-3.2-1b-instruct-q4_k_m')?.file, 'Llama-3.2-1B-Instruct-Q4_K_M.gguf');
    assert.equal(findCatalogModel('nope'), undefined);
  });

  it('validation reports every problem in a bad entry', () => {
    const good = loadCatalog().models[0];
    assert.throws(
      () => validateCatalog({ default: 'x', models: [{ ...good, id: 'Bad Id', url: 'https://example.com/x.gguf', sha256: 'zz', file: 'x.bin', ramMB: 1 }] }),
      (e: Error) => ['id "Bad Id"', '.url must be', '.sha256', '.file must', '.ramMB', 'catalog.default'].every((p) => e.message.includes(p)),
    );
    assert.throws(() => validateCatalog({ default: good.id, models: [good, good] }), /appears twice/);
    assert.throws(() => validateCatalog({ models: [] }), /non-empty/);
  });
});
