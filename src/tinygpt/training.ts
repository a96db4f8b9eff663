/**
 * Pre-training state and one training step. TrainState is everything a run needs to continue (weights,
 * AdamW moments, step, the batch sampler's RNG), kept in flat Float32Arrays that may live in shared
 * memory; LocalTrainer runs steps on the calling thread (tests, scripts). The worker trainer (trainer.ts)
 * runs the same step with the batch split over threads.
 */
import { type BpeData } from './bpe';
import { DEFAULT_TRAIN, validateGptConfig, validateTrainConfig, type GptConfig, type TrainConfig } from './config';
import type { Checkpoint, TrainingProgress } from './checkpoint';
import { Gpt, initParams, paramCount, weightDecayMask } from './model';
import { adamwStep, clipScale, learningRate, sumOfSquares } from './optimizer';
import { Rng } from './rng';

export interface TokenData {
  train: Uint16Array;
  val: Uint16Array;
}

export type Allocate = (length: number) => Float32Array;
const plain: Allocate = (n) => new Float32Array(n);

/** The sampler's seed is derived from the run's seed, so weights and batches draw from separate streams. */
const samplerSeed = (seed: number): number => (seed ^ 0x5bd1e995) >>> 0;

export class TrainState {
  readonly decayMask: Uint8Array;
  step = 0;
  losses: number[] = [];
  valLosses: Array<{ step: number; loss: number }> = [];
  tokensSeen = 0;
  elapsedMs = 0;

  private constructor(
    readonly config: GptConfig,
    readonly train: TrainConfig,
    readonly params: Float32Array,
    readonly m: Float32Array,
    readonly v: Float32Array,
    readonly rng: Rng,
  ) {
    this.decayMask = weightDecayMask(config);
  }

  /** Fresh GPT-2 initialisation from train.seed. */
  static create(config: GptConfig, train: Partial<TrainConfig> = {}, allocate: Allocate = plain): TrainState {
    const c = validateGptConfig({ ...config });
    const t = validateTrainConfig({ ...DEFAULT_TRAIN, ...train });
    const n = paramCount(c);
    const state = new TrainState(c, t, allocate(n), allocate(n), allocate(n), new Rng(samplerSeed(t.seed)));
    initParams(c, state.params, new Rng(t.seed));
    return state;
  }

  /** Continues a checkpoint; `train` may extend the run (more steps), the rest is kept. */
  static fromCheckpoint(ck: Checkpoint, train: Partial<TrainConfig> = {}, allocate: Allocate = plain): TrainState {
    const c = validateGptConfig({ ...ck.config });
    const t = validateTrainConfig({ ...DEFAULT_TRAIN, ...ck.progress?.train, ...train });
    const n = paramCount(c);
    const state = new TrainState(c, t, allocate(n), allocate(n), allocate(n), new Rng(samplerSeed(t.seed)));
    state.params.set(ck.params);
    if (ck.adam) {
      state.m.set(ck.adam.m);
      state.v.set(ck.adam.v);
    }
    if (ck.progress) {
      state.step = ck.progress.step;
      state.rng.setState(ck.progress.rngState);
      state.losses = [...ck.progress.losses];
      state.valLosses = [...ck.progress.valLosses];
      state.tokensSeen = ck.progress.tokensSeen;
      state.elapsedMs = ck.progress.elapsedMs;
    }
    return state;
  }

  /** Random window starts for one batch (each window is context + 1 tokens: inputs and shifted targets). */
  sampleOffsets(tokenCount: number): number[] {
    const T = this.config.context;
    const span = tokenCount - T - 1;
    if (span < 0) throw new RangeError(`tiny GPT: ${tokenCount} training tokens are too few for context ${T}`);
    return Array.from({ length: this.train.batch }, () => this.rng.int(span + 1));
  }

  learningRate(): number {
    return learningRate(this.step, this.train);
  }

