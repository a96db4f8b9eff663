/**
 * Runs one fine-tuning stage end to end from files: load the previous stage's checkpoint, train, write this
 * stage's checkpoint. Stages chain pre-trained → sft → reward → ppo (PPO needs both the SFT policy and the
 * reward model). Pure Node (no vscode); the stage worker runs it off the extension host, and progress
 * (losses, metrics, samples) goes to whoever listens — the command, a panel.
 */
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BpeTokenizer } from '../bpe';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../checkpoint';
import { decodeCorpus } from '../corpusFile';
import { Gpt } from '../model';
import { DEFAULT_RULE, describeRule, type LabelerRule } from './labeler';
import { encodeLearnerRankings, type LearnerRanking } from './learnerRankings';
import { PpoTrainer } from './ppo';
import { collectRankings, RewardModel, RewardTrainer } from './rewardModel';
import { beforeAfter, encodeAll, SftTrainer, stopProbability, type BeforeAfter } from './sft';
import { buildSftExamples, loadSftSourcesFromContent, loadSftSourcesFromMedia, splitExamples, type SftExample } from './sftData';

export type StageName = 'sft' | 'reward' | 'ppo';
export const STAGE_NAMES: readonly StageName[] = ['sft', 'reward', 'ppo'];

export interface StagePaths {
  /** The pre-trained model SFT starts from (the learner's own, else the shipped one). */
  base: string;
  sft: string;
  reward: string;
  ppo: string;
  /** Compiled content (dist/content) or the media folder: glossary and concept checks for the instruction data. */
  content: string;
  /** Tokenized corpus (media/models/corpus.bin) for PPO-ptx; without it the ptx term is off. */
  corpus?: string;
}

export interface StageRequest {
  stage: StageName;
  steps: number;
  seed: number;
  /** PPO: KL coefficient and pre-training mix. */
  beta: number;
  gamma: number;
  rule: LabelerRule;
  /** Reward stage: the learner's own rankings instead of the scripted labeler. */
  rankings?: LearnerRanking[];
  paths: StagePaths;
}

export interface StageMetrics {
  /** SFT: mean loss on held-out answers, before and after. */
  heldOutLossBefore?: number;
  heldOutLoss?: number;
  /** SFT: p(<|endoftext|>) after a complete held-out answer (does the model know an answer ends?), before and after. */
  stopProbabilityBefore?: number;
  stopProbability?: number;
  pairAccuracyBefore?: number;
  pairAccuracy?: number;
  reward?: number;
  kl?: number;
  ptxLoss?: number;
}

export interface StageProgress {
  stage: StageName;
  step: number;
  steps: number;
  loss: number;
  metrics: StageMetrics;
}

export interface StageResult {
  ok: boolean;
  stage: StageName;
  steps: number;
  losses: number[];
  metrics: StageMetrics;
  checkpoint?: string;
  /** Held-out instructions answered before and after the stage. */
  samples?: BeforeAfter[];
  /** Reward stage: a few rankings the labeler made (answers best first). */
  rankings?: Array<{ instruction: string; answers: string[] }>;
  /** Reward stage: who ranked — the scripted rule, or the learner (pair accuracy is then on their own rankings). */
  labeler?: 'scripted' | 'learner';
  /** The labeler's rule as text (English and Chinese lines). */
  rule?: { en: string[]; 'zh-cn': string[] };
  cancelled?: boolean;
}

export interface StageHooks {
  onProgress?: (p: StageProgress) => void;
  isCancelled?: () => boolean;
}

/** Which checkpoints a stage reads. */
export function requiredCheckpoints(stage: StageName, paths: StagePaths): Array<{ stage: 'pretrain' | StageName; path: string }> {
  if (stage === 'sft') return [{ stage: 'pretrain', path: paths.base }];
  if (stage === 'reward') return [{ stage: 'sft', path: paths.sft }];
  return [{ stage: 'sft', path: paths.sft }, { stage: 'reward', path: paths.reward }];
}

