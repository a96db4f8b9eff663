/**
 * Reads and validates media/glossary/terms.yaml; the build writes the result to dist/content/glossary.json.
 * Pure (Node fs only, no vscode). Every problem is collected and thrown as one error.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Lang } from '../core/l10n';
import { PART_IDS, SECTION_IDS } from '../lecture/lectureTypes';
import { aliasKey } from './glossaryMatcher';
import { GLOSSARY_LANGS, GLOSSARY_TERM_IDS, GlossaryData, GlossaryPart, GlossaryTerm, GlossaryText } from './glossaryTypes';

/**
 * Words that would fire in almost every note or comment. They may appear inside a qualified alias
 * ("reward model", "策略模型") but never as a whole alias. Compared after normalisation (case-folded).
 */
export const EVERYDAY_WORDS: readonly string[] = [
  'model', 'models', 'token', 'tokens', 'prompt', 'prompts', 'prompting', 'policy', 'policies', 'bias', 'biases',
  'temperature', 'alignment', 'aligned', 'attention', 'learning', 'training', 'data', 'context', 'reward', 'rewards',
  'loss', 'sampling', 'example', 'examples', 'demonstration', 'demonstrations', 'instruction', 'instructions',
  'feedback', 'label', 'labels', 'chat', 'compute', 'scaling', 'decoding', 'encoder', 'decoder', 'embedding',
  'network', 'layer', 'layers', 'parameter', 'parameters', 'weights', 'agent', 'step', 'steps', 'thought',
  'reasoning', 'transfer', 'window', 'pattern', 'task', 'tasks', 'score', 'ranking', 'ai', 'ml',
  '模型', '提示', '策略', '温度', '对齐', '注意力', '训练', '数据', '学习', '示例', '奖励', '损失', '采样', '上下文',
  '偏置', '标注', '反馈', '指令', '推理', '参数', '任务', '窗口', '编码器', '解码器', '智能', '人工智能',
];

const ID_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const CJK = /[\u3400-\u9fff]/;
const TERM_KEYS = new Set(['id', 'section', 'source', 'related', 'en', 'zh-cn']);
const TEXT_KEYS = new Set(['term', 'aliases', 'definition']);

export interface ValidateOptions {
  /** Lecture section ids a term may point to. */
  sectionIds: readonly string[];
  /** Term ids that must be defined (default: none). */
  requiredIds?: readonly string[];
  /** Shown in problem messages. */
  file?: string;
}

