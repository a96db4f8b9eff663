/** Messages between the trainer (host) and its worker threads; see trainWorker.ts. */
import type { GptConfig, TrainConfig } from './config';
import type { Dropout } from './model';

export interface WorkerInit {
  id: number;
  type: 'init';
  index: number;
  config: GptConfig;
  params: SharedArrayBuffer;
  grads: SharedArrayBuffer[];
  m: SharedArrayBuffer;
  v: SharedArrayBuffer;
  train: SharedArrayBuffer;
  val: SharedArrayBuffer;
}

export type WorkerRequest =
  | WorkerInit
  | { id: number; type: 'grad'; offsets: number[]; count: number; dropout?: Dropout }
  | { id: number; type: 'reduce'; shard: [number, number] }
  | { id: number; type: 'update'; shard: [number, number]; t: number; lr: number; scale: number; train: TrainConfig }
  | { id: number; type: 'eval'; offsets: number[] };

export type WorkerResult = { lossSum: number; count: number } | { sumSq: number };

export type WorkerReply = { id: number; result: WorkerResult; error?: undefined } | { id: number; error: string; result?: undefined };
