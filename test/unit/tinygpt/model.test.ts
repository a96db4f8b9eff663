import assert from 'node:assert/strict';
import { decodeCheckpoint, encodeCheckpoint, fromHalf, roundToHalf, toHalf } from '../../../src/tinygpt/checkpoint';
import { validateGptConfig, validateTrainConfig, DEFAULT_TRAIN } from '../../../src/tinygpt/config';
import { fillDropoutMask, Gpt, initParams, paramCount } from '../../../src/tinygpt/model';
import { learningRate } from '../../../src/tinygpt/optimizer';
import { Rng } from '../../../src/tinygpt/rng';
import { LocalTrainer, TrainState, type TokenData } from '../../../src/tinygpt/training';

const SMALL = { vocabSize: 64, context: 16, layers: 2, heads: 2, dim: 32 };

function randomData(n: number, V: number, seed: number): TokenData {
  const rng = new Rng(seed);
  // A learnable stream: mostly "next id = previous + 1 (mod V)", some noise.
  const train = new Uint16Array(n);
  for (let i = 1; i < n; i++) train[i] = rng.next() < 0.8 ? (train[i - 1] + 1) % V : rng.int(V);
  return { train, val: train.slice(0, 200) };
}

describe('tiny GPT model and training', () => {
  it('the initial loss is close to ln(V): a fresh model guesses uniformly', () => {
    const state = TrainState.create(SMALL, { seed: 1, batch: 4 });
    const trainer = new LocalTrainer(state, randomData(2000, SMALL.vocabSize, 2));
    const loss = trainer.step();
    assert.ok(Math.abs(loss - Math.log(SMALL.vocabSize)) < 0.05, `loss ${loss} vs ln V ${Math.log(SMALL.vocabSize)}`);
  });

  it('overfits one batch to near zero loss', () => {
    const config = { vocabSize: 32, context: 12, layers: 2, heads: 2, dim: 32 };
    const rng = new Rng(9);
    const tokens = Uint16Array.from({ length: config.context + 1 }, () => rng.int(config.vocabSize));
    const state = TrainState.create(config, { seed: 3, batch: 1, lr: 1e-2, warmupSteps: 5, steps: 150, weightDecay: 0 });
    const trainer = new LocalTrainer(state, { train: tokens, val: tokens });
    let loss = Infinity;
    for (let i = 0; i < 150; i++) loss = trainer.step();
    assert.ok(state.losses[0] > 3, 'starts near ln 32');
    assert.ok(loss < 0.05, `final loss ${loss}`);
  });

  it('the same seed gives the same losses; another seed gives others', () => {
    const data = randomData(3000, SMALL.vocabSize, 5);
    const run = (seed: number): number[] => {
      const t = new LocalTrainer(TrainState.create(SMALL, { seed, batch: 3 }), data);
      return Array.from({ length: 6 }, () => t.step());
    };
    const a = run(11);
    assert.deepEqual(run(11), a);
    assert.notDeepEqual(run(12), a);
    assert.ok(a[5] < a[0], 'loss falls');
  });

  it('dropout: absent or 0 changes nothing; on, it zeroes about p of the branch values, is seeded per row, and is off at inference', () => {
    const model = new Gpt(SMALL);
    initParams(SMALL, model.params, new Rng(4));
    const B = 2, T = 16;
    const rng = new Rng(8);
    const tokens = Array.from({ length: B * T }, () => rng.int(SMALL.vocabSize));
    const targets = Array.from({ length: B * T }, () => rng.int(SMALL.vocabSize));
    const plain = model.forward(tokens, B, T, targets).loss;
    const logitsPlain = Float32Array.from(model.logits);
    assert.equal(model.forward(tokens, B, T, targets, undefined, { p: 0, rowSeeds: [1, 2] }).loss, plain);
    const a = model.forward(tokens, B, T, targets, undefined, { p: 0.5, rowSeeds: [1, 2] }).loss;
    assert.notEqual(a, plain);
    assert.equal(model.forward(tokens, B, T, targets, undefined, { p: 0.5, rowSeeds: [1, 2] }).loss, a, 'same seeds, same masks');
    assert.notEqual(model.forward(tokens, B, T, targets, undefined, { p: 0.5, rowSeeds: [1, 3] }).loss, a);
    // Row 0's masks depend on its own seed only: row 0 alone gives row 0's logits of the batch of two.
    model.forward(tokens, B, T, targets, undefined, { p: 0.5, rowSeeds: [1, 2] });
    const row0 = Float32Array.from(model.logits.subarray(0, T * SMALL.vocabSize));
    model.forward(tokens.slice(0, T), 1, T, targets.slice(0, T), undefined, { p: 0.5, rowSeeds: [1] });
    assert.deepEqual(Float32Array.from(model.logits), row0);
    const mask = new Float32Array(100_000);
    fillDropoutMask(mask, new Rng(5), 0.25);
    const zeros = mask.filter((m) => m === 0).length / mask.length;
    assert.ok(Math.abs(zeros - 0.25) < 0.01, `zeroed ${zeros}`);
    assert.ok(mask.every((m) => m === 0 || Math.abs(m - 1 / 0.75) < 1e-6));
    model.forward(tokens, B, T);
    assert.deepEqual(Float32Array.from(model.logits), logitsPlain, 'without dropout the forward pass is the inference one');
    assert.throws(() => model.forward(tokens, B, T, targets, undefined, { p: 1, rowSeeds: [1, 2] }), /dropout must be in \[0, 1\)/);
    assert.throws(() => model.forward(tokens, B, T, targets, undefined, { p: 0.1, rowSeeds: [1] }), /a seed per row \(2\)/);
    assert.throws(() => validateTrainConfig({ ...DEFAULT_TRAIN, dropout: NaN }), /dropout must be in \[0, 1\) \(got NaN\)/);
  });

  it('a run with dropout is deterministic and differs from one without', () => {
    const data = randomData(3000, SMALL.vocabSize, 5);
    const run = (dropout: number): number[] => {
      const t = new LocalTrainer(TrainState.create(SMALL, { seed: 11, batch: 3, dropout }), data);
      return Array.from({ length: 6 }, () => t.step());
    };
    const on = run(0.2);
    assert.deepEqual(run(0.2), on);
    assert.notDeepEqual(run(0), on);
  });

  it('refuses bad configurations with a message that says what is wrong', () => {
    assert.throws(() => validateGptConfig({ ...SMALL, heads: 3 }), /dim 32 is not divisible by heads 3/);
    assert.throws(() => validateGptConfig({ ...SMALL, context: 0 }), /context must be a positive whole number \(got 0\)/);
    assert.throws(() => new Gpt({ ...SMALL, layers: 1.5 }), /layers must be a positive whole number/);
    assert.throws(() => validateTrainConfig({ ...DEFAULT_TRAIN, lr: NaN }), /learning rate must be a finite number > 0 \(got NaN\)/);
    assert.throws(() => TrainState.create(SMALL, { batch: 0 }), /batch must be a positive whole number/);
    const model = new Gpt(SMALL);
    assert.throws(() => model.forward([1, 2, 99], 1, 3), /token id 99 is outside the vocabulary/);
    assert.throws(() => model.forward(new Array(17).fill(0), 1, 17), /sequence length 17 is outside 1…16/);
  });

  it('learning rate: linear warm-up, peak, cosine decay to the floor', () => {
    const c = { lr: 1, warmupSteps: 10, steps: 110, minLrRatio: 0.1 };
    assert.equal(learningRate(0, c), 0.1);
    assert.equal(learningRate(9, c), 1);
    assert.ok(Math.abs(learningRate(10, c) - 1) < 1e-12);
    assert.ok(Math.abs(learningRate(60, c) - 0.55) < 1e-12);
    assert.ok(Math.abs(learningRate(110, c) - 0.1) < 1e-12);
  });
});

