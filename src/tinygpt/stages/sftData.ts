/**
 * Instruction → answer pairs for supervised fine-tuning, built from the project's own content (InstructGPT
 * step 1 used labeler-written demonstrations; ours are the glossary and the concept checks):
 *   - each glossary term, both languages: "What is RLHF?" → its definition;
 *   - each single-answer or numeric concept check: its prompt → the right answer and the explanation.
 * A fixed share is held out (chosen by a hash of the id, so adding an example never moves the others).
 *
 * The template marks where the instruction ends; the answer ends with <|endoftext|>, so the tuned model
 * learns to stop. Only answer tokens are targets (the mask): the prompt is context, not something to learn.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lang } from '../../core/l10n';
import { loadGlossary } from '../../glossary/glossaryLoader';
import { GlossaryMatcher } from '../../glossary/glossaryMatcher';
import type { GlossaryTerm } from '../../glossary/glossaryTypes';
import { loadQuestions, type Question } from '../../lecture/questions';

export interface SftExample {
  /** "glossary:rlhf:en", "question:gpt1-1:zh-cn". */
  id: string;
  lang: Lang;
  source: 'glossary' | 'question';
  instruction: string;
  answer: string;
  /** Aliases of the glossary terms the reference answer names (what the scripted labeler looks for). */
  keyTerms: string[];
}

export interface SftSources {
  terms: GlossaryTerm[];
  questions: Record<Lang, Question[]>;
}

export const TEMPLATE: Record<Lang, { before: string; after: string }> = {
  en: { before: 'Question: ', after: '\nAnswer: ' },
  'zh-cn': { before: '问题：', after: '\n回答：' },
};

export const HELD_OUT_FRACTION = 0.15;

/** The language an instruction is in: Chinese when it has CJK characters (the template it is wrapped in). */
export function instructionLang(instruction: string): Lang {
  return /[\u3400-\u9fff]/.test(instruction) ? 'zh-cn' : 'en';
}

/** The text the model sees before its answer. */
export function formatPrompt(instruction: string, lang: Lang): string {
  const t = TEMPLATE[lang];
  return `${t.before}${instruction}${t.after}`;
}

function questionAnswer(q: Question): string | undefined {
  if (q.type === 'single' && q.options && typeof q.answer === 'number') return q.options[q.answer];
  if (q.type === 'numeric' && typeof q.answer === 'number') return q.unit ? `${q.answer} ${q.unit}` : String(q.answer);
  return undefined; // multiple-choice and ordering questions need their options in the prompt: too long for the context
}

export function buildSftExamples(sources: SftSources): SftExample[] {
  const matcher = GlossaryMatcher.fromTerms(sources.terms);
  const byId = new Map(sources.terms.map((t) => [t.id, t]));
  const keyTerms = (answer: string, lang: Lang, own?: string): string[] => {
    const ids = new Set(matcher.findTerms(answer).map((m) => m.termId));
    if (own) ids.add(own);
    return [...ids].flatMap((id) => byId.get(id)?.[lang].aliases ?? []);
  };
  const out: SftExample[] = [];
  for (const lang of ['en', 'zh-cn'] as const) {
    for (const term of sources.terms) {
      const text = term[lang];
      const instruction = lang === 'en' ? `What is ${text.term}?` : `什么是${text.term}？`;
      out.push({ id: `glossary:${term.id}:${lang}`, lang, source: 'glossary', instruction, answer: text.definition, keyTerms: keyTerms(text.definition, lang, term.id) });
    }
    for (const q of sources.questions[lang]) {
      const right = questionAnswer(q);
      if (right === undefined) continue;
      const answer = `${right}${lang === 'en' ? '. ' : '。'}${q.explanation}`.replace(/([.。])[.。] /, '$1 ');
      out.push({ id: `question:${q.id}:${lang}`, lang, source: 'question', instruction: q.prompt, answer, keyTerms: keyTerms(answer, lang) });
    }
  }
  return out;
}

