/**
 * Entry of the tiny GPT's sampling thread (bundled as dist/tinygptSamplerWorker.js): the built-in provider's
 * tiny GPT models and the Training panel's answers to rank are read, decoded and sampled here, never on the
 * extension host's thread. Jobs run one at a time; decoded checkpoints are kept per file version.
 */
import { readFileSync, statSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { decodeCheckpoint } from './checkpoint';
import type { SamplerFailure, SamplerJob, SamplerJobs, SamplerReply, SamplerRequest } from './samplerProtocol';
import { instructionToRank, LEARNER_K } from './stages/learnerRankings';
import { PolicySampler } from './stages/policySampler';
import type { SftExample } from './stages/sftData';
import { examplesFrom } from './stages/stageRunner';

/** The pre-trained model and both tuned ones fit; one more evicts the least recently used. */
const MAX_MODELS = 3;

class JobError extends Error {
  constructor(readonly kind: SamplerFailure, message: string) {
    super(message);
  }
}

const models = new Map<string, { version: string; sampler: PolicySampler }>();
const instructions = new Map<string, SftExample[]>();

function load(path: string): PolicySampler {
  let version: string;
  try {
    const s = statSync(path);
    version = `${s.mtimeMs}:${s.size}`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new JobError(code === 'ENOENT' ? 'missing' : 'failed', (error as Error).message);
  }
  const cached = models.get(path);
  models.delete(path);
  if (cached?.version === version) {
    models.set(path, cached);
    return cached.sampler;
  }
  let sampler: PolicySampler;
  try {
    sampler = new PolicySampler(decodeCheckpoint(readFileSync(path)));
  } catch (error) {
    throw new JobError('badCheckpoint', error instanceof Error ? error.message : String(error));
  }
  models.set(path, { version, sampler });
  if (models.size > MAX_MODELS) models.delete(models.keys().next().value!);
  return sampler;
}

function run(job: SamplerJob, stop: () => boolean): SamplerJobs[SamplerJob['type']][1] {
  switch (job.type) {
    case 'sample': {
      const sampler = load(job.path);
      return job.mode === 'answer' ? sampler.answer(job.prompt, job.options, stop) : sampler.sample(job.prompt, job.options, stop);
    }
    case 'answersToRank': {
      const sampler = load(job.path);
      let examples = instructions.get(job.paths.content);
      if (!examples) {
        const split = examplesFrom(job.paths);
        instructions.set(job.paths.content, (examples = [...split.train, ...split.heldOut]));
      }
      const example = instructionToRank(examples, job.lang, job.n);
      if (!example) return null;
      // Temperature 1, as InstructGPT's comparisons were sampled; the seeds make the n-th set repeatable.
      const answers = Array.from({ length: LEARNER_K }, (_, k) => sampler.answer(example.instruction, { temperature: 1, maxTokens: 24, seed: job.n * LEARNER_K + k + 1 }, stop).text.trim());
      return { prompt: example.instruction, answers };
    }
  }
}

parentPort?.on('message', ({ id, job, cancel }: SamplerRequest) => {
  const flag = new Int32Array(cancel);
  const stop = (): boolean => Atomics.load(flag, 0) === 1;
  let reply: SamplerReply;
  try {
    const result = stop() ? undefined : run(job, stop);
    reply = stop() ? { id, ok: false, kind: 'cancelled', error: 'cancelled' } : { id, ok: true, result };
  } catch (error) {
    reply = { id, ok: false, kind: error instanceof JobError ? error.kind : 'failed', error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(reply);
});
