/**
 * Stage 2 — supervised fine-tuning (InstructGPT step 1, Ouyang et al. 2022 §3.5): the pre-trained model is
 * trained further on instruction → answer pairs with the ordinary next-token loss, counted on answer tokens
 * only. Single-threaded and synchronous: the stage worker (stageWorker.ts) runs it off the extension host.
 */
import type { BpeTokenizer } from '../bpe';
import type { GptConfig } from '../config';
import { Gpt, weightDecayMask } from '../model';
import { learningRate } from '../optimizer';
import { Rng } from '../rng';
import { encodeExample, sftBatch, type EncodedExample, type SftExample } from './sftData';
import { Epochs } from './epochs';
import { StageOptimizer } from './stageOptimizer';
import { generate } from './tokenLogProbs';

export interface SftSettings {
  steps: number;
  batch: number;
  lr: number;
  warmupSteps: number;
  seed: number;
}

export const DEFAULT_SFT: SftSettings = { steps: 200, batch: 8, lr: 5e-4, warmupSteps: 10, seed: 1 };

export interface SftStepInfo {
  step: number;
  loss: number;
  lr: number;
  gradNorm: number;
  ms: number;
}

/** A token of an example and whether it is a training target (for showing the mask). */
export interface MaskedToken {
  text: string;
  target: boolean;
}

export function encodeAll(tokenizer: BpeTokenizer, examples: SftExample[], context: number): EncodedExample[] {
  return examples.map((e) => encodeExample((t) => tokenizer.encode(t), tokenizer.endOfText, e.instruction, e.answer, e.lang, context));
}

/** The example's tokens, each marked whether the loss counts it (the answer) or not (the prompt). */
export function maskedTokens(tokenizer: BpeTokenizer, e: EncodedExample): MaskedToken[] {
  return e.tokens.map((id, i) => ({ text: id === tokenizer.endOfText ? '<|endoftext|>' : tokenizer.decode([id]), target: i >= e.promptLength }));
}

/** Mean loss over answer tokens of the examples (batches of `batch`, fixed order). */
export function answerLoss(model: Gpt, examples: EncodedExample[], pad: number, batch = 8): number {
  const T = model.config.context;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < examples.length; i += batch) {
    const part = examples.slice(i, i + batch);
    while (part.length < batch) part.push({ tokens: [pad], promptLength: 1 }); // empty rows: no targets, fixed shape
    const { x, y, mask } = sftBatch(part, T, pad);
    const r = model.forward(x, batch, T, y, mask);
    sum += r.lossSum;
    count += r.count;
  }
  return count ? sum / count : NaN;
}

/**
 * Mean probability the model gives <|endoftext|> right after a complete reference answer: a text model
 * rarely ends a document there, an instruction-tuned one has learned that the answer is over.
 */
export function stopProbability(model: Gpt, examples: EncodedExample[], endOfText: number): number {
  const T = model.config.context;
  const V = model.config.vocabSize;
  const complete = examples.filter((e) => e.tokens.at(-1) === endOfText && e.tokens.length <= T + 1);
  if (!complete.length) return NaN;
  let sum = 0;
  for (const e of complete) {
    const n = e.tokens.length - 1;
    model.forward(e.tokens.slice(0, n), 1, n);
    const row = model.logits.subarray((n - 1) * V, n * V);
    let max = -Infinity;
    for (let v = 0; v < V; v++) max = Math.max(max, row[v]);
    let z = 0;
    for (let v = 0; v < V; v++) z += Math.exp(row[v] - max);
    sum += Math.exp(row[endOfText] - max) / z;
  }
  return sum / complete.length;
}

export class SftTrainer {
  readonly model: Gpt;
  readonly settings: SftSettings;
  readonly train: EncodedExample[];
  readonly heldOut: EncodedExample[];
  readonly losses: number[] = [];
  step = 0;
  private readonly optimizer: StageOptimizer;
  private readonly epochs: Epochs<EncodedExample>;

  /** params are copied: the pre-trained weights stay as they were. */
  constructor(config: GptConfig, params: Float32Array, readonly tokenizer: BpeTokenizer, train: SftExample[], heldOut: SftExample[], settings: Partial<SftSettings> = {}) {
    this.settings = { ...DEFAULT_SFT, ...settings };
    if (!train.length) throw new Error('SFT: no training examples');
    this.model = new Gpt(config, { params: Float32Array.from(params) });
    this.train = encodeAll(tokenizer, train, config.context);
    this.heldOut = encodeAll(tokenizer, heldOut, config.context);
    this.optimizer = new StageOptimizer([{ params: this.model.params, grads: this.model.grads, decay: weightDecayMask(config) }]);
    this.epochs = new Epochs(this.train, new Rng(this.settings.seed));
  }

  runStep(): SftStepInfo {
    const started = performance.now();
    const { batch, steps, lr: peak, warmupSteps } = this.settings;
    const T = this.model.config.context;
    const { x, y, mask } = sftBatch(this.epochs.batch(batch), T, this.tokenizer.endOfText);
    this.optimizer.zeroGrad();
    const { loss } = this.model.forward(x, batch, T, y, mask);
    this.model.backward();
    const lr = learningRate(this.step, { lr: peak, warmupSteps, steps, minLrRatio: 0.1 });
    const gradNorm = this.optimizer.step(lr);
    this.step++;
    this.losses.push(loss);
    return { step: this.step, loss, lr, gradNorm, ms: performance.now() - started };
  }

  heldOutLoss(): number {
    return answerLoss(this.model, this.heldOut, this.tokenizer.endOfText);
  }
}

export interface BeforeAfter {
  instruction: string;
  before: string;
  after: string;
  /** Whether each model ended its answer by itself (<|endoftext|>) rather than running out of tokens. */
  beforeStopped: boolean;
  afterStopped: boolean;
}

/**
 * Greedy answers of two models to the same prompts (InstructGPT's "GPT-3 completes, InstructGPT
 * follows the instruction", on our own held-out questions).
 */
export function beforeAfter(before: Gpt, after: Gpt, tokenizer: BpeTokenizer, examples: SftExample[], maxNewTokens = 32): BeforeAfter[] {
  const prompts = encodeAll(tokenizer, examples, after.config.context).map((e) => e.tokens.slice(0, e.promptLength));
  const options = { maxNewTokens, temperature: 0, rng: new Rng(0), endOfText: tokenizer.endOfText };
  const a = generate(before, prompts, options);
  const b = generate(after, prompts, options);
  const text = (ids: number[]): string => tokenizer.decode(ids.filter((id) => id !== tokenizer.endOfText));
  return examples.map((e, i) => ({
    instruction: e.instruction, before: text(a[i]), after: text(b[i]),
    beforeStopped: a[i].at(-1) === tokenizer.endOfText, afterStopped: b[i].at(-1) === tokenizer.endOfText,
  }));
}
