import assert from 'node:assert/strict';
import { parseExportArgs, parseTrainArgs } from '../../../src/tinygpt/trainArgs';

describe('tiny GPT command arguments', () => {
  it('llmLab.train defaults to pre-training the baby model', () => {
    const r = parseTrainArgs({ stage: 'pretrain', steps: 20, seed: 7 }, 1024);
    assert.deepEqual(r.model, { vocabSize: 1024, layers: 4, heads: 4, dim: 128, context: 64 });
    assert.equal(r.train.steps, 20);
    assert.equal(r.train.seed, 7);
    assert.equal(r.train.warmupSteps, 2);
  });

  it('takes a config and refuses a bad one with the reason', () => {
    const r = parseTrainArgs({ config: { layers: 2, heads: 2, dim: 64, context: 32, batch: 4, lr: 1e-3 } }, 300);
    assert.equal(r.model.dim, 64);
    assert.equal(r.train.batch, 4);
    assert.throws(() => parseTrainArgs({ config: { heads: 3 } }, 300), /not divisible by heads 3/);
    assert.throws(() => parseTrainArgs({ config: { context: 0 } }, 300), /context must be a positive whole number/);
    assert.throws(() => parseTrainArgs({ config: { lr: Number.NaN } }, 300), /learning rate/);
    assert.throws(() => parseTrainArgs({ config: { lr: 'fast' } }, 300), /learning rate/);
    assert.throws(() => parseTrainArgs({ stage: 'sft' }, 300), /sft stage is not available yet/);
    assert.throws(() => parseTrainArgs({ stage: 'magic' }, 300), /unknown stage "magic"/);
  });

  it('llmLab.exportModel accepts only gguf', () => {
    assert.deepEqual(parseExportArgs({ format: 'gguf', path: '/tmp/x.gguf' }), { path: '/tmp/x.gguf', format: 'gguf' });
    assert.throws(() => parseExportArgs({ format: 'onnx' }), /only "gguf"/);
  });
});
