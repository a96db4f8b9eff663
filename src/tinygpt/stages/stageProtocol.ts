/** Messages between the host (stageClient.ts) and the stage worker (stageWorker.ts). */
import type { StageProgress, StageRequest, StageResult } from './stageRunner';

export interface StageWorkerRequest {
  request: StageRequest;
  /** Int32Array[1]: 1 = cancel. */
  cancel: SharedArrayBuffer;
}

export type StageWorkerReply =
  | { type: 'progress'; progress: StageProgress }
  | { type: 'result'; result: StageResult }
  | { type: 'error'; message: string };