describe('tiny GPT checkpoint', () => {
  const tokenizer = { merges: [] as Array<[number, number]> };
  const config = { ...SMALL, vocabSize: 257 };
  const prompt = [1, 50, 100, 200, 256, 3, 9, 70];

  it('save → load gives identical logits (float32) and resumes with identical losses', () => {
    const data = randomData(3000, config.vocabSize, 8);
    const a = new LocalTrainer(TrainState.create(config, { seed: 4, batch: 2 }), data);
    for (let i = 0; i < 3; i++) a.step();
    const bytes = encodeCheckpoint(a.state.toCheckpoint(tokenizer));
    const ck = decodeCheckpoint(bytes);
    const b = new LocalTrainer(TrainState.fromCheckpoint(ck), data);
    a.model.forward(prompt, 1, prompt.length);
    b.model.forward(prompt, 1, prompt.length);
    assert.deepEqual(b.model.logits, a.model.logits);
    const next = [a.step(), a.step()];
    assert.deepEqual([b.step(), b.step()], next);
    assert.equal(b.state.step, 5);
  });

  it('a float16 checkpoint is half the size and loads as exactly the rounded weights', () => {
    const state = TrainState.create(config, { seed: 6 });
    const f16 = decodeCheckpoint(encodeCheckpoint(state.toCheckpoint(tokenizer, false), 'f16'));
    const f32Bytes = encodeCheckpoint(state.toCheckpoint(tokenizer, false)).length;
    const f16Bytes = encodeCheckpoint(state.toCheckpoint(tokenizer, false), 'f16').length;
    assert.ok(f16Bytes < 0.55 * f32Bytes);
    assert.deepEqual(f16.params, roundToHalf(Float32Array.from(state.params)));
    assert.equal(f16.adam, undefined);
    assert.equal(f16.params.length, paramCount(config));
  });

  it('float16 conversion rounds to nearest even and keeps specials', () => {
    for (const v of [0, 1, -2, 0.5, 65504, 6.103515625e-5, 5.960464477539063e-8]) assert.equal(fromHalf(toHalf(v)), v);
    assert.equal(fromHalf(toHalf(1 + 2 ** -11)), 1, 'tie goes to even');
    assert.equal(fromHalf(toHalf(1 + 3 * 2 ** -11)), 1 + 2 ** -9, 'tie goes to even (up)');
    assert.equal(fromHalf(toHalf(1e6)), Infinity);
    assert.ok(Number.isNaN(fromHalf(toHalf(NaN))));
    assert.ok(Math.abs(fromHalf(toHalf(0.1)) - 0.1) < 1e-4);
  });

  it('float16 round trip (fromHalf(toHalf(x))) is the nearest half, ties to even, over float32 values: normals, subnormals, ties, ±0, ±Inf, NaN, overflow', () => {
    /** The spacing of halves around v (subnormals below 2⁻¹⁴). */
    const ulp = (v: number): number => 2 ** (Math.max(Math.floor(Math.log2(Math.abs(v))), -14) - 10);
    /** Reference in exact double arithmetic: v / ulp is exact (a power of two); above 65504 a half overflows to ±Inf. */
    const nearestHalf = (v: number): number => {
      if (v === 0 || !Number.isFinite(v)) return v;
      const r = v / ulp(v);
      let n = Math.round(r);
      if (n - r === 0.5 && n % 2 !== 0) n -= 1;
      const h = n * ulp(v);
      return Math.abs(h) > 65504 ? Math.sign(v) * Infinity : h;
    };
    const bits = new Uint32Array(1);
    const f32 = new Float32Array(bits.buffer);
    const fromBits = (b: number): number => ((bits[0] = b >>> 0), f32[0]);
    const values: number[] = [0, -0, Infinity, -Infinity, NaN, 65504, Math.fround(65519.996), 65520, -65520, 2 ** -24, 2 ** -25, 2 ** -26];
    for (let b = 0; b < 2 ** 32; b += 4093) values.push(fromBits(b));
    // Halfway between two halves: normal ones (low 13 of the 23 mantissa bits 0x1000) and subnormal ones ((k + ½)·2⁻²⁴).
    for (let e = 103; e < 143; e++) for (const sign of [0, 0x80000000]) for (const m of [0x1000, 0x3000, 0x7fd000]) values.push(fromBits(sign | (e << 23) | m));
    for (let k = 0; k < 1024; k++) values.push((k + 0.5) * 2 ** -24, -(k + 0.5) * 2 ** -24);
    let ties = 0;
    for (const v of values) {
      assert.equal(v, Math.fround(v), `${v} is a float32`);
      const got = fromHalf(toHalf(v));
      const want = nearestHalf(v);
      assert.ok(Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want)), `${v}: ${got}, nearest ${want}`);
      if (Number.isFinite(v) && v !== 0 && Math.abs((v / ulp(v)) % 1) === 0.5) ties++;
    }
    assert.ok(values.length > 1_000_000 && ties > 2000, `${values.length} values, ${ties} ties`);
  });

  it('refuses a file that is not a checkpoint, or a truncated one', () => {
    assert.throws(() => decodeCheckpoint(new Uint8Array(20)), /Not a tiny GPT checkpoint: bad magic/);
    const bytes = encodeCheckpoint(TrainState.create(config).toCheckpoint(tokenizer, false));
    assert.throws(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 10)), /truncated tensor params/);
  });
});
