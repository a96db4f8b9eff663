import type { ExtractorSpec } from './demoTypes';

/**
 * Reading an answer out of a model's reply. Pure. Every extractor returns a normalized answer string
 * (numbers without thousands separators, labels by their canonical name) or undefined.
 */

const NUMBER = String.raw`[-−+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?`;
const NUMBER_RE = new RegExp(`(?<![\\d.])(?:${NUMBER})(?![\\d])`, 'g');
/** Characters a NUMBER_RE match can be made of, before and after toHalfWidth. */
const NUMBER_CHAR = /[\d.,\-−+０-９，]/;

const EN_WORDS: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18,
  nineteen: 19, twenty: 20,
};
const EN_WORD_RE = new RegExp(`\\b(${Object.keys(EN_WORDS).join('|')})\\b`, 'gi');
const ZH_DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
// A Chinese numeral counts only before a measure word, so 一样 / 一些 are not numbers.
const ZH_WORD_RE = /([零〇一二两三四五六七八九十]+)(?=[只个条双张本位名岁天年次块元人辆颗台])/g;

/** Full-width digits and punctuation that models mix into Chinese answers. */
function toHalfWidth(text: string): string {
  return text.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)).replace(/，(?=\d{3}(?!\d))/g, ',');
}

/** "1,234.50" → "1234.5", "−3" → "-3", "+7" → "7". */
export function normalizeNumber(raw: string): string | undefined {
  const cleaned = raw.replace(/[,\s$]/g, '').replace('−', '-').replace(/^\+/, '');
  if (!/^-?\d+(\.\d+)?$/.test(cleaned)) return undefined;
  const value = Number(cleaned);
  if (!Number.isFinite(value)) return undefined;
  if (/^-?\d+$/.test(cleaned) && !Number.isSafeInteger(value)) return cleaned.replace(/^(-?)0+(?=\d)/, '$1');
  return Object.is(value, -0) ? '0' : String(value);
}

function parseZhNumeral(word: string): number | undefined {
  if (!word.includes('十')) return word.length === 1 ? ZH_DIGITS[word] : undefined;
  const [tens, ones] = word.split('十');
  if (word.split('十').length > 2) return undefined;
  const t = tens === '' ? 1 : ZH_DIGITS[tens];
  const o = ones === '' ? 0 : ZH_DIGITS[ones];
  return t === undefined || o === undefined || tens.length > 1 || ones.length > 1 ? undefined : t * 10 + o;
}

interface Found {
  index: number;
  value: string;
}

