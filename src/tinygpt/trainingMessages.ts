/**
 * Messages between the Training panel (trainingPanel.ts) and its page (src/webview-ui/training), both sides
 * import this file. The page is untrusted: everything it posts is rebuilt by parseFromTrainingPage, and the
 * page checks what it receives with parseToTrainingPage (a stale bundle or a bug must not draw garbage).
 * Questions the page asks about the model (generate, attention, next token, bits per byte) go through the
 * request/response envelopes of src/webview/protocol.ts.
 */
import type { Lang } from '../core/l10n';
import { isRequestEnvelope, isResponseEnvelope, type RequestEnvelope, type ResponseEnvelope } from '../webview/protocol';
import { parseLearnerRankings, type LearnerRanking } from './stages/learnerRankingArgs';

/** Sizes a learner can train from scratch; 'baby' is the shipped model's (nanoGPT's CPU configuration). */
export const TRAINING_SIZES = [
  { id: 'tiny', layers: 2, heads: 2, dim: 64, context: 64, batch: 8 },
  { id: 'baby', layers: 4, heads: 4, dim: 128, context: 64, batch: 12 },
  { id: 'small', layers: 6, heads: 6, dim: 192, context: 128, batch: 12 },
] as const;
export type SizeId = (typeof TRAINING_SIZES)[number]['id'];

export interface SizeInfo {
  id: SizeId;
  layers: number;
  heads: number;
  dim: number;
  context: number;
  batch: number;
  /** Parameter count with the shipped tokenizer's vocabulary. */
  params: number;
  /** Tokens per optimizer step: batch × context. */
  tokensPerStep: number;
  /** ≈ 6·N·D for one step (D = tokensPerStep), Kaplan et al. 2020; the lecture's compute-optimal section. */
  flopsPerStep: number;
}

/** C ≈ 6·N·D: forward (2N per token) plus backward (4N per token), attention's own FLOPs left out. */
export function flopsPerStep(params: number, tokensPerStep: number): number {
  return 6 * params * tokensPerStep;
}

/**
 * Recorded (as a widget use, so the progress store sets llmLab.widgetUsed.training100Steps) once a run has
 * trained this many steps: the walkthrough step "Watch a GPT learn".
 */
export const TRAINED_STEPS_GOAL = 100;
export const TRAINED_WIDGET_ID = 'training-100-steps';

export interface ModelInfo {
  /** shipped: media/models/tinygpt.bin; trained: the learner's last run (global storage); run: the run in progress. */
  source: 'shipped' | 'trained' | 'run';
  layers: number;
  heads: number;
  dim: number;
  context: number;
  vocabSize: number;
  params: number;
  /** Optimizer steps it was trained for (0 for a fresh initialisation). */
  steps: number;
  valLoss?: number;
}

export type RunStatus = 'starting' | 'running' | 'paused' | 'done' | 'cancelled' | 'error';

export interface Sample {
  step: number;
  prompt: string;
  text: string;
}

/** Everything the page needs to redraw a run (also after it was hidden and rebuilt). */
export interface RunSnapshot {
  size: SizeId;
  status: RunStatus;
  totalSteps: number;
  step: number;
  losses: number[];
  valLosses: Array<{ step: number; loss: number }>;
  tokensPerSecond: number;
  samples: Sample[];
  error?: string;
}

export const STAGE_IDS = ['sft', 'reward', 'ppo'] as const;
export type StageId = (typeof STAGE_IDS)[number];

/** The scripted labeler's weights (stages/labeler.ts LabelerRule). */
export interface RuleWeights {
  namesTerm: number;
  perCharacter: number;
  finished: number;
  repetition: number;
}
export const RULE_KEYS = ['namesTerm', 'perCharacter', 'finished', 'repetition'] as const;

/** The later stages (SFT, reward model, PPO): available when llmLab.train runs them in this build. */
export interface StageInfo {
  id: StageId;
  available: boolean;
  defaults: { steps: number; beta: number; gamma: number; rule: RuleWeights };
}

export interface StagePoint {
  step: number;
  loss: number;
  reward?: number;
  kl?: number;
  ptxLoss?: number;
  pairAccuracy?: number;
}