  progress(): TrainingProgress {
    return {
      step: this.step, train: this.train, rngState: this.rng.getState(), losses: this.losses,
      valLosses: this.valLosses, tokensSeen: this.tokensSeen, elapsedMs: this.elapsedMs,
    };
  }

  toCheckpoint(tokenizer: BpeData, withOptimizer = true): Checkpoint {
    return {
      config: this.config,
      tokenizer,
      params: Float32Array.from(this.params),
      adam: withOptimizer ? { m: Float32Array.from(this.m), v: Float32Array.from(this.v) } : undefined,
      progress: this.progress(),
    };
  }
}

/**
 * One seed per batch row for that row's dropout masks at this step, from the run's seed: the masks are
 * the same whichever thread computes the row, so a run stays deterministic however the batch is split.
 */
export function dropoutRowSeeds(seed: number, step: number, rows: number): number[] {
  const rng = new Rng((Math.imul(seed ^ 0x2545f491, 0x9e3779b1) + Math.imul(step + 1, 0x85ebca6b)) >>> 0);
  return Array.from({ length: rows }, () => Math.floor(rng.next() * 4294967296));
}

/** Inputs and targets of rows [from, to) of a batch into x, y (rows × T). */
export function fillRows(tokens: Uint16Array, offsets: number[], T: number, x: Int32Array, y: Int32Array, from = 0, to = offsets.length): void {
  for (let r = from; r < to; r++) {
    const o = offsets[r];
    const at = (r - from) * T;
    for (let t = 0; t < T; t++) {
      x[at + t] = tokens[o + t];
      y[at + t] = tokens[o + t + 1];
    }
  }
}

/** Fixed validation windows: non-overlapping, evenly spread, at most maxWindows. */
export function validationOffsets(tokenCount: number, T: number, maxWindows = 64): number[] {
  const windows = Math.floor((tokenCount - 1) / T);
  const n = Math.min(windows, maxWindows);
  return Array.from({ length: n }, (_, i) => Math.floor((i * windows) / n) * T);
}

/** Runs steps on the calling thread: forward + backward over the whole batch, clip, AdamW. */
export class LocalTrainer {
  readonly model: Gpt;
  private x: Int32Array;
  private y: Int32Array;

  constructor(readonly state: TrainState, readonly data: TokenData) {
    this.model = new Gpt(state.config, { params: state.params });
    const n = state.train.batch * state.config.context;
    this.x = new Int32Array(n);
    this.y = new Int32Array(n);
  }

  /** One optimizer step; returns the batch's mean loss before the update. */
  step(): number {
    const s = this.state;
    const T = s.config.context;
    const B = s.train.batch;
    const started = Date.now();
    const offsets = s.sampleOffsets(this.data.train.length);
    fillRows(this.data.train, offsets, T, this.x, this.y);
    const lr = s.learningRate();
    this.model.zeroGrad();
    const dropout = s.train.dropout > 0 ? { p: s.train.dropout, rowSeeds: dropoutRowSeeds(s.train.seed, s.step, B) } : undefined;
    const { loss } = this.model.forward(this.x, B, T, this.y, undefined, dropout);
    this.model.backward();
    const g = this.model.grads;
    const scale = clipScale(Math.sqrt(sumOfSquares(g)), s.train.gradClip);
    adamwStep(s.params, g, { m: s.m, v: s.v }, s.decayMask, s.step + 1, lr, scale, s.train);
    s.step++;
    s.losses.push(loss);
    s.tokensSeen += B * T;
    s.elapsedMs += Date.now() - started;
    return loss;
  }

  /** Mean loss over the fixed validation windows. */
  evaluate(maxWindows = 64): number {
    const T = this.state.config.context;
    const offsets = validationOffsets(this.data.val.length, T, maxWindows);
    let sum = 0;
    let count = 0;
    const x = new Int32Array(T);
    const y = new Int32Array(T);
    for (const o of offsets) {
      fillRows(this.data.val, [o], T, x, y);
      const r = this.model.forward(x, 1, T, y);
      sum += r.lossSum;
      count += r.count;
    }
    return sum / count;
  }
}