/** The first checkpoint a stage needs that does not exist yet (undefined: ready to run). */
export function missingPrerequisite(stage: StageName, paths: StagePaths, exists: (path: string) => boolean = existsSync): 'pretrain' | StageName | undefined {
  return requiredCheckpoints(stage, paths).find((r) => !exists(r.path))?.stage;
}

async function load(path: string): Promise<Checkpoint> {
  return decodeCheckpoint(await readFile(path));
}

async function save(path: string, ck: Checkpoint): Promise<string> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, encodeCheckpoint(ck));
  await rename(tmp, path);
  return path;
}

/**
 * Runs `step` up to `steps` times; between steps it lets the worker's message handlers run and stops when
 * cancelled. Returns whether it was cancelled.
 */
async function stepLoop(steps: number, hooks: StageHooks, step: () => void): Promise<boolean> {
  for (let i = 0; i < steps; i++) {
    await new Promise((r) => setImmediate(r));
    if (hooks.isCancelled?.()) return true;
    step();
  }
  return false;
}

export function examplesFrom(paths: StagePaths): { train: SftExample[]; heldOut: SftExample[] } {
  // dist/content in the extension; the media folder (source files) in tests and scripts.
  const compiled = existsSync(join(paths.content, 'glossary.json'));
  const sources = compiled ? loadSftSourcesFromContent(paths.content) : loadSftSourcesFromMedia(paths.content);
  const split = splitExamples(buildSftExamples(sources));
  if (!split.train.length) throw new Error(`no instruction data in ${paths.content}`);
  return split;
}

/** A few held-out instructions in both languages, for before/after samples. */
function showcase(heldOut: SftExample[]): SftExample[] {
  return [...heldOut.filter((e) => e.lang === 'en').slice(0, 2), ...heldOut.filter((e) => e.lang === 'zh-cn').slice(0, 1)];
}

export async function runStage(req: StageRequest, hooks: StageHooks = {}): Promise<StageResult> {
  if (req.stage === 'sft') return runSft(req, hooks);
  if (req.stage === 'reward') return runReward(req, hooks);
  return runPpo(req, hooks);
}

async function runSft(req: StageRequest, hooks: StageHooks): Promise<StageResult> {
  const base = await load(req.paths.base);
  const tokenizer = new BpeTokenizer(base.tokenizer);
  const data = examplesFrom(req.paths);
  const trainer = new SftTrainer(base.config, base.params, tokenizer, data.train, data.heldOut, {
    steps: req.steps, seed: req.seed, warmupSteps: Math.min(10, Math.max(1, Math.floor(req.steps / 10))),
  });
  const heldOutLossBefore = trainer.heldOutLoss();
  const pre = new Gpt(base.config, { params: base.params });
  const stopProbabilityBefore = stopProbability(pre, trainer.heldOut, tokenizer.endOfText);
  const cancelled = await stepLoop(req.steps, hooks, () => {
    const info = trainer.runStep();
    hooks.onProgress?.({ stage: 'sft', step: info.step, steps: req.steps, loss: info.loss, metrics: { heldOutLossBefore } });
  });
  const metrics: StageMetrics = {
    heldOutLossBefore, heldOutLoss: trainer.heldOutLoss(),
    stopProbabilityBefore, stopProbability: stopProbability(trainer.model, trainer.heldOut, tokenizer.endOfText),
  };
  const samples = beforeAfter(pre, trainer.model, tokenizer, showcase(data.heldOut), 24);
  const checkpoint = await save(req.paths.sft, {
    config: base.config, tokenizer: base.tokenizer, params: trainer.model.params as Float32Array,
    meta: { stage: 'sft', steps: trainer.step, seed: req.seed, ...metrics },
  });
  return { ok: !cancelled, stage: 'sft', steps: trainer.step, losses: trainer.losses, metrics, checkpoint, samples, cancelled };
}

