/**
 * Arguments of `llmLab.train` and `llmLab.exportModel` (SPEC), checked before anything starts, so a bad
 * call returns { ok: false, error } with a message instead of throwing inside a worker.
 */
import { BABY, DEFAULT_TRAIN, validateGptConfig, validateTrainConfig, type GptConfig, type TrainConfig } from './config';

export interface TrainRequest {
  stage: 'pretrain';
  steps: number;
  model: GptConfig;
  train: TrainConfig;
  showUi: boolean;
}

const STAGES = ['pretrain', 'sft', 'reward', 'ppo'];

/** Throws a RangeError with the reason; vocabSize comes from the shipped tokenizer. */
export function parseTrainArgs(arg: unknown, vocabSize: number): TrainRequest {
  const a = (arg && typeof arg === 'object' ? arg : {}) as Record<string, unknown>;
  const stage = a.stage ?? 'pretrain';
  if (typeof stage !== 'string' || !STAGES.includes(stage)) throw new RangeError(`tiny GPT: unknown stage ${JSON.stringify(stage)}`);
  if (stage !== 'pretrain') throw new RangeError(`tiny GPT: the ${stage} stage is not available yet`);
  const c = (a.config && typeof a.config === 'object' ? a.config : {}) as Record<string, unknown>;
  const num = (v: unknown, fallback: number): number => (v === undefined ? fallback : typeof v === 'number' ? v : NaN);
  const steps = num(a.steps, 200);
  const model = validateGptConfig({
    vocabSize,
    layers: num(c.layers, BABY.layers),
    heads: num(c.heads, BABY.heads),
    dim: num(c.dim, BABY.dim),
    context: num(c.context, BABY.context),
  });
  const train = validateTrainConfig({
    ...DEFAULT_TRAIN,
    steps,
    batch: num(c.batch, DEFAULT_TRAIN.batch),
    lr: num(c.lr, DEFAULT_TRAIN.lr),
    seed: num(a.seed, DEFAULT_TRAIN.seed),
    warmupSteps: Math.min(DEFAULT_TRAIN.warmupSteps, Math.max(1, Math.floor(steps / 10))),
  });
  return { stage: 'pretrain', steps, model, train, showUi: a.showUi === true };
}

export function parseExportArgs(arg: unknown): { path?: string; format: 'gguf' } {
  const a = (arg && typeof arg === 'object' ? arg : {}) as Record<string, unknown>;
  if (a.format !== undefined && a.format !== 'gguf') throw new RangeError(`tiny GPT: unknown export format ${JSON.stringify(a.format)} (only "gguf")`);
  if (a.path !== undefined && typeof a.path !== 'string') throw new RangeError('tiny GPT: path must be a string');
  return { path: a.path, format: 'gguf' };
}