/** A fine-tuning stage's run as the page draws it. */
export interface StageView {
  stage: StageId;
  status: RunStatus;
  totalSteps: number;
  points: StagePoint[];
  metrics: Record<string, number>;
  /** Held-out instructions answered before and after the stage. */
  samples: Array<{ instruction: string; before: string; after: string }>;
  /** Reward stage: rankings the labeler made (answers best first). */
  rankings: Array<{ instruction: string; answers: string[] }>;
  /** Reward stage: the scripted rule or the learner's own rankings ranked. */
  labeler?: 'scripted' | 'learner';
  error?: string;
}

export interface StageStart {
  stage: StageId;
  steps: number;
  beta: number;
  gamma: number;
  rule: RuleWeights;
  /** Reward stage: the learner's own rankings (then the reward model learns those, not the rule). */
  rankings?: LearnerRanking[];
}

export interface TrainingInit {
  lang: Lang;
  strings: Record<string, string>;
  sizes: SizeInfo[];
  model: ModelInfo;
  run?: RunSnapshot;
  stages: StageInfo[];
  stageViews: StageView[];
  /** Default prompt for samples and the "try it" box, in the reader's language. */
  prompt: string;
}

/** Request → response pairs about the current model (answered off the extension host's thread). */
export type TrainingRequests = {
  generate: [{ prompt: string; maxTokens: number; temperature: number; seed: number }, { text: string; tokens: number }];
  attention: [{ text: string }, AttentionResult];
  nextToken: [{ text: string; k: number }, NextTokenResult];
  bitsPerByte: [object, BitsPerByteResult];
  /** K answers the SFT model samples to the n-th instruction, for the learner to rank. */
  answersToRank: [{ n: number }, { prompt: string; answers: string[] }];
};
export type TrainingRequestType = keyof TrainingRequests;

export interface AttentionResult {
  /** The tokens of the text as the model sees them (at most its context). */
  tokens: string[];
  layers: number;
  heads: number;
  /** weights[layer][head] = T×T row-major, row = query position (causal: zero above the diagonal). */
  weights: number[][][];
  truncated: boolean;
}

export interface NextTokenResult {
  /** The last few tokens the prediction follows. */
  context: string[];
  top: Array<{ token: string; p: number }>;
}

export interface BitsPerByteResult {
  transformer: number;
  ngram: number;
  /** UTF-8 bytes of held-out text both were scored on. */
  bytes: number;
  documents: number;
  /** Share of the n-gram's tokens that it never saw in training (each spelled out at 8 bits per byte). */
  ngramUnseen: number;
}

export type ToTrainingPage =
  | { type: 'init'; init: TrainingInit }
  /** A new run (starting): the page starts drawing it afresh. */
  | { type: 'run'; run: RunSnapshot }
  | { type: 'status'; status: RunStatus; error?: string }
  /** Losses of steps from+1 … from+losses.length (batched so a fast model does not flood the page). */
  | { type: 'steps'; from: number; losses: number[]; tokensPerSecond: number }
  | { type: 'val'; step: number; loss: number }
  | { type: 'sample'; sample: Sample }
  | { type: 'model'; model: ModelInfo }
  | { type: 'stage'; view: StageView }
  | ResponseEnvelope;

export interface StartOptions {
  size: SizeId;
  steps: number;
  /** A sample and a validation loss every N steps. */
  every: number;
}

/** Lecture sections the page may open (it never runs commands itself). */
export const TRAINING_SECTIONS = ['compute-optimal', 'pretraining', 'gpt2', 'rlhf-sft', 'rlhf-reward-model', 'rlhf-ppo', 'bert-gpt-t5'] as const;
export type TrainingSection = (typeof TRAINING_SECTIONS)[number];

export type FromTrainingPage =
  | { type: 'ready' }
  | { type: 'start'; options: StartOptions }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'cancel' }
  | { type: 'openLecture'; section: TrainingSection }
  | { type: 'runStage'; options: StageStart }
  | RequestEnvelope;

export const MAX_STEPS = 5000;
const MAX_TEXT = 2000;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, lo: number, hi: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isSize = (v: unknown): v is SizeId => TRAINING_SIZES.some((s) => s.id === v);

export function parseStartOptions(raw: unknown): StartOptions | undefined {
  if (!isRecord(raw) || !isSize(raw.size) || !isInt(raw.steps, 1, MAX_STEPS) || !isInt(raw.every, 1, MAX_STEPS)) return undefined;
  return { size: raw.size, steps: raw.steps, every: raw.every };
}

