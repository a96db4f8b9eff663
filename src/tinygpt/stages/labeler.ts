/**
 * The scripted labeler: ranks K answers to one prompt by a rule a learner can read and change, so the
 * reward-model stage also runs unattended (tests, a learner in a hurry). The rule is a weighted sum of a
 * few visible features; the reward model then learns *that* preference, whatever it is — which is the
 * lecture's point about reward models: they learn the labelers, not "quality".
 */
import type { Lang } from '../../core/l10n';

export interface LabelerRule {
  /** Points when the answer names one of the prompt's key glossary terms. */
  namesTerm: number;
  /** Points per character (negative: shorter is better). */
  perCharacter: number;
  /** Points when the answer ended by itself (<|endoftext|>) instead of running out of tokens. */
  finished: number;
  /** Points times the share of repeated words (English) or characters (Chinese), 0…1. */
  repetition: number;
}

/** Prefers answers that name the right term, are short, end by themselves and do not repeat themselves. */
export const DEFAULT_RULE: LabelerRule = { namesTerm: 2, perCharacter: -0.02, finished: 1, repetition: -2 };

export interface Candidate {
  text: string;
  finished: boolean;
}

export interface Features {
  namesTerm: number;
  characters: number;
  finished: number;
  repetition: number;
}

export function answerFeatures(c: Candidate, keyTerms: readonly string[]): Features {
  const lower = c.text.toLowerCase();
  const units = c.text.match(/[\u3400-\u9fff]|[\p{L}\p{N}]+/gu) ?? [];
  const repetition = units.length ? 1 - new Set(units.map((u) => u.toLowerCase())).size / units.length : 0;
  return {
    namesTerm: keyTerms.some((k) => k.length > 0 && lower.includes(k.toLowerCase())) ? 1 : 0,
    characters: [...c.text].length,
    finished: c.finished ? 1 : 0,
    repetition,
  };
}

export function scoreAnswer(rule: LabelerRule, c: Candidate, keyTerms: readonly string[]): number {
  const f = answerFeatures(c, keyTerms);
  return rule.namesTerm * f.namesTerm + rule.perCharacter * f.characters + rule.finished * f.finished + rule.repetition * f.repetition;
}

/** Indexes of the candidates, best first (equal scores keep their order; see preferencePairs). */
export function rankAnswers(rule: LabelerRule, candidates: readonly Candidate[], keyTerms: readonly string[]): { order: number[]; scores: number[] } {
  const scores = candidates.map((c) => scoreAnswer(rule, c, keyTerms));
  const order = candidates.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  return { order, scores };
}

/**
 * Every (winner, loser) pair of a ranking — C(K,2) of them — as candidate indexes. Pairs the labeler
 * scored equal are left out: a tie says nothing about which is better.
 */
export function preferencePairs(order: readonly number[], scores?: readonly number[]): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < order.length; i++) {
    for (let j = i + 1; j < order.length; j++) {
      if (scores && scores[order[i]] === scores[order[j]]) continue;
      pairs.push([order[i], order[j]]);
    }
  }
  return pairs;
}

const LINES: Record<Lang, Record<keyof LabelerRule, string>> = {
  en: {
    namesTerm: '{w} if the answer names the right glossary term',
    perCharacter: '{w} per character',
    finished: '{w} if the answer ends by itself',
    repetition: '{w} × the share of repeated words',
  },
  'zh-cn': {
    namesTerm: '回答提到正确的术语：{w}',
    perCharacter: '每个字符：{w}',
    finished: '回答自行结束：{w}',
    repetition: '重复词所占比例 × {w}',
  },
};

/** The rule as the learner reads it, one line per non-zero weight. */
export function describeRule(rule: LabelerRule, lang: Lang): string[] {
  const sign = (w: number): string => (w > 0 ? `+${w}` : String(w));
  return (Object.keys(LINES[lang]) as Array<keyof LabelerRule>).filter((k) => rule[k] !== 0).map((k) => LINES[lang][k].replace('{w}', sign(rule[k])));
}

/** A rule from untrusted input (a command argument, a panel): known keys, finite numbers, else the default. */
export function parseRule(value: unknown): LabelerRule {
  const out = { ...DEFAULT_RULE };
  if (value && typeof value === 'object') {
    for (const key of Object.keys(DEFAULT_RULE) as Array<keyof LabelerRule>) {
      const v = (value as Record<string, unknown>)[key];
      if (typeof v === 'number' && Number.isFinite(v)) out[key] = v;
    }
  }
  return out;
}
