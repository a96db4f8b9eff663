/**
 * A learner's ranking as data ({ prompt, answers, order }) and its check, free of Node imports so the
 * Training page and the extension share it (learnerRankings.ts turns rankings into reward-model batches).
 */
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

