/**
 * The learner as the labeler (the reward stage without the scripted rule): rankings a person made of K
 * answers the SFT model sampled for one instruction — in the Training panel by dragging, or handed to
 * `llmLab.train { stage: 'reward', rankings: [{ prompt, answers, order }] }` — turned into reward-model batch
 * elements. Every ranking gives all C(K,2) pairs (rewardModel.ts rankingFromOrder). Pure (no vscode).
 */
import type { Lang } from '../../core/l10n';
import type { BpeTokenizer } from '../bpe';
import { rankingFromOrder, type Ranking } from './rewardModel';
import { encodeExample, instructionLang, type SftExample } from './sftData';
import type { LearnerRanking } from './learnerRankingArgs';

export { LEARNER_K, MAX_LEARNER_RANKINGS, parseLearnerRankings, type LearnerRanking } from './learnerRankingArgs';

/**
 * Each ranking as token sequences (template prompt + answer + <|endoftext|>, the answer cut to fit the
 * context so the reward is read after it) with all its pairs; answers and order kept for showing.
 */
export function encodeLearnerRankings(tokenizer: BpeTokenizer, rankings: LearnerRanking[], context: number): Ranking[] {
  const encode = (text: string): number[] => tokenizer.encode(text);
  const eot = tokenizer.endOfText;
  return rankings.map((r) => {
    const p = encodeExample(encode, eot, r.prompt, '', instructionLang(r.prompt), context);
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
