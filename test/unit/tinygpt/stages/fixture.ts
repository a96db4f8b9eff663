/**
 * A tiny GPT pre-trained on the project's own text, shared by the stage tests: small enough to build in
 * seconds, trained enough that fine-tuning has something to change. Built once per mocha process.
 */
import { join } from 'node:path';
import { BpeTokenizer, trainBpe } from '../../../../src/tinygpt/bpe';
import type { GptConfig } from '../../../../src/tinygpt/config';
import { loadCorpus, splitCorpus, tokenizeDocuments } from '../../../../src/tinygpt/corpus';
import { LocalTrainer, TrainState, type TokenData } from '../../../../src/tinygpt/training';
import { buildSftExamples, loadSftSourcesFromMedia, splitExamples, type SftExample } from '../../../../src/tinygpt/stages/sftData';

export const ROOT = join(__dirname, '..', '..', '..', '..');

export interface Pretrained {
  config: GptConfig;
  params: Float32Array;
  tokenizer: BpeTokenizer;
  data: TokenData;
  examples: { train: SftExample[]; heldOut: SftExample[] };
}

let cached: Pretrained | undefined;

export const PRETRAIN_STEPS = 60;

export function pretrained(): Pretrained {
  if (cached) return cached;
  const split = splitCorpus(loadCorpus(ROOT));
  const tokenizer = trainBpe(split.train, 384);
  const encode = (t: string): number[] => tokenizer.encode(t);
  const data = { train: tokenizeDocuments(split.train, encode, tokenizer.endOfText), val: tokenizeDocuments(split.val, encode, tokenizer.endOfText) };
  const config = { vocabSize: tokenizer.vocabSize, context: 64, layers: 2, heads: 2, dim: 32 };
  const state = TrainState.create(config, { batch: 8, lr: 3e-3, steps: PRETRAIN_STEPS, warmupSteps: 10, seed: 5 });
  const trainer = new LocalTrainer(state, data);
  for (let i = 0; i < PRETRAIN_STEPS; i++) trainer.step();
  const examples = splitExamples(buildSftExamples(loadSftSourcesFromMedia(join(ROOT, 'media'))));
  cached = { config, params: state.params, tokenizer, data, examples };
  return cached;
}