function findNumbers(text: string, words: boolean): Found[] {
  const source = toHalfWidth(text);
  const found: Found[] = [];
  for (const m of source.matchAll(NUMBER_RE)) {
    const value = normalizeNumber(m[0]);
    // A trailing sentence dot ("is 9.") is not a decimal point; NUMBER_RE only takes ".digits".
    if (value !== undefined) found.push({ index: m.index ?? 0, value });
  }
  if (words) {
    for (const m of source.matchAll(EN_WORD_RE)) found.push({ index: m.index ?? 0, value: String(EN_WORDS[m[1].toLowerCase()]) });
    for (const m of source.matchAll(ZH_WORD_RE)) {
      const value = parseZhNumeral(m[1]);
      if (value !== undefined) found.push({ index: m.index ?? 0, value: String(value) });
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

export function lastNumber(text: string, words = false): string | undefined {
  if (words) {
    const found = findNumbers(text, words);
    return found.length ? found[found.length - 1].value : undefined;
  }
  // A long reply (a 20,000-token stream has 20,000 numbers) is read from its end, in growing windows: a match is
  // a run of number characters, so a window starting just after any other character holds exactly the matches
  // the whole text has there (and the same lookbehind at its start).
  for (let size = 1024; ; size *= 16) {
    let start = Math.max(0, text.length - size);
    while (start > 0 && NUMBER_CHAR.test(text[start - 1])) start--;
    const matches = [...toHalfWidth(start ? text.slice(start) : text).matchAll(NUMBER_RE)];
    for (let i = matches.length - 1; i >= 0; i--) {
      const value = normalizeNumber(matches[i][0]);
      if (value !== undefined) return value;
    }
    if (start === 0) return undefined;
  }
}

export function firstNumber(text: string, words = false): string | undefined {
  return findNumbers(text, words)[0]?.value;
}

const ANSWER_IS = [
  // "The answer is 11." / "the answer (arabic numerals) is 4" / "Answer: 9" / "**The answer is $1,234**"
  new RegExp(String.raw`\banswer\b(?:\s*\([^)\n]*\))?\s*(?:is|was|would be|will be|=|:)?\s*:?\s*(?:[*_$\\]|approximately\s|about\s)*\s*(${NUMBER})`, 'gi'),
  // "答案是 11" / "答案为：9" / "答案（阿拉伯数字）是 4"
  new RegExp(String.raw`答案\s*(?:（[^）\n]*）|\([^)\n]*\))?\s*(?:是|为|應為|应为|:|：|=)\s*[:：]?\s*[*$\\]*\s*(${NUMBER})`, 'g'),
  // LaTeX-style final answers some models add
  new RegExp(String.raw`\\boxed\{\s*(${NUMBER})\s*\}`, 'g'),
];

/** The number after the last "The answer is" / "答案是" in the text. */
export function answerIs(text: string): string | undefined {
  const source = toHalfWidth(text);
  let best: Found | undefined;
  for (const pattern of ANSWER_IS) {
    for (const m of source.matchAll(pattern)) {
      const value = normalizeNumber(m[1]);
      const index = m.index ?? 0;
      if (value !== undefined && (!best || index >= best.index)) best = { index, value };
    }
  }
  return best?.value;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function aliasPattern(alias: string): RegExp {
  const body = escapeRegExp(alias.trim()).replace(/\s+/g, '\\s+').replace(/'/g, "['’]");
  // Latin aliases match whole words; CJK aliases match anywhere (no spaces between words).
  const latinStart = /^[\p{Script=Latin}\d]/u.test(alias.trim());
  const latinEnd = /[\p{Script=Latin}\d]$/u.test(alias.trim());
  return new RegExp(`${latinStart ? '(?<![\\p{L}\\p{N}])' : ''}${body}${latinEnd ? '(?![\\p{L}\\p{N}])' : ''}`, 'giu');
}

/** The label whose alias occurs first in the text; at the same position the longer alias wins. */
export function firstLabel(text: string, labels: Record<string, string[]>): string | undefined {
  let best: { index: number; length: number; label: string } | undefined;
  for (const [label, aliases] of Object.entries(labels)) {
    for (const alias of [label, ...aliases]) {
      if (!alias.trim()) continue;
      const m = aliasPattern(alias).exec(text);
      if (!m) continue;
      const index = m.index;
      if (!best || index < best.index || (index === best.index && m[0].length > best.length)) {
        best = { index, length: m[0].length, label };
      }
    }
  }
  return best?.label;
}

export const YES_NO_LABELS: Record<'yes' | 'no', string[]> = {
  yes: ['yes', 'yeah', 'yep', 'sure', 'correct', '是的', '是', '会', '对', '能'],
  no: ['no', 'nope', 'not', "won't", "doesn't", "don't", "isn't", 'never', '不会', '不是', '不', '否', '没有', '不能'],
};

export function yesNo(text: string): 'yes' | 'no' | undefined {
  return firstLabel(text, YES_NO_LABELS) as 'yes' | 'no' | undefined;
}

export function extractAnswer(text: string, spec: ExtractorSpec): string | undefined {
  switch (spec.id) {
    case 'none':
      return undefined;
    case 'answer-is':
      return answerIs(text) ?? (spec.fallback === false ? undefined : lastNumber(text));
    case 'last-number':
      return lastNumber(text, spec.words === true);
    case 'first-number':
      return firstNumber(text, spec.words === true);
    case 'label':
      return firstLabel(text, spec.labels);
    case 'yes-no':
      return yesNo(text);
  }
}

/** Answers compared for voting and grading: numbers by value, text case- and punctuation-insensitively. */
export function normalizeAnswer(answer: string): string {
  const number = normalizeNumber(toHalfWidth(answer.trim()));
  if (number !== undefined) return number;
  return answer
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/[\s]+/g, ' ')
    .replace(/^[\s"'“”「」.,!?。，！？：:]+|[\s"'“”「」.,!?。，！？：:]+$/g, '');
}

export function isCorrect(answer: string | undefined, expected: readonly string[] | undefined): boolean | undefined {
  if (!expected || expected.length === 0) return undefined;
  if (answer === undefined) return false;
  const got = normalizeAnswer(answer);
  return expected.some((e) => normalizeAnswer(e) === got);
}

export const EXTRACTOR_IDS = ['none', 'answer-is', 'last-number', 'first-number', 'label', 'yes-no'] as const;