/** A stage run the page asks for: steps 1…MAX_STEPS, β in 0…10, γ in 0…100, finite rule weights within ±100. */
export function parseStageStart(raw: unknown): StageStart | undefined {
  if (!isRecord(raw) || !(STAGE_IDS as readonly unknown[]).includes(raw.stage) || !isInt(raw.steps, 1, MAX_STEPS)) return undefined;
  if (!isNum(raw.beta) || raw.beta < 0 || raw.beta > 10 || !isNum(raw.gamma) || raw.gamma < 0 || raw.gamma > 100) return undefined;
  const rule = raw.rule;
  if (!isRecord(rule) || !RULE_KEYS.every((k) => isNum(rule[k]) && Math.abs(rule[k]) <= 100)) return undefined;
  let rankings: LearnerRanking[] | undefined;
  if (raw.rankings !== undefined) {
    try {
      rankings = raw.stage === 'reward' ? parseLearnerRankings(raw.rankings) : undefined;
    } catch {
      return undefined;
    }
    if (!rankings) return undefined;
  }
  return {
    stage: raw.stage as StageId, steps: raw.steps, beta: raw.beta, gamma: raw.gamma,
    rule: { namesTerm: rule.namesTerm as number, perCharacter: rule.perCharacter as number, finished: rule.finished as number, repetition: rule.repetition as number },
    ...(rankings ? { rankings } : {}),
  };
}

/** What the page posted, rebuilt field by field; undefined = ignored. */
export function parseFromTrainingPage(raw: unknown): FromTrainingPage | undefined {
  if (!isRecord(raw)) return undefined;
  switch (raw.type) {
    case 'ready':
    case 'pause':
    case 'resume':
    case 'cancel':
      return { type: raw.type };
    case 'start': {
      const options = parseStartOptions(raw.options);
      return options ? { type: 'start', options } : undefined;
    }
    case 'runStage': {
      const options = parseStageStart(raw.options);
      return options ? { type: 'runStage', options } : undefined;
    }
    case 'openLecture':
      return (TRAINING_SECTIONS as readonly unknown[]).includes(raw.section) ? { type: 'openLecture', section: raw.section as TrainingSection } : undefined;
    case 'request':
      return isRequestEnvelope(raw) ? { type: 'request', requestId: raw.requestId, payload: raw.payload } : undefined;
    default:
      return undefined;
  }
}

/** A request's payload, checked (the extension side of the request protocol). Throws with the reason. */
export function parseTrainingRequest(payload: unknown): { [K in TrainingRequestType]: { type: K } & TrainingRequests[K][0] }[TrainingRequestType] {
  if (!isRecord(payload)) throw new Error('malformed request');
  const text = (v: unknown): string => {
    if (typeof v !== 'string' || v.length > MAX_TEXT) throw new Error(`text must be a string of at most ${MAX_TEXT} characters`);
    return v;
  };
  switch (payload.type) {
    case 'generate': {
      if (!isInt(payload.maxTokens, 1, 256)) throw new Error('maxTokens must be a whole number in 1…256');
      if (!isNum(payload.temperature) || payload.temperature < 0 || payload.temperature > 2) throw new Error('temperature must be in 0…2');
      if (!isInt(payload.seed, 0, 2 ** 31)) throw new Error('seed must be a whole number ≥ 0');
      return { type: 'generate', prompt: text(payload.prompt), maxTokens: payload.maxTokens, temperature: payload.temperature, seed: payload.seed };
    }
    case 'attention':
      return { type: 'attention', text: text(payload.text) };
    case 'nextToken':
      if (!isInt(payload.k, 1, 50)) throw new Error('k must be a whole number in 1…50');
      return { type: 'nextToken', text: text(payload.text), k: payload.k };
    case 'bitsPerByte':
      return { type: 'bitsPerByte' };
    case 'answersToRank':
      if (!isInt(payload.n, 0, 2 ** 31)) throw new Error('n must be a whole number ≥ 0');
      return { type: 'answersToRank', n: payload.n };
    default:
      throw new Error(`unknown request ${JSON.stringify(payload.type)}`);
  }
}

