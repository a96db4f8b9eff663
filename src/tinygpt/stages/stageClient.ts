/**
 * Starts a fine-tuning stage on a worker thread of its own, so the extension host only passes messages.
 * One stage at a time per client; cancel asks the stage to stop after its current step, and it still
 * writes the checkpoint of what it did.
 */
import { spawnWorker, workerPath } from '../../core/spawnWorker';
import type { StageProgress, StageRequest, StageResult } from './stageRunner';
import type { StageWorkerReply, StageWorkerRequest } from './stageProtocol';

export function defaultStageWorkerPath(): string {
  return workerPath(__filename, 'stageWorker.ts', 'tinygptStageWorker.js');
}

export interface StageRun {
  result: Promise<StageResult>;
  cancel(): void;
}

export function startStage(request: StageRequest, options: { onProgress?: (p: StageProgress) => void; workerPath?: string } = {}): StageRun {
  const cancel = new SharedArrayBuffer(4);
  const worker = spawnWorker(options.workerPath ?? defaultStageWorkerPath());
  const result = new Promise<StageResult>((resolve, reject) => {
    worker.on('message', (reply: StageWorkerReply) => {
      if (reply.type === 'progress') options.onProgress?.(reply.progress);
      else if (reply.type === 'result') resolve(reply.result);
      else reject(new Error(reply.message));
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`tiny GPT stage worker exited (${code})`)));
  }).finally(() => void worker.terminate());
  const message: StageWorkerRequest = { request, cancel };
  worker.postMessage(message);
  return { result, cancel: () => Atomics.store(new Int32Array(cancel), 0, 1) };
}
