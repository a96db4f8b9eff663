/**
 * The fine-tuning stages' part of `llmLab.train`'s argument (SPEC): { stage: 'sft' | 'reward' | 'ppo',
 * steps?, seed?, beta?, gamma?, labeler?: 'scripted' | 'learner', rule?, rankings?, showUi? }. The reward stage
 * learns the learner's own rankings ([{ prompt, answers, order }], labeler 'learner', the default when rankings
 * are given) or the scripted labeler's rule. Checked before anything starts, so a
 * bad call returns { ok: false, error } instead of failing inside a worker.
 */
import { parseRule } from './labeler';
import { parseLearnerRankings } from './learnerRankings';
import { STAGE_DEFAULTS, STAGE_NAMES, type StageName, type StageRequest } from './stageRunner';

/**
 * Recorded as a widget use when a PPO stage finishes (the progress store then sets
 * llmLab.widgetUsed.rlhfChain): the walkthrough's RLHF step is completed by running the chain.
 */
export const CHAIN_DONE_WIDGET_ID = 'rlhf-chain';

export type StageArgs = Omit<StageRequest, 'paths'> & { showUi: boolean };

export function isStageName(v: unknown): v is StageName {
  return typeof v === 'string' && (STAGE_NAMES as readonly string[]).includes(v);
}

/** Throws a RangeError naming the bad field. */
export function parseStageArgs(arg: unknown): StageArgs {
  const a = (arg && typeof arg === 'object' ? arg : {}) as Record<string, unknown>;
  if (!isStageName(a.stage)) throw new RangeError(`tiny GPT: stage must be one of ${STAGE_NAMES.join(', ')} (got ${JSON.stringify(a.stage)})`);
  const stage = a.stage;
  const number = (key: string, fallback: number, ok: (v: number) => boolean, what: string): number => {
    const v = a[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw new RangeError(`tiny GPT: ${key} must be ${what} (got ${JSON.stringify(v)})`);
    return v;
  };
  const steps = number('steps', STAGE_DEFAULTS.steps[stage], (v) => Number.isInteger(v) && v >= 1 && v <= 100_000, 'a whole number from 1 to 100000');
  const seed = number('seed', STAGE_DEFAULTS.seed, Number.isInteger, 'a whole number');
  const beta = number('beta', STAGE_DEFAULTS.beta, (v) => v >= 0 && v <= 10, 'a number from 0 to 10');
  const gamma = number('gamma', STAGE_DEFAULTS.gamma, (v) => v >= 0 && v <= 100, 'a number from 0 to 100');
  if (a.labeler !== undefined && a.labeler !== 'scripted' && a.labeler !== 'learner') {
    throw new RangeError(`tiny GPT: labeler must be "scripted" or "learner" (got ${JSON.stringify(a.labeler)})`);
  }
  const learner = a.labeler === 'learner' || (a.labeler === undefined && a.rankings !== undefined);
  if (learner && stage !== 'reward') throw new RangeError('tiny GPT: rankings are for the reward stage');
  if (learner && a.rankings === undefined) throw new RangeError('tiny GPT: labeler "learner" needs rankings: [{ prompt, answers, order }]');
  const rankings = learner ? parseLearnerRankings(a.rankings) : undefined;
  return { stage, steps, seed, beta, gamma, rule: parseRule(a.rule), ...(rankings ? { rankings } : {}), showUi: a.showUi === true };
}
