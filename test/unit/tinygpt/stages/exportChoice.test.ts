import assert from 'node:assert/strict';
import { chooseExport, parseExportModel, type ExportCandidates } from '../../../../src/tinygpt/stages/exportChoice';

describe('tiny GPT export: which model llmLab.exportModel writes', () => {
  const files = (times: { pretrain?: number; sft?: number; ppo?: number }): ExportCandidates => ({
    shipped: '/ext/media/models/tinygpt.bin',
    pretrain: { path: '/store/pretrain.bin', mtimeMs: times.pretrain },
    sft: { path: '/store/sft.bin', mtimeMs: times.sft },
    ppo: { path: '/store/ppo.bin', mtimeMs: times.ppo },
  });
  const path = (c: ReturnType<typeof chooseExport>): string => (c.ok ? `${c.model} ${c.path}` : `missing ${c.missing}`);

  it('model argument: absent, one of the three ids, anything else refused with the ids named', () => {
    assert.equal(parseExportModel(undefined), undefined);
    assert.equal(parseExportModel({ path: '/x.gguf' }), undefined);
    assert.equal(parseExportModel({ model: 'tinygpt-ppo' }), 'tinygpt-ppo');
    assert.throws(() => parseExportModel({ model: 'tinygpt-reward' }), /model must be one of tinygpt, tinygpt-sft, tinygpt-ppo/);
    assert.throws(() => parseExportModel({ model: 3 }), /model must be one of/);
  });

  it('no argument: the checkpoint trained most recently, else the shipped model', () => {
    assert.equal(path(chooseExport(undefined, files({}))), 'tinygpt /ext/media/models/tinygpt.bin');
    assert.equal(path(chooseExport(undefined, files({ pretrain: 5 }))), 'tinygpt /store/pretrain.bin');
    assert.equal(path(chooseExport(undefined, files({ pretrain: 5, sft: 6 }))), 'tinygpt-sft /store/sft.bin');
    assert.equal(path(chooseExport(undefined, files({ sft: 6, ppo: 7 }))), 'tinygpt-ppo /store/ppo.bin', 'the shipped model under the chain');
    // Pre-trained again after the chain: the new pre-trained model is the latest, not the stale PPO policy.
    assert.equal(path(chooseExport(undefined, files({ pretrain: 9, sft: 6, ppo: 7 }))), 'tinygpt /store/pretrain.bin');
  });

  it('a model asked for by name: that checkpoint, or which stage is missing', () => {
    const all = files({ pretrain: 9, sft: 6, ppo: 7 });
    assert.equal(path(chooseExport('tinygpt-sft', all)), 'tinygpt-sft /store/sft.bin');
    assert.equal(path(chooseExport('tinygpt-ppo', files({ sft: 6, ppo: 1 }))), 'tinygpt-ppo /store/ppo.bin');
    assert.equal(path(chooseExport('tinygpt', files({ sft: 6, ppo: 7 }))), 'tinygpt /ext/media/models/tinygpt.bin');
    assert.equal(path(chooseExport('tinygpt', all)), 'tinygpt /store/pretrain.bin');
    assert.equal(path(chooseExport('tinygpt-ppo', files({ pretrain: 1, sft: 2 }))), 'missing ppo');
    assert.equal(path(chooseExport('tinygpt-sft', files({}))), 'missing sft');
  });

  it('the GGUF name says which stage it is', () => {
    const c = chooseExport('tinygpt-ppo', files({ ppo: 1 }));
    assert.ok(c.ok && /PPO/.test(c.name));
  });
});
