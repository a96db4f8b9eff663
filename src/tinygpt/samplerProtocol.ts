/** Messages between the host (samplerClient.ts) and the tiny GPT's sampling thread (samplerWorker.ts). */
import type { Lang } from '../core/l10n';
import type { SampleOptions, SampleResult } from '../lessons/ngramModel';
import type { StagePaths } from './stages/stageRunner';

/** Each job: its arguments and its result. A checkpoint is named by its path; the thread reads and decodes it. */
export interface SamplerJobs {
  /** 'continue': the prompt as it is (a pre-trained model); 'answer': in the instruction template (a tuned one). */
  sample: [{ path: string; mode: 'continue' | 'answer'; prompt: string; options: SampleOptions }, SampleResult & { promptTokens: number }];
  /** K answers the SFT model at `path` samples for the n-th instruction in `lang` (null: no instructions). */
  answersToRank: [{ path: string; paths: StagePaths; n: number; lang: Lang }, { prompt: string; answers: string[] } | null];
}

export type SamplerJobType = keyof SamplerJobs;
export type SamplerJob = { [K in SamplerJobType]: { type: K } & SamplerJobs[K][0] }[SamplerJobType];

export interface SamplerRequest {
  id: number;
  job: SamplerJob;
  /** Int32Array[1]: 1 = stop (read before each token, so it lands while the thread is busy). */
  cancel: SharedArrayBuffer;
}

/** Why a job failed: no file at the path, a file that is not a checkpoint, anything else, or stopped by the host. */
export type SamplerFailure = 'missing' | 'badCheckpoint' | 'failed' | 'cancelled';

export type SamplerReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; kind: SamplerFailure; error: string };