const isModel = (v: unknown): v is ModelInfo =>
  isRecord(v) && (v.source === 'shipped' || v.source === 'trained' || v.source === 'run') &&
  ['layers', 'heads', 'dim', 'context', 'vocabSize', 'params', 'steps'].every((k) => isInt(v[k], 0, 2 ** 40)) &&
  (v.valLoss === undefined || isNum(v.valLoss));

const STATUSES: readonly unknown[] = ['starting', 'running', 'paused', 'done', 'cancelled', 'error'];
const isSample = (v: unknown): v is Sample => isRecord(v) && isInt(v.step, 0, 2 ** 31) && typeof v.prompt === 'string' && typeof v.text === 'string';
/** A diverged run's loss is NaN or ∞: still a number the page must be told about. */
const isLosses = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');
const isValLosses = (v: unknown): v is RunSnapshot['valLosses'] => Array.isArray(v) && v.every((e) => isRecord(e) && isInt(e.step, 0, 2 ** 31) && isNum(e.loss));

function isRun(v: unknown): v is RunSnapshot {
  return isRecord(v) && isSize(v.size) && STATUSES.includes(v.status) && isInt(v.totalSteps, 0, MAX_STEPS) && isInt(v.step, 0, MAX_STEPS) &&
    isLosses(v.losses) && isValLosses(v.valLosses) && isNum(v.tokensPerSecond) && Array.isArray(v.samples) && v.samples.every(isSample) &&
    (v.error === undefined || typeof v.error === 'string');
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

function isStageView(v: unknown): v is StageView {
  return isRecord(v) && (STAGE_IDS as readonly unknown[]).includes(v.stage) && STATUSES.includes(v.status) && isInt(v.totalSteps, 0, MAX_STEPS) &&
    Array.isArray(v.points) && v.points.every((p) => isRecord(p) && isInt(p.step, 0, MAX_STEPS) && typeof p.loss === 'number') &&
    isRecord(v.metrics) && Object.values(v.metrics).every((x) => typeof x === 'number') &&
    Array.isArray(v.samples) && v.samples.every((x) => isRecord(x) && typeof x.instruction === 'string' && typeof x.before === 'string' && typeof x.after === 'string') &&
    Array.isArray(v.rankings) && v.rankings.every((x) => isRecord(x) && typeof x.instruction === 'string' && isStrings(x.answers)) &&
    (v.error === undefined || typeof v.error === 'string');
}

function isInit(v: unknown): v is TrainingInit {
  return isRecord(v) && (v.lang === 'en' || v.lang === 'zh-cn') && isRecord(v.strings) && Array.isArray(v.sizes) &&
    v.sizes.every((s) => isRecord(s) && isSize(s.id) && isNum(s.params) && isNum(s.flopsPerStep)) && isModel(v.model) &&
    (v.run === undefined || isRun(v.run)) && Array.isArray(v.stages) && Array.isArray(v.stageViews) && v.stageViews.every(isStageView) &&
    typeof v.prompt === 'string';
}

/** The page's check of what the extension sent; undefined = ignored. */
export function parseToTrainingPage(raw: unknown): ToTrainingPage | undefined {
  if (!isRecord(raw)) return undefined;
  switch (raw.type) {
    case 'init':
      return isInit(raw.init) ? (raw as ToTrainingPage) : undefined;
    case 'run':
      return isRun(raw.run) ? (raw as ToTrainingPage) : undefined;
    case 'status':
      return STATUSES.includes(raw.status) && (raw.error === undefined || typeof raw.error === 'string') ? (raw as ToTrainingPage) : undefined;
    case 'steps':
      return isInt(raw.from, 0, MAX_STEPS) && isLosses(raw.losses) && isNum(raw.tokensPerSecond) ? (raw as ToTrainingPage) : undefined;
    case 'val':
      return isInt(raw.step, 0, MAX_STEPS) && isNum(raw.loss) ? (raw as ToTrainingPage) : undefined;
    case 'sample':
      return isSample(raw.sample) ? (raw as ToTrainingPage) : undefined;
    case 'model':
      return isModel(raw.model) ? (raw as ToTrainingPage) : undefined;
    case 'stage':
      return isStageView(raw.view) ? (raw as ToTrainingPage) : undefined;
    case 'response':
      return isResponseEnvelope(raw) ? (raw) : undefined;
    default:
      return undefined;
  }
}
