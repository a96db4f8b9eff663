/**
 * Sizes of the tiny GPT and of a training run, with the checks that refuse a configuration the model
 * cannot run, each with a message that says what to change.
 */
export interface GptConfig {
  vocabSize: number;
  /** Longest sequence (learned position embeddings exist for 0…context−1). */
  context: number;
  layers: number;
  heads: number;
  /** Width of the residual stream (d_model). */
  dim: number;
}

export interface TrainConfig {
  /** Sequences per step (split over the workers). */
  batch: number;
  /** Peak learning rate, reached after warm-up, then cosine decay to lr · minLrRatio. */
  lr: number;
  steps: number;
  warmupSteps: number;
  minLrRatio: number;
  weightDecay: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Global gradient-norm clip (0 = off). */
  gradClip: number;
  /** Dropout probability on the embeddings and residual branches while training (0 = off). */
  dropout: number;
  seed: number;
}

/** nanoGPT's CPU-sized configuration ("baby"): about 0.9 M parameters with a 1k vocabulary. */
export const BABY: Omit<GptConfig, 'vocabSize'> = { context: 64, layers: 4, heads: 4, dim: 128 };

export const DEFAULT_TRAIN: TrainConfig = {
  batch: 12,
  lr: 2e-3,
  steps: 1000,
  warmupSteps: 50,
  minLrRatio: 0.1,
  weightDecay: 0.1,
  beta1: 0.9,
  beta2: 0.95,
  eps: 1e-8,
  gradClip: 1,
  dropout: 0,
  seed: 1337,
};

/** How npm run train:builtin trains the shipped model (the bench's loss-after-minutes run uses the same schedule). */
export const BUILTIN_VOCAB = 2048;
export const BUILTIN_STEPS = 6000;
export const BUILTIN_TRAIN = { batch: 12, lr: 2e-3, warmupSteps: 40, minLrRatio: 0.1, weightDecay: 0.1, gradClip: 1, dropout: 0.2, seed: 1337 };

const positiveInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** Throws a RangeError naming the first problem; returns the config unchanged otherwise. */
export function validateGptConfig(config: GptConfig): GptConfig {
  for (const key of ['vocabSize', 'context', 'layers', 'heads', 'dim'] as const) {
    if (!positiveInt(config[key])) throw new RangeError(`tiny GPT: ${key} must be a positive whole number (got ${String(config[key])})`);
  }
  if (config.dim % config.heads !== 0) {
    throw new RangeError(`tiny GPT: dim ${config.dim} is not divisible by heads ${config.heads}; each head needs dim / heads channels`);
  }
  if (config.context > 4096) throw new RangeError(`tiny GPT: context ${config.context} is larger than 4096`);
  return config;
}

export function validateTrainConfig(config: TrainConfig): TrainConfig {
  if (!positiveInt(config.batch)) throw new RangeError(`tiny GPT: batch must be a positive whole number (got ${String(config.batch)})`);
  if (!Number.isInteger(config.steps) || config.steps < 0) throw new RangeError(`tiny GPT: steps must be a whole number ≥ 0 (got ${String(config.steps)})`);
  if (!Number.isFinite(config.lr) || config.lr <= 0) throw new RangeError(`tiny GPT: learning rate must be a finite number > 0 (got ${String(config.lr)})`);
  for (const key of ['weightDecay', 'gradClip', 'minLrRatio', 'warmupSteps'] as const) {
    if (!Number.isFinite(config[key]) || config[key] < 0) throw new RangeError(`tiny GPT: ${key} must be a finite number ≥ 0 (got ${String(config[key])})`);
  }
  if (!(config.dropout >= 0 && config.dropout < 1)) throw new RangeError(`tiny GPT: dropout must be in [0, 1) (got ${String(config.dropout)})`);
  for (const key of ['beta1', 'beta2'] as const) {
    if (!(config[key] >= 0 && config[key] < 1)) throw new RangeError(`tiny GPT: ${key} must be in [0, 1) (got ${String(config[key])})`);
  }
  if (!Number.isInteger(config.seed)) throw new RangeError(`tiny GPT: seed must be a whole number (got ${String(config.seed)})`);
  return config;
}
