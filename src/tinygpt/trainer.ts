/**
 * Trains the tiny GPT on worker threads so the calling thread (the extension host) only passes messages.
 * Each step: the batch's rows are split over the workers (grad), then each worker sums all gradients over
 * its shard of the parameters (reduce), the host turns Σg² into one clip factor, and each worker applies
 * AdamW to its shard (update). Pause takes effect between steps; cancel abandons a step in flight (the
 * weights only change in the short update phase, which is never interrupted), so the state saved after a
 * cancel is always the last completed step.
 */
import { rename, writeFile } from 'node:fs/promises';
import type { Worker } from 'node:worker_threads';
import { spawnWorker, workerPath } from '../core/spawnWorker';
import type { BpeData } from './bpe';
import { encodeCheckpoint, type Checkpoint } from './checkpoint';
import { clipScale } from './optimizer';
import { dropoutRowSeeds, TrainState, validationOffsets, type TokenData } from './training';
import type { WorkerReply, WorkerRequest, WorkerResult } from './workerProtocol';

export interface StepInfo {
  step: number;
  loss: number;
  lr: number;
  gradNorm: number;
  ms: number;
  tokensPerSecond: number;
}

export interface TrainerOptions {
  data: TokenData;
  tokenizer: BpeData;
  /** Threads (default 2: this machine's and most laptops' spare cores). */
  workers?: number;
  /** Validation loss every N steps (0 = only when asked). */
  evalEvery?: number;
  evalWindows?: number;
  /** Where checkpoints go; saved every checkpointEvery steps (0 = only when asked) and when a run ends. */
  checkpointPath?: string;
  checkpointEvery?: number;
  onStep?: (info: StepInfo) => void;
  onEval?: (step: number, loss: number) => void;
  /** The worker script; by default trainWorker.ts beside this file (tests) or dist/tinygptWorker.js. */
  workerPath?: string;
}

export interface RunResult {
  status: 'done' | 'cancelled';
  steps: number;
  losses: number[];
  valLoss?: number;
  tokensPerSecond: number;
  checkpoint?: string;
}

/** Allocates Float32Arrays on shared memory so workers see the same weights. */
export function sharedAllocate(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * 4));
}

function sharedTokens(tokens: Uint16Array): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(tokens.length * 2);
  new Uint16Array(sab).set(tokens);
  return sab;
}

export function defaultWorkerPath(): string {
  return workerPath(__filename, 'trainWorker.ts', 'tinygptWorker.js');
}

/** Rows [from, to) of an n-row batch that worker i of W computes. */
function workerRows(i: number, n: number, W: number): [number, number] {
  return [Math.floor((i * n) / W), Math.floor(((i + 1) * n) / W)];
}

class Cancelled extends Error {}

export class Trainer {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve: (r: WorkerResult) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private paused = false;
  private resumeWaiters: Array<() => void> = [];
  private cancelled = false;
  private cancelWaiters: Array<(e: Error) => void> = [];
  private updating: Promise<void> | undefined;
  private running = false;
  private disposed = false;
  private readonly shards: Array<[number, number]>;

  private constructor(readonly state: TrainState, private readonly options: TrainerOptions) {
    const n = state.params.length;
    const w = Math.max(1, options.workers ?? 2);
    this.shards = Array.from({ length: w }, (_, i) => [Math.floor((i * n) / w), Math.floor(((i + 1) * n) / w)]);
  }

  /** Starts the workers; `state` must have been allocated with sharedAllocate. */
  static async start(state: TrainState, options: TrainerOptions): Promise<Trainer> {
    if (!(state.params.buffer instanceof SharedArrayBuffer)) throw new Error('tiny GPT trainer: state must live in shared memory (sharedAllocate)');
    const trainer = new Trainer(state, options);
    const count = trainer.shards.length;
    const grads = Array.from({ length: count }, () => new SharedArrayBuffer(state.params.length * 4));
    const train = sharedTokens(options.data.train);
    const val = sharedTokens(options.data.val);
    for (let index = 0; index < count; index++) {
      const worker = spawnWorker(options.workerPath ?? defaultWorkerPath());
      worker.on('message', (reply: WorkerReply) => {
        const p = trainer.pending.get(reply.id);
        if (!p) return;
        trainer.pending.delete(reply.id);
        if (reply.error !== undefined) p.reject(new Error(reply.error));
        else p.resolve(reply.result);
      });
      worker.on('error', (e) => trainer.failAll(e));
      worker.on('exit', (code) => {
        if (!trainer.disposed) trainer.failAll(new Error(`tiny GPT worker exited (${code})`));
      });
      trainer.workers.push(worker);
    }
    await Promise.all(
      trainer.workers.map((w, index) =>
        trainer.call(w, {
          id: 0, type: 'init', index, config: state.config,
          params: state.params.buffer as SharedArrayBuffer, grads,
          m: state.m.buffer as SharedArrayBuffer, v: state.v.buffer as SharedArrayBuffer, train, val,
        }),
      ),
    );
    return trainer;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get isRunning(): boolean {
    return this.running;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    for (const w of this.resumeWaiters.splice(0)) w();
  }

  /** Stops at once; a step in its gradient phase is abandoned, an update in progress is finished first. */
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    for (const w of this.cancelWaiters.splice(0)) w(new Cancelled());
    this.resume();
  }

