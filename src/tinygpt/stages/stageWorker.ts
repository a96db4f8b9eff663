/**
 * Entry of the fine-tuning stage worker (bundled by scripts/build.mjs as dist/tinygptStageWorker.js): runs
 * one stage (stageRunner.ts) off the extension host and posts its progress. Cancel is a flag in shared
 * memory that the stage reads between steps, so it is seen even while a step keeps this thread busy.
 */
import { parentPort } from 'node:worker_threads';
import { runStage } from './stageRunner';
import type { StageWorkerReply, StageWorkerRequest } from './stageProtocol';

parentPort?.on('message', (msg: StageWorkerRequest) => {
  const flag = new Int32Array(msg.cancel);
  const post = (reply: StageWorkerReply): void => parentPort!.postMessage(reply);
  runStage(msg.request, {
    onProgress: (progress) => post({ type: 'progress', progress }),
    isCancelled: () => Atomics.load(flag, 0) === 1,
  }).then(
    (result) => post({ type: 'result', result }),
    (error: unknown) => post({ type: 'error', message: error instanceof Error ? error.message : String(error) }),
  );
});