/** Sentences in a definition, not counting "e.g.", "i.e.", "et al." and decimal points. */
export function countSentences(text: string, lang: Lang): number {
  if (lang === 'zh-cn') return text.split(/[。！？]/).filter((s) => s.trim()).length;
  const cleaned = text.replace(/\b(?:e\.g|i\.e|et al|vs|cf)\./g, '');
  return cleaned.split(/[.!?](?=\s|$)/).filter((s) => s.trim()).length;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;

function validateText(raw: unknown, where: string, lang: Lang, problems: string[]): GlossaryText | undefined {
  if (!isRecord(raw)) {
    problems.push(`${where}: missing (needs term, aliases, definition)`);
    return undefined;
  }
  const before = problems.length;
  for (const key of Object.keys(raw)) if (!TEXT_KEYS.has(key)) problems.push(`${where}: unknown key "${key}"`);
  if (!isNonEmptyString(raw.term)) problems.push(`${where}.term: must be a non-empty string`);
  if (!isNonEmptyString(raw.definition)) problems.push(`${where}.definition: must be a non-empty string`);
  else {
    const sentences = countSentences(raw.definition, lang);
    if (sentences > 2) problems.push(`${where}.definition: ${sentences} sentences (one or two)`);
    if (lang === 'zh-cn' && !CJK.test(raw.definition)) problems.push(`${where}.definition: no Chinese text`);
  }
  if (!Array.isArray(raw.aliases) || raw.aliases.length === 0) problems.push(`${where}.aliases: must be a non-empty list`);
  else if (!raw.aliases.every(isNonEmptyString)) problems.push(`${where}.aliases: every alias must be a non-empty string`);
  if (problems.length > before) return undefined;
  return { term: (raw.term as string).trim(), aliases: (raw.aliases as string[]).map((a) => a.trim()), definition: (raw.definition as string).trim() };
}

/** Validates parsed YAML. Returns the terms that validated and every problem found. */
export function validateGlossary(raw: unknown, options: ValidateOptions): { terms: GlossaryTerm[]; problems: string[] } {
  const file = options.file ?? 'glossary';
  const problems: string[] = [];
  const terms: GlossaryTerm[] = [];
  const readable: GlossaryTerm[] = [];
  if (!Array.isArray(raw)) return { terms, problems: [`${file}: must be a list of terms`] };
  const sections = new Set(options.sectionIds);
  const seenIds = new Set<string>();
  raw.forEach((entry, index) => {
    const label = isRecord(entry) && typeof entry.id === 'string' ? `${file}: term "${entry.id}"` : `${file}: entry ${index + 1}`;
    if (!isRecord(entry)) {
      problems.push(`${label}: must be a mapping`);
      return;
    }
    const before = problems.length;
    for (const key of Object.keys(entry)) if (!TERM_KEYS.has(key)) problems.push(`${label}: unknown key "${key}"`);
    if (typeof entry.id !== 'string' || !ID_PATTERN.test(entry.id)) problems.push(`${label}: id must be kebab-case`);
    else if (seenIds.has(entry.id)) problems.push(`${label}: duplicate id`);
    else seenIds.add(entry.id);
    if (typeof entry.section !== 'string') problems.push(`${label}: section must be a lecture section id`);
    else if (!sections.has(entry.section)) problems.push(`${label}: unknown section "${entry.section}"`);
    if (!isNonEmptyString(entry.source)) problems.push(`${label}: source must be a non-empty string`);
    const related = entry.related ?? [];
    if (!Array.isArray(related) || !related.every((r) => typeof r === 'string')) problems.push(`${label}: related must be a list of term ids`);
    const texts = {} as Record<Lang, GlossaryText | undefined>;
    for (const lang of GLOSSARY_LANGS) texts[lang] = validateText(entry[lang], `${label}.${lang}`, lang, problems);
    if (typeof entry.id !== 'string' || !texts.en || !texts['zh-cn'] || !Array.isArray(related)) return;
    const term: GlossaryTerm = {
      id: entry.id,
      section: String(entry.section),
      source: String(entry.source ?? '').trim(),
      related: related.filter((r): r is string => typeof r === 'string'),
      en: texts.en,
      'zh-cn': texts['zh-cn'],
    };
    // Cross-checks (related ids, aliases) run on every readable term; only valid ones are returned.
    readable.push(term);
    if (problems.length === before) terms.push(term);
  });

  for (const id of options.requiredIds ?? []) if (!seenIds.has(id)) problems.push(`${file}: term "${id}" is missing`);
  const everyday = new Set(EVERYDAY_WORDS.map(aliasKey));
  const owner = new Map<string, { id: string; alias: string }>();
  for (const term of readable) {
    const label = `${file}: term "${term.id}"`;
    for (const rel of term.related) {
      if (rel === term.id) problems.push(`${label}: related lists the term itself`);
      else if (!seenIds.has(rel)) problems.push(`${label}: related id "${rel}" does not exist`);
    }
    if (new Set(term.related).size !== term.related.length) problems.push(`${label}: related has duplicates`);
    for (const lang of GLOSSARY_LANGS) {
      const inLang = new Set<string>();
      for (const alias of term[lang].aliases) {
        const key = aliasKey(alias);
        if ([...key].length < 2) problems.push(`${label}: ${lang} alias "${alias}" is shorter than two characters`);
        if (everyday.has(key)) problems.push(`${label}: ${lang} alias "${alias}" is an everyday word that would match everywhere (qualify it)`);
        if (inLang.has(key)) problems.push(`${label}: ${lang} alias "${alias}" is listed twice (after normalisation)`);
        inLang.add(key);
        const previous = owner.get(key);
        if (previous && previous.id !== term.id) {
          problems.push(`${label}: alias "${alias}" duplicates "${previous.alias}" of term "${previous.id}" (after normalisation)`);
        } else if (!previous) owner.set(key, { id: term.id, alias });
      }
    }
  }
  return { terms, problems };
}

/** Section → part from the lecture's front matter; SPEC order for sections without a file yet. */
export function readSectionParts(mediaDir: string): Map<string, { part: string; order: number }> {
  const result = new Map<string, { part: string; order: number }>();
  const partStarts: Record<string, string> = {
    'what-is-chatgpt': 'part-background',
    'gpt-timeline': 'part-gpt-series',
    'chatgpt-abilities': 'part-instructgpt-chatgpt',
    'gpt4-rumors': 'part-gpt4-future',
  };
  let part: string = PART_IDS[0];
  SECTION_IDS.forEach((id, index) => {
    part = partStarts[id] ?? part;
    result.set(id, { part, order: index + 1 });
  });
  const dir = join(mediaDir, 'lecture', 'en');
  if (!existsSync(dir)) return result;
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.md'))) {
    const match = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---/.exec(readFileSync(join(dir, name), 'utf8'));
    if (!match) continue;
    // Only three scalar keys are needed; a full YAML parse of every section would triple the cost.
    const field = (key: string) => new RegExp(`^${key}:[ \\t]*["']?([\\w-]+)["']?[ \\t]*$`, 'm').exec(match[1])?.[1];
    const id = field('id');
    const part = field('part');
    const order = Number(field('order'));
    if (id && part && Number.isInteger(order)) result.set(id, { part, order });
  }
  return result;
}