/** Rankings per step (each of K = 4 answers) and held-out prompts for pair accuracy. */
const RANKINGS_PER_STEP = 4;
const HELD_OUT_RANKINGS = 8;

/** The reward model's warm-up: a tenth of its steps, 1 to 5. */
const rewardWarmup = (steps: number): number => Math.min(5, Math.max(1, Math.floor(steps / 10)));

async function runReward(req: StageRequest, hooks: StageHooks): Promise<StageResult> {
  if (req.rankings) return runRewardOnLearnerRankings(req, req.rankings, hooks);
  const sft = await load(req.paths.sft);
  const tokenizer = new BpeTokenizer(sft.tokenizer);
  const data = examplesFrom(req.paths);
  const policy = new Gpt(sft.config, { params: sft.params });
  // One epoch over fresh rankings, as InstructGPT trained its reward model (more passes overfit).
  const pick = (list: SftExample[], n: number, offset: number): SftExample[] => Array.from({ length: Math.min(n, list.length * 4) }, (_, i) => list[(offset + i * 7) % list.length]);
  const trainPrompts = pick(data.train, req.steps * RANKINGS_PER_STEP, req.seed);
  const heldOutPrompts = pick(data.heldOut, HELD_OUT_RANKINGS, 0);
  const rankings = collectRankings(policy, tokenizer, [...trainPrompts, ...heldOutPrompts], req.rule, { K: 4, maxNewTokens: 16, seed: req.seed });
  const train = rankings.slice(0, trainPrompts.length);
  const heldOut = rankings.slice(trainPrompts.length);
  const rm = new RewardModel(sft.config, sft.params);
  const trainer = new RewardTrainer(rm, train, heldOut, tokenizer.endOfText, { steps: req.steps, batch: RANKINGS_PER_STEP, seed: req.seed, warmupSteps: rewardWarmup(req.steps) });
  const { cancelled, metrics, checkpoint } = await trainReward(req, hooks, sft, trainer, { rule: req.rule });
  return {
    ok: !cancelled, stage: 'reward', steps: trainer.step, losses: trainer.losses, metrics, checkpoint, cancelled, labeler: 'scripted',
    rankings: heldOut.slice(0, 3).map((r, i) => ({ instruction: heldOutPrompts[i].instruction, answers: (r.order ?? []).map((j) => r.answers?.[j] ?? '') })),
    rule: { en: describeRule(req.rule, 'en'), 'zh-cn': describeRule(req.rule, 'zh-cn') },
  };
}

/** The reward stage's step loop, pair accuracy before and after, and its checkpoint (the head in meta). */
async function trainReward(
  req: StageRequest, hooks: StageHooks, sft: Checkpoint, trainer: RewardTrainer, meta: Record<string, unknown>,
): Promise<{ cancelled: boolean; metrics: StageMetrics; checkpoint: string }> {
  const pairAccuracyBefore = trainer.heldOutAccuracy();
  const cancelled = await stepLoop(req.steps, hooks, () => {
    const info = trainer.runStep();
    hooks.onProgress?.({ stage: 'reward', step: info.step, steps: req.steps, loss: info.loss, metrics: { pairAccuracyBefore } });
  });
  const metrics: StageMetrics = { pairAccuracyBefore, pairAccuracy: trainer.heldOutAccuracy() };
  const checkpoint = await save(req.paths.reward, {
    config: sft.config, tokenizer: sft.tokenizer, params: trainer.rm.gpt.params as Float32Array,
    meta: { stage: 'reward', head: Array.from(trainer.rm.head), ...meta, steps: trainer.step, seed: req.seed, ...metrics },
  });
  return { cancelled, metrics, checkpoint };
}

/**
 * The reward model on the learner's own rankings. A learner ranks a handful of prompts, too few to hold
 * some out, so pair accuracy (before and after) is measured on their rankings: has the model learned *their*
 * preference?
 */