/** FNV-1a: a stable hash of the id decides held-out membership. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export function splitExamples(examples: SftExample[], heldOut = HELD_OUT_FRACTION): { train: SftExample[]; heldOut: SftExample[] } {
  // Both languages of one term or question land on the same side, so held-out is never a translation of training data.
  const key = (e: SftExample): string => e.id.replace(/:(en|zh-cn)$/, '');
  const isHeldOut = (e: SftExample): boolean => hash(key(e)) / 4294967296 < heldOut;
  return { train: examples.filter((e) => !isHeldOut(e)), heldOut: examples.filter(isHeldOut) };
}

/** From the source files (tests, scripts): media/glossary and media/questions. */
export function loadSftSourcesFromMedia(mediaDir: string): SftSources {
  const problems: string[] = [];
  return {
    terms: loadGlossary(mediaDir).terms,
    questions: { en: loadQuestions(mediaDir, 'en', problems), 'zh-cn': loadQuestions(mediaDir, 'zh-cn', problems) },
  };
}

/** From the compiled content the .vsix ships (dist/content). */
export function loadSftSourcesFromContent(contentDir: string): SftSources {
  const read = <T>(name: string, fallback: T): T => {
    const path = join(contentDir, name);
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : fallback;
  };
  const glossary = read<{ terms: GlossaryTerm[] }>('glossary.json', { terms: [] });
  return { terms: glossary.terms, questions: { en: read('questions.en.json', []), 'zh-cn': read('questions.zh-cn.json', []) } };
}

export interface EncodedExample {
  /** Prompt tokens, then answer tokens (+ <|endoftext|> when the whole answer fits). */
  tokens: number[];
  promptLength: number;
}

const SENTENCE_END = /(?<=[.!?])\s+|(?<=[。！？])\s*/u;

/**
 * Tokens of one example that fit in context + 1 (inputs and shifted targets): the answer keeps as many
 * whole sentences as fit, then <|endoftext|>; if not even the first sentence fits, it is cut mid-sentence
 * and has no end marker (the model must not learn to stop there). A prompt longer than half the context
 * is cut from the left, keeping the template's end.
 */
export function encodeExample(
  encode: (text: string) => number[], endOfText: number, instruction: string, answer: string, lang: Lang, context: number,
): EncodedExample {
  let prompt = encode(formatPrompt(instruction, lang));
  const maxPrompt = Math.floor(context / 2);
  if (prompt.length > maxPrompt) prompt = prompt.slice(prompt.length - maxPrompt);
  const budget = context + 1 - prompt.length;
  const sentences = answer.split(SENTENCE_END).filter((s) => s.length > 0);
  let best: number[] | undefined;
  for (let n = sentences.length; n >= 1; n--) {
    const ids = encode(sentences.slice(0, n).join(lang === 'en' ? ' ' : ''));
    if (ids.length + 1 <= budget) {
      best = [...ids, endOfText];
      break;
    }
  }
  best ??= encode(answer).slice(0, budget);
  return { tokens: [...prompt, ...best], promptLength: prompt.length };
}

/**
 * Rows of a batch (B × T, right-padded with <|endoftext|>): inputs x, targets y and the loss mask, 1 exactly
 * where the target is an answer token.
 */
export function sftBatch(examples: EncodedExample[], T: number, pad: number): { x: Int32Array; y: Int32Array; mask: Uint8Array } {
  const B = examples.length;
  const x = new Int32Array(B * T).fill(pad);
  const y = new Int32Array(B * T).fill(pad);
  const mask = new Uint8Array(B * T);
  examples.forEach((e, b) => {
    const n = Math.min(e.tokens.length - 1, T);
    for (let t = 0; t < n; t++) {
      x[b * T + t] = e.tokens[t];
      y[b * T + t] = e.tokens[t + 1];
      if (t + 1 >= e.promptLength) mask[b * T + t] = 1;
    }
  });
  return { x, y, mask };
}
