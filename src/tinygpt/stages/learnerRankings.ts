/**
 * The learner as the labeler (the reward stage without the scripted rule): rankings a person made of K
 * answers the SFT model sampled for one instruction — in the Training panel by dragging, or handed to
 * `llmLab.train { stage: 'reward', rankings: [{ prompt, answers, order }] }` — turned into reward-model batch
 * elements. Every ranking gives all C(K,2) pairs (rewardModel.ts rankingFromOrder). Pure (no vscode).
 */
import type { Lang } from '../../core/l10n';
import type { BpeTokenizer } from '../bpe';
import { rankingFromOrder, type Ranking } from './rewardModel';
import { encodeExample, type SftExample } from './sftData';

export interface LearnerRanking {
  /** The instruction (without the template). */
  prompt: string;
  /** The K answers as sampled. */
  answers: string[];
  /** Indexes into answers, best first. */
  order: number[];
}

export const LEARNER_K = 4;
export const MAX_LEARNER_RANKINGS = 200;
const MAX_TEXT = 2000;
const MAX_K = 8;

const langOf = (text: string): Lang => (/[\u3400-\u9fff]/.test(text) ? 'zh-cn' : 'en');

/** Rankings from untrusted input (a command argument, a page); throws a RangeError naming what is wrong. */
export function parseLearnerRankings(value: unknown): LearnerRanking[] {
  if (!Array.isArray(value) || value.length < 1 || value.length > MAX_LEARNER_RANKINGS) {
    throw new RangeError(`tiny GPT: rankings must be a list of 1 to ${MAX_LEARNER_RANKINGS} rankings`);
  }
  return value.map((r: unknown, i) => {
    const bad = (what: string): never => {
      throw new RangeError(`tiny GPT: rankings[${i}]: ${what}`);
    };
    if (!r || typeof r !== 'object') return bad('not an object { prompt, answers, order }');
    const { prompt, answers, order } = r as Record<string, unknown>;
    if (typeof prompt !== 'string' || !prompt.trim() || prompt.length > MAX_TEXT) return bad(`prompt must be a non-empty string of at most ${MAX_TEXT} characters`);
    if (!Array.isArray(answers) || answers.length < 2 || answers.length > MAX_K || !answers.every((a) => typeof a === 'string' && a.length <= MAX_TEXT)) {
      return bad(`answers must be 2 to ${MAX_K} strings of at most ${MAX_TEXT} characters`);
    }
    const K = answers.length;
    if (!Array.isArray(order) || order.length !== K || new Set(order).size !== K || !order.every((j) => Number.isInteger(j) && j >= 0 && j < K)) {
      return bad(`order must list each of the ${K} answers' indexes once, best first`);
    }
    return { prompt, answers: answers as string[], order: order as number[] };
  });
}

/**
 * Each ranking as token sequences (template prompt + answer + <|endoftext|>, the answer cut to fit the
 * context so the reward is read after it) with all its pairs; answers and order kept for showing.
 */
export function encodeLearnerRankings(tokenizer: BpeTokenizer, rankings: LearnerRanking[], context: number): Ranking[] {
  const encode = (text: string): number[] => tokenizer.encode(text);
  const eot = tokenizer.endOfText;
  return rankings.map((r) => {
    const p = encodeExample(encode, eot, r.prompt, '', langOf(r.prompt), context);
    const prompt = p.tokens.slice(0, p.promptLength);
    const room = Math.max(1, context - prompt.length);
    const answers = r.answers.map((a) => [...encode(a).slice(0, room - 1), eot]);
    return { ...rankingFromOrder(prompt, answers, r.order), answers: [...r.answers] };
  });
}

/** The n-th instruction for the learner to rank answers to, in their language (cycling through the list). */
export function instructionToRank(examples: readonly SftExample[], lang: Lang, n: number): SftExample | undefined {
  const mine = examples.filter((e) => e.lang === lang);
  const list = mine.length ? mine : examples;
  if (!list.length) return undefined;
  return list[((Math.floor(n) % list.length) + list.length) % list.length];
}