async function runRewardOnLearnerRankings(req: StageRequest, given: LearnerRanking[], hooks: StageHooks): Promise<StageResult> {
  const sft = await load(req.paths.sft);
  const tokenizer = new BpeTokenizer(sft.tokenizer);
  const rankings = encodeLearnerRankings(tokenizer, given, sft.config.context);
  const rm = new RewardModel(sft.config, sft.params);
  const trainer = new RewardTrainer(rm, rankings, rankings, tokenizer.endOfText, {
    steps: req.steps, batch: Math.min(RANKINGS_PER_STEP, rankings.length), seed: req.seed, warmupSteps: rewardWarmup(req.steps),
  });
  const { cancelled, metrics, checkpoint } = await trainReward(req, hooks, sft, trainer, { labeler: 'learner', rankings: given.length });
  return {
    ok: !cancelled, stage: 'reward', steps: trainer.step, losses: trainer.losses, metrics, checkpoint, cancelled, labeler: 'learner',
    rankings: given.slice(0, 3).map((r) => ({ instruction: r.prompt, answers: r.order.map((j) => r.answers[j]) })),
  };
}

export function rewardHead(ck: Checkpoint): number[] {
  const head = ck.meta?.head;
  if (!Array.isArray(head) || head.length !== ck.config.dim + 1 || !head.every((v) => typeof v === 'number')) {
    throw new Error('the reward checkpoint has no scalar head');
  }
  return head;
}

async function runPpo(req: StageRequest, hooks: StageHooks): Promise<StageResult> {
  const sft = await load(req.paths.sft);
  const rmCk = await load(req.paths.reward);
  const tokenizer = new BpeTokenizer(sft.tokenizer);
  const data = examplesFrom(req.paths);
  const rm = new RewardModel(rmCk.config, rmCk.params, rewardHead(rmCk));
  const scorer = (sequences: number[][]): number[] => rm.score(sequences, tokenizer.endOfText);
  const prompts = encodeAll(tokenizer, data.train, sft.config.context).map((e) => e.tokens.slice(0, e.promptLength));
  const corpus = req.paths.corpus && existsSync(req.paths.corpus) ? decodeCorpus(await readFile(req.paths.corpus)).train : null;
  const trainer = new PpoTrainer(sft.config, sft.params, prompts, scorer, corpus, tokenizer.endOfText, {
    steps: req.steps, beta: req.beta, gamma: req.gamma, seed: req.seed,
  });
  const losses: number[] = [];
  const cancelled = await stepLoop(req.steps, hooks, () => {
    const info = trainer.runStep();
    losses.push(info.policyLoss);
    hooks.onProgress?.({ stage: 'ppo', step: info.step, steps: req.steps, loss: info.policyLoss, metrics: { reward: info.reward, kl: info.kl, ptxLoss: info.ptxLoss } });
  });
  const last = trainer.history.at(-1);
  const metrics: StageMetrics = { reward: last?.reward, kl: last?.kl, ptxLoss: last && Number.isFinite(last.ptxLoss) ? last.ptxLoss : undefined };
  const samples = beforeAfter(trainer.reference, trainer.policy, tokenizer, showcase(data.heldOut), 24);
  const checkpoint = await save(req.paths.ppo, {
    config: sft.config, tokenizer: sft.tokenizer, params: trainer.policy.params as Float32Array,
    meta: { stage: 'ppo', steps: trainer.step, seed: req.seed, beta: req.beta, gamma: req.gamma, ...metrics },
  });
  return { ok: !cancelled, stage: 'ppo', steps: trainer.step, losses, metrics, checkpoint, samples, cancelled };
}

export const STAGE_DEFAULTS = { steps: { sft: 100, reward: 30, ppo: 20 } as Record<StageName, number>, seed: 1, beta: 0.02, gamma: 1, rule: DEFAULT_RULE };