export function readGlossaryParts(mediaDir: string): GlossaryPart[] {
  const file = join(mediaDir, 'lecture', 'parts.yaml');
  const raw = existsSync(file) ? (parseYaml(readFileSync(file, 'utf8')) as unknown) : [];
  const titles = new Map<string, Record<Lang, string>>();
  if (Array.isArray(raw)) {
    for (const p of raw) {
      if (isRecord(p) && typeof p.id === 'string') titles.set(p.id, { en: String(p.en ?? p.id), 'zh-cn': String(p['zh-cn'] ?? p.en ?? p.id) });
    }
  }
  const sections = [...readSectionParts(mediaDir)].sort((a, b) => a[1].order - b[1].order);
  const ids = [...new Set([...PART_IDS, ...titles.keys()])];
  return ids.map((id) => ({
    id,
    title: titles.get(id) ?? { en: id, 'zh-cn': id },
    sections: sections.filter(([, s]) => s.part === id).map(([section]) => section),
  }));
}

/**
 * Reads media/glossary/terms.yaml and validates it: unique ids, unique aliases across terms (after
 * normalisation), no everyday-word alias, both languages complete, related ids and section ids exist,
 * every id of docs/content-format.md present. Throws one error listing every problem.
 */
export function loadGlossary(mediaDir: string, options: { sectionIds?: readonly string[] } = {}): GlossaryData {
  const file = 'glossary/terms.yaml';
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(join(mediaDir, 'glossary', 'terms.yaml'), 'utf8'));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  const { terms, problems } = validateGlossary(raw, {
    sectionIds: options.sectionIds ?? SECTION_IDS,
    requiredIds: GLOSSARY_TERM_IDS,
    file,
  });
  if (problems.length) throw new Error(`${problems.length} glossary problem(s):\n- ${problems.join('\n- ')}`);
  return { version: 1, terms, parts: readGlossaryParts(mediaDir) };
}
