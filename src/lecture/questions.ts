/** Concept checks: data types, validation and scoring (pure). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Lang } from '../core/l10n';

export type QuestionType = 'single' | 'multiple' | 'numeric' | 'order';

export interface Question {
  id: string;
  sectionId: string;
  type: QuestionType;
  prompt: string;
  options?: string[];
  /** single: index; multiple: indexes; numeric: number; order: indexes in the correct order. */
  answer: number | number[];
  tolerance?: number;
  unit?: string;
  explanation: string;
}

export type QuestionAnswer = number | number[];

/** True when the reader's answer is right. Numeric tolerance is relative (0.1 = ±10 %); 0 or missing = exact to 1e-9. */
export function checkAnswer(question: Question, given: unknown): boolean {
  switch (question.type) {
    case 'single':
      return typeof given === 'number' && given === question.answer;
    case 'multiple': {
      if (!Array.isArray(given) || !Array.isArray(question.answer)) return false;
      const a = [...new Set(given)].sort();
      const b = [...question.answer].sort();
      return a.length === b.length && a.every((v, i) => v === b[i]);
    }
    case 'numeric': {
      const value = typeof given === 'string' ? Number(given.replace(/[,\s]/g, '')) : given;
      if (typeof value !== 'number' || !Number.isFinite(value) || typeof question.answer !== 'number') return false;
      const tolerance = Math.abs(question.answer) * (question.tolerance ?? 0);
      return Math.abs(value - question.answer) <= Math.max(tolerance, 1e-9);
    }
    case 'order':
      return (
        Array.isArray(given) &&
        Array.isArray(question.answer) &&
        given.length === question.answer.length &&
        given.every((v, i) => v === (question.answer as number[])[i])
      );
  }
}

function validateQuestion(raw: unknown, sectionId: string, file: string, problems: string[]): Question | undefined {
  const where = `${file}`;
  if (typeof raw !== 'object' || raw === null) {
    problems.push(`${where}: a question is not a mapping`);
    return undefined;
  }
  const q = raw as Record<string, unknown>;
  const id = typeof q.id === 'string' ? q.id : '?';
  const errs: string[] = [];
  if (typeof q.id !== 'string' || !q.id.startsWith(`${sectionId}-`)) errs.push(`id must start with "${sectionId}-"`);
  if (!['single', 'multiple', 'numeric', 'order'].includes(q.type as string)) errs.push('type must be single, multiple, numeric or order');
  if (typeof q.prompt !== 'string' || !q.prompt.trim()) errs.push('prompt is required');
  if (typeof q.explanation !== 'string' || !q.explanation.trim()) errs.push('explanation is required');
  const options = q.options;
  const hasOptions = Array.isArray(options) && options.length >= 2 && options.every((o) => typeof o === 'string');
  const inRange = (i: unknown): boolean => Number.isInteger(i) && (i as number) >= 0 && (i as number) < (options as unknown[]).length;
  switch (q.type) {
    case 'single':
      if (!hasOptions) errs.push('needs at least two string options');
      else if (!inRange(q.answer)) errs.push('answer is not among the options');
      break;
    case 'multiple':
      if (!hasOptions) errs.push('needs at least two string options');
      else if (!Array.isArray(q.answer) || !q.answer.length || !q.answer.every(inRange) || new Set(q.answer).size !== q.answer.length) {
        errs.push('answer must list distinct option indexes');
      }
      break;
    case 'order':
      if (!hasOptions) errs.push('needs at least two string options');
      else if (!Array.isArray(q.answer) || q.answer.length !== (options as unknown[]).length || !q.answer.every(inRange) || new Set(q.answer).size !== q.answer.length) {
        errs.push('answer must be a permutation of the option indexes');
      }
      break;
    case 'numeric':
      if (typeof q.answer !== 'number' || !Number.isFinite(q.answer)) errs.push('answer must be a number');
      if (q.tolerance !== undefined && (typeof q.tolerance !== 'number' || q.tolerance < 0 || q.tolerance >= 1)) errs.push('tolerance must be a relative fraction in [0, 1)');
      break;
  }
  if (errs.length) {
    problems.push(...errs.map((e) => `${where} (${id}): ${e}`));
    return undefined;
  }
  return {
    id: q.id as string,
    sectionId,
    type: q.type as QuestionType,
    prompt: (q.prompt as string).trim(),
    options: hasOptions ? (options) : undefined,
    answer: q.answer as number | number[],
    tolerance: q.tolerance as number | undefined,
    unit: typeof q.unit === 'string' ? q.unit : undefined,
    explanation: (q.explanation as string).trim(),
  };
}

export function loadQuestions(mediaDir: string, lang: Lang, problems: string[]): Question[] {
  const dir = join(mediaDir, 'questions', lang);
  if (!existsSync(dir)) return [];
  const out: Question[] = [];
  for (const name of readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    const sectionId = name.replace(/\.ya?ml$/, '');
    const file = `questions/${lang}/${name}`;
    let raw: unknown;
    try {
      raw = parseYaml(readFileSync(join(dir, name), 'utf8'));
    } catch (error) {
      problems.push(`${file}: invalid YAML (${(error as Error).message.split('\n')[0]})`);
      continue;
    }
    if (!Array.isArray(raw)) {
      problems.push(`${file}: must be a list of questions`);
      continue;
    }
    for (const item of raw) {
      const q = validateQuestion(item, sectionId, file, problems);
      if (q) out.push(q);
    }
  }
  return out;
}

/** Same ids, types and answers in both languages; ids unique. */
export function checkQuestionParity(en: Question[], zh: Question[], problems: string[]): void {
  for (const [lang, list] of [['en', en], ['zh-cn', zh]] as const) {
    const seen = new Set<string>();
    for (const q of list) {
      if (seen.has(q.id)) problems.push(`questions/${lang}: duplicate id ${q.id}`);
      seen.add(q.id);
    }
  }
  const zhById = new Map(zh.map((q) => [q.id, q]));
  const enIds = new Set(en.map((q) => q.id));
  for (const q of en) {
    const other = zhById.get(q.id);
    if (!other) {
      problems.push(`question ${q.id}: missing in zh-cn`);
      continue;
    }
    if (other.type !== q.type) problems.push(`question ${q.id}: type differs between languages`);
    if (JSON.stringify(other.answer) !== JSON.stringify(q.answer)) problems.push(`question ${q.id}: answer differs between languages`);
    if ((other.options?.length ?? 0) !== (q.options?.length ?? 0)) problems.push(`question ${q.id}: option count differs between languages`);
  }
  for (const q of zh) if (!enIds.has(q.id)) problems.push(`question ${q.id}: missing in en`);
}
