import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCheckpoint } from '../../../src/tinygpt/checkpoint';
import { Gpt } from '../../../src/tinygpt/model';
import { Rng } from '../../../src/tinygpt/rng';
import { sharedAllocate, Trainer } from '../../../src/tinygpt/trainer';
import { LocalTrainer, TrainState, type TokenData } from '../../../src/tinygpt/training';

const V = 64;
const CONFIG = { vocabSize: V, context: 32, layers: 2, heads: 2, dim: 48 };
const TRAIN = { seed: 21, batch: 6, steps: 12, warmupSteps: 3 };

function data(): TokenData {
  const rng = new Rng(77);
  const train = new Uint16Array(6000);
  for (let i = 1; i < train.length; i++) train[i] = rng.next() < 0.8 ? (train[i - 1] + 1) % V : rng.int(V);
  return { train, val: train.slice(0, 700) };
}

const tokenizer = { merges: [] as Array<[number, number]> };

describe('tiny GPT trainer on worker threads', function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), 'tinygpt-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const d = data();
  let reference: number[];

  before(() => {
    const local = new LocalTrainer(TrainState.create(CONFIG, TRAIN), d);
    reference = Array.from({ length: TRAIN.steps }, () => local.step());
  });

  it('two workers (batch split, gradients summed) follow the single-thread run', async () => {
    const trainer = await Trainer.start(TrainState.create(CONFIG, TRAIN, sharedAllocate), { data: d, tokenizer, workers: 2, evalEvery: 6 });
    const result = await trainer.run();
    await trainer.dispose();
    assert.equal(result.status, 'done');
    assert.equal(result.steps, TRAIN.steps);
    for (const [i, loss] of result.losses.entries()) assert.ok(Math.abs(loss - reference[i]) < 1e-4, `step ${i}: ${loss} vs ${reference[i]}`);
    assert.ok(result.valLoss !== undefined && result.valLoss < Math.log(V));
    assert.ok(result.tokensPerSecond > 0);
  });

  it('with dropout, two workers still follow the single-thread run (masks are seeded per row)', async () => {
    const train = { ...TRAIN, steps: 4, dropout: 0.2 };
    const local = new LocalTrainer(TrainState.create(CONFIG, train), d);
    const expected = Array.from({ length: train.steps }, () => local.step());
    const trainer = await Trainer.start(TrainState.create(CONFIG, train, sharedAllocate), { data: d, tokenizer, workers: 2 });
    const result = await trainer.run();
    await trainer.dispose();
    assert.equal(result.steps, train.steps);
    for (const [i, loss] of result.losses.entries()) assert.ok(Math.abs(loss - expected[i]) < 1e-4, `step ${i}: ${loss} vs ${expected[i]}`);
    assert.ok(expected.some((loss, i) => Math.abs(loss - reference[i]) > 1e-3), 'dropout changed the losses');
  });

  it('pause holds between steps and resume continues to the same losses', async () => {
    const trainer = await Trainer.start(TrainState.create(CONFIG, TRAIN, sharedAllocate), {
      data: d, tokenizer, onStep: (info) => info.step === 4 && trainer.pause(),
    });
    const run = trainer.run();
    while (!trainer.isPaused || trainer.state.step < 4) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(trainer.state.step, 4, 'no step runs while paused');
    trainer.resume();
    const result = await run;
    await trainer.dispose();
    assert.equal(result.steps, TRAIN.steps);
    for (const [i, loss] of result.losses.entries()) assert.ok(Math.abs(loss - reference[i]) < 1e-4);
  });

  it('cancel mid-step leaves a checkpoint of the last completed step that loads and resumes the same run', async () => {
    const path = join(dir, 'cancel.bin');
    let stepAtCancel = -1;
    const trainer = await Trainer.start(TrainState.create(CONFIG, TRAIN, sharedAllocate), {
      data: d, tokenizer, checkpointPath: path,
      onStep: (info) => {
        if (info.step !== 5) return;
        // The next step's gradient phase starts as soon as this callback returns; cancel lands inside it.
        setImmediate(() => {
          stepAtCancel = trainer.state.step;
          trainer.cancel();
        });
      },
    });
    const result = await trainer.run();
    assert.equal(result.status, 'cancelled');
    assert.equal(stepAtCancel, 5);
    assert.equal(result.checkpoint, path);
    const ck = decodeCheckpoint(readFileSync(path));
    assert.equal(ck.progress?.step, 5, 'the abandoned step left no trace');
    assert.deepEqual(ck.params, Float32Array.from(trainer.state.params));
    const prompt = [3, 4, 5, 6, 7];
    const model = new Gpt(ck.config, { params: ck.params });
    model.forward(prompt, 1, prompt.length);
    assert.ok(model.logits.every(Number.isFinite));

    const resumed = await Trainer.start(TrainState.fromCheckpoint(ck, {}, sharedAllocate), { data: d, tokenizer });
    const rest = await resumed.run();
    await resumed.dispose();
    assert.equal(rest.steps, TRAIN.steps - 5);
    for (const [i, loss] of rest.losses.entries()) assert.ok(Math.abs(loss - reference[5 + i]) < 1e-4, `step ${5 + i}`);
  });

  it('a checkpoint saved while training (at any step) loads to identical logits', async () => {
    const path = join(dir, 'mid.bin');
    let saved: Promise<string> | undefined;
    let paramsAtSave: Float32Array | undefined;
    const trainer = await Trainer.start(TrainState.create(CONFIG, { ...TRAIN, steps: 4 }, sharedAllocate), {
      data: d, tokenizer,
      onStep: (info) => {
        if (info.step === 2) {
          paramsAtSave = Float32Array.from(trainer.state.params);
          saved = trainer.saveCheckpoint(path);
        }
      },
    });
    await trainer.run();
    await trainer.dispose();
    await saved;
    const ck = decodeCheckpoint(readFileSync(path));
    assert.equal(ck.progress?.step, 2);
    const prompt = [1, 2, 3, 9, 10];
    const a = new Gpt(CONFIG, { params: paramsAtSave });
    const b = new Gpt(ck.config, { params: ck.params });
    a.forward(prompt, 1, prompt.length);
    b.forward(prompt, 1, prompt.length);
    assert.deepEqual(b.logits, a.logits);
  });

  it('refuses state that is not in shared memory', async () => {
    await assert.rejects(Trainer.start(TrainState.create(CONFIG, TRAIN), { data: d, tokenizer }), /shared memory/);
  });
});