  /**
   * Runs until the configured number of steps (or `maxSteps` more), or a cancel. Writes a checkpoint at
   * the end when checkpointPath is set; after a cancel the workers are stopped.
   */
  async run(maxSteps = Infinity): Promise<RunResult> {
    if (this.running) throw new Error('tiny GPT trainer: already running');
    this.running = true;
    const s = this.state;
    const first = s.step;
    const end = Math.min(s.train.steps, s.step + maxSteps);
    const { evalEvery = 0, checkpointEvery = 0 } = this.options;
    let valLoss: number | undefined;
    let status: RunResult['status'] = 'done';
    const startedMs = s.elapsedMs;
    try {
      while (s.step < end) {
        if (this.paused) await new Promise<void>((r) => this.resumeWaiters.push(r));
        if (this.cancelled) throw new Cancelled();
        const info = await this.step();
        this.options.onStep?.(info);
        if (evalEvery && (s.step % evalEvery === 0 || s.step === end)) {
          valLoss = await this.evaluate();
          this.options.onEval?.(s.step, valLoss);
        }
        if (checkpointEvery && s.step % checkpointEvery === 0 && this.options.checkpointPath) await this.saveCheckpoint();
      }
    } catch (e) {
      if (!(e instanceof Cancelled)) throw e;
      status = 'cancelled';
    } finally {
      this.running = false;
    }
    if (status === 'cancelled') await this.dispose();
    const checkpoint = this.options.checkpointPath ? await this.saveCheckpoint() : undefined;
    const ran = s.step - first;
    const seconds = (s.elapsedMs - startedMs) / 1000;
    return {
      status, steps: ran, losses: s.losses.slice(first), valLoss: valLoss ?? s.valLosses.at(-1)?.loss,
      tokensPerSecond: seconds > 0 ? (ran * s.train.batch * s.config.context) / seconds : 0, checkpoint,
    };
  }

  /** One optimizer step over the worker threads. */
  async step(): Promise<StepInfo> {
    const s = this.state;
    const started = performance.now();
    const T = s.config.context;
    const rngBefore = s.rng.getState();
    const offsets = s.sampleOffsets(this.options.data.train.length);
    const count = offsets.length * T;
    const W = this.workers.length;
    const rowSeeds = s.train.dropout > 0 ? dropoutRowSeeds(s.train.seed, s.step, offsets.length) : undefined;
    const rows = (i: number): [number, number] => workerRows(i, offsets.length, W);
    try {
      const parts = await this.cancellable(
        Promise.all(this.workers.map((w, i) => this.call(w, {
          id: 0, type: 'grad', count,
          offsets: offsets.slice(...rows(i)),
          dropout: rowSeeds && { p: s.train.dropout, rowSeeds: rowSeeds.slice(...rows(i)) },
        }))),
      );
      const loss = parts.reduce((a, r) => a + ('lossSum' in r ? r.lossSum : 0), 0) / count;
      const sq = await Promise.all(this.workers.map((w, i) => this.call(w, { id: 0, type: 'reduce', shard: this.shards[i] })));
      const gradNorm = Math.sqrt(sq.reduce((a, r) => a + ('sumSq' in r ? r.sumSq : 0), 0));
      const lr = s.learningRate();
      const scale = clipScale(gradNorm, s.train.gradClip);
      const t = s.step + 1;
      const update = Promise.all(this.workers.map((w, i) => this.call(w, { id: 0, type: 'update', shard: this.shards[i], t, lr, scale, train: s.train }))).then(() => undefined);
      this.updating = update;
      await update;
      this.updating = undefined;
      const ms = performance.now() - started;
      s.step = t;
      s.losses.push(loss);
      s.tokensSeen += count;
      s.elapsedMs += ms;
      return { step: t, loss, lr, gradNorm, ms, tokensPerSecond: (count * 1000) / ms };
    } catch (e) {
      // The step did not happen: the sampler goes back to where it was, so a resumed run draws this batch.
      s.rng.setState(rngBefore);
      throw e;
    }
  }

  /** Mean validation loss over the fixed windows, split over the workers. */
  async evaluate(): Promise<number> {
    const s = this.state;
    const offsets = validationOffsets(this.options.data.val.length, s.config.context, this.options.evalWindows ?? 32);
    const W = this.workers.length;
    const parts = await this.cancellable(
      Promise.all(this.workers.map((w, i) => this.call(w, {
        id: 0, type: 'eval', offsets: offsets.slice(...workerRows(i, offsets.length, W)),
      }))),
    );
    let sum = 0;
    let n = 0;
    for (const r of parts) {
      if ('lossSum' in r) {
        sum += r.lossSum;
        n += r.count;
      }
    }
    const loss = sum / n;
    s.valLosses.push({ step: s.step, loss });
    return loss;
  }

  /** The current state as a checkpoint (never mid-update). */
  async snapshot(): Promise<Checkpoint> {
    if (this.updating) await this.updating;
    return this.state.toCheckpoint(this.options.tokenizer);
  }

  /** Writes the checkpoint atomically (temporary file, then rename), so a crash never leaves half a file. */
  async saveCheckpoint(path = this.options.checkpointPath): Promise<string> {
    if (!path) throw new Error('tiny GPT trainer: no checkpoint path');
    const bytes = encodeCheckpoint(await this.snapshot());
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, path);
    return path;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.failAll(new Cancelled());
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private call(worker: Worker, msg: WorkerRequest): Promise<WorkerResult> {
    if (this.disposed) return Promise.reject(new Cancelled());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...msg, id });
    });
  }

  /** Races a phase against cancel; on cancel the workers are stopped (their phase touched no weights). */
  private cancellable<T>(p: Promise<T>): Promise<T> {
    if (this.cancelled) return Promise.reject(new Cancelled());
    return new Promise<T>((resolve, reject) => {
      this.cancelWaiters.push(reject);
      p.then(resolve, reject);
    });
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
