// The fine-tuning stages' step times, each against the pre-training step of the same model measured in the
// same run (single thread, the stage worker's setting): SFT, reward model, PPO. The model is the shipped
// tokenizer's vocabulary on a small trunk (2 layers, 2 heads, d = 64, context 64) so the bench stays short;
// every ratio compares steps of that one model, so it carries over to the baby size.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BpeTokenizer } from '../src/tinygpt/bpe';
import { decodeCheckpoint } from '../src/tinygpt/checkpoint';
import { loadCorpus, splitCorpus, tokenizeDocuments } from '../src/tinygpt/corpus';
import { DEFAULT_RULE } from '../src/tinygpt/stages/labeler';
import { PpoTrainer } from '../src/tinygpt/stages/ppo';
import { collectRankings, RewardModel, RewardTrainer } from '../src/tinygpt/stages/rewardModel';
import { encodeAll, SftTrainer } from '../src/tinygpt/stages/sft';
import { buildSftExamples, loadSftSourcesFromMedia, splitExamples } from '../src/tinygpt/stages/sftData';
import { LocalTrainer, TrainState } from '../src/tinygpt/training';
import type { BenchResult } from './run';
import { median } from './timing';

const root = join(__dirname, '..');

function time(fn: () => void, repeats: number): number {
  fn();
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

export async function run(): Promise<BenchResult[]> {
  const shipped = decodeCheckpoint(readFileSync(join(root, 'media', 'models', 'tinygpt.bin')));
  const tokenizer = new BpeTokenizer(shipped.tokenizer);
  const config = { vocabSize: tokenizer.vocabSize, context: 64, layers: 2, heads: 2, dim: 64 };
  const split = splitCorpus(loadCorpus(root));
  const corpus = tokenizeDocuments(split.train, (t) => tokenizer.encode(t), tokenizer.endOfText);
  const examples = splitExamples(buildSftExamples(loadSftSourcesFromMedia(join(root, 'media'))));

  // Pre-training: batch 8 × 64 tokens, forward + backward + AdamW.
  const state = TrainState.create(config, { batch: 8, steps: 1000, seed: 1 });
  const pre = new LocalTrainer(state, { train: corpus, val: corpus });
  const preMs = time(() => pre.step(), 5);
  const params = state.params;

  // SFT: the same batch shape, loss on answer tokens.
  const sft = new SftTrainer(config, params, tokenizer, examples.train, examples.heldOut, { steps: 1000, batch: 8 });
  const sftMs = time(() => sft.runStep(), 5);

  // Reward model: 4 rankings × K = 4 answers (16 sequences) per step, all C(4,2) pairs each.
  const rankings = collectRankings(sft.model, tokenizer, examples.train.slice(0, 8), DEFAULT_RULE, { K: 4, maxNewTokens: 16, seed: 1 });
  const rm = new RewardModel(config, sft.model.params);
  const rmTrainer = new RewardTrainer(rm, rankings, rankings.slice(0, 2), tokenizer.endOfText, { steps: 1000, batch: 4 });
  const rmMs = time(() => rmTrainer.runStep(), 3);
  let sampleMs = 0;
  {
    const started = performance.now();
    collectRankings(sft.model, tokenizer, examples.train.slice(8, 12), DEFAULT_RULE, { K: 4, maxNewTokens: 16, seed: 2 });
    sampleMs = performance.now() - started;
  }

  // PPO: 8 rollouts of ≤ 24 tokens, RM scores, reference and old log-probs, 2 epochs, ptx batch of 4.
  const prompts = encodeAll(tokenizer, examples.train, config.context).map((e) => e.tokens.slice(0, e.promptLength));
  const ppo = new PpoTrainer(config, sft.model.params as Float32Array, prompts, (s) => rm.score(s, tokenizer.endOfText), corpus, tokenizer.endOfText, { steps: 1000 });
  const ppoMs = time(() => ppo.runStep(), 3);
  const len = ppo.history.at(-1)?.length ?? 0;
  const rolloutMs = time(() => ppo.sample(prompts.slice(0, 8), 1, 3), 3);

  const f = (ms: number): string => `${ms.toFixed(0)} ms`;
  return [
    { name: 'tinygpt stages: SFT step vs pre-training step', ratio: sftMs / preMs, detail: `${f(sftMs)} vs ${f(preMs)}: the same batch 8 × 64 through the same forward/backward; only the loss mask differs` },
    {
      name: 'tinygpt stages: reward-model step vs pre-training step', ratio: rmMs / preMs,
      detail: `${f(rmMs)} vs ${f(preMs)}: 16 sequences (4 rankings × K = 4) instead of 8, but no V-wide output layer (a scalar head); sampling the 16 answers to rank them once took ${f(sampleMs)} more`,
    },
    {
      name: 'tinygpt stages: PPO step vs pre-training step', ratio: ppoMs / preMs,
      detail: `${f(ppoMs)} vs ${f(preMs)}: one PPO step is about four pre-training steps of passes — the reward model, the frozen SFT model and the policy each read the 8 rollouts once (3 forward passes ≈ 1 step), 2 clipped epochs run forward + backward (2 steps), and the ptx term adds a 4 × 64 corpus batch each epoch (≈ 1 step) — plus sampling the rollouts (${len.toFixed(1)} tokens each, key/value cache: ${f(rolloutMs)})`,
    },
  ];
}
