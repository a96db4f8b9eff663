/**
 * The extension host's side of the inspection thread (trainingInspectWorker.ts): one worker per open
 * Training panel, started on first use, requests answered in order. No vscode here (tests drive it in Node).
 */
import type { Worker } from 'node:worker_threads';
import { spawnWorker, workerPath } from '../core/spawnWorker';
import type { TokenData } from './training';
import type { InspectModel } from './trainingInspect';
import type { TrainingRequests, TrainingRequestType } from './trainingMessages';

/** The questions this thread answers (answers to rank come from the SFT model, through the stage command). */
type InspectType = Exclude<TrainingRequestType, 'answersToRank'>;
type Question = { [K in InspectType]: { type: K } & TrainingRequests[K][0] }[InspectType];

type InspectMessage = { type: 'load'; model: InspectModel } | { type: 'data'; data: TokenData } | Question;
export type InspectRequest = { id: number } & InspectMessage;

export type InspectReply = { id: number; result: unknown; error?: undefined } | { id: number; error: string; result?: undefined };

export function defaultInspectWorkerPath(): string {
  return workerPath(__filename, 'trainingInspectWorker.ts', 'tinygptInspectWorker.js');
}

export class InspectClient {
  private worker: Worker | undefined;
  private next = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private disposed = false;
  /** What a restarted thread (one that died) is given again before anything else. */
  private lastModel: InspectModel | undefined;
  private lastData: TokenData | undefined;

  constructor(private readonly workerPath = defaultInspectWorkerPath()) {}

  /** New weights for every request after this one (the params are copied, so training can go on). */
  load(model: InspectModel): Promise<unknown> {
    const params = Float32Array.from(model.params);
    this.lastModel = { config: model.config, tokenizer: model.tokenizer, params: Float32Array.from(params) };
    return this.call({ type: 'load', model: { config: model.config, tokenizer: model.tokenizer, params } }, [params.buffer]);
  }

  setData(data: TokenData): Promise<unknown> {
    this.lastData = data;
    return this.call({ type: 'data', data });
  }

  ask<K extends InspectType>(question: { type: K } & TrainingRequests[K][0]): Promise<TrainingRequests[K][1]> {
    return this.call(question as Question) as Promise<TrainingRequests[K][1]>;
  }

  dispose(): void {
    this.disposed = true;
    this.failAll(new Error('the Training panel closed'));
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private start(): Worker {
    const worker = spawnWorker(this.workerPath);
    worker.on('message', (reply: InspectReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.error !== undefined) p.reject(new Error(reply.error));
      else p.resolve(reply.result);
    });
    const lost = (e: Error): void => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(e);
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the inspection thread exited (${code})`)));
    // Replies to id 0 are not awaited.
    if (this.lastData) worker.postMessage({ id: 0, type: 'data', data: this.lastData });
    if (this.lastModel) worker.postMessage({ id: 0, type: 'load', model: { ...this.lastModel, params: Float32Array.from(this.lastModel.params) } });
    return worker;
  }

  private call(message: InspectMessage, transfer: ArrayBuffer[] = []): Promise<unknown> {
    if (this.disposed) return Promise.reject(new Error('the Training panel closed'));
    this.worker ??= this.start();
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker!.postMessage({ ...message, id }, transfer);
    });
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
