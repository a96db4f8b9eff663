import { isCorrect, normalizeAnswer } from './answerExtractors';
import type { VoteResult } from './demoTypes';

/**
 * Self-consistency's majority vote (Wang et al. 2022): the most frequent answer among the samples.
 * Answers are compared normalized ("1,234" = "1234"); the first spelling seen is the one shown.
 * Tie rule: among equally frequent answers, the one that appeared first wins — deterministic, and the
 * same rule a reader applies when reading the samples top to bottom.
 */
export function majorityVote(answers: ReadonlyArray<string | undefined>, expected?: readonly string[]): VoteResult {
  const buckets = new Map<string, { answer: string; count: number; first: number }>();
  let noAnswer = 0;
  answers.forEach((answer, index) => {
    if (answer === undefined || answer.trim() === '') {
      noAnswer++;
      return;
    }
    const key = normalizeAnswer(answer);
    const bucket = buckets.get(key);
    if (bucket) bucket.count++;
    else buckets.set(key, { answer: answer.trim(), count: 1, first: index });
  });
  const ranked = [...buckets.values()].sort((a, b) => b.count - a.count || a.first - b.first);
  const winner = ranked[0]?.answer;
  const result: VoteResult = {
    winner,
    histogram: ranked.map(({ answer, count }) => ({ answer, count })),
    noAnswer,
    total: answers.length,
  };
  if (expected && expected.length) {
    result.expected = expected[0];
    result.correct = isCorrect(winner, expected);
  }
  return result;
}
