// Content checks the build fails on (scripts/buildContent.ts) and the unit tests run: Chinese term list,
// glossary and demo homes, references and EN/ZH structure. Every problem names a file and, where one
// exists, a line: "media/lecture/zh-cn/gpt3.md:42: …". Pure apart from reading media/ and l10n files.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DEMO_IDS, SECTION_IDS, WIDGET_IDS } from '../src/lecture/lectureTypes';

/** One concept, the one Chinese term for it, and the variants that are not allowed (docs/content-format.md). */
export interface TermRule {
  concept: string;
  use: string;
  banned: RegExp;
}

/**
 * The Chinese term list. Glossary aliases may keep a banned variant (so a reader's own word still finds the
 * term); everywhere else (lecture, questions, demos, glossary names and definitions, UI strings, walkthroughs)
 * it is a content problem. One choice is not machine-checked because the other word is right elsewhere:
 * toxic → 有毒 / 毒性, while 有害 ("harmful") is a separate InstructGPT metric.
 */
export const ZH_TERMS: readonly TermRule[] = [
  // "token" as a bare Latin word in Chinese prose; identifiers (next-token, max_tokens), code spans,
  // paths and the gloss "词元（token）" are not prose and are stripped before matching.
  { concept: 'token', use: '词元', banned: /(?<![\w\-/.])tokens?(?![\w\-/])/gi },
  { concept: 'in-context learning', use: '上下文学习', banned: /情景学习|情境学习|语境学习/g },
  { concept: 'reward hacking', use: '奖励投机', banned: /奖励黑客|奖励作弊/g },
  { concept: 'over-optimisation', use: '过度优化', banned: /过优化/g },
  { concept: 'labelers', use: '标注员', banned: /标注人员|标注者/g },
  { concept: "OpenAI's AI trainers", use: 'AI 训练师', banned: /训练员/g },
  { concept: 'key idea callout', use: '**核心思想：**', banned: /\*\*核心思想[。.:]\*\*|\*\*核心思想\*\*[。.:：]/g },
];

/** Removes what is not prose: code spans, math, link targets, URLs, paths, "::demo[…]", the gloss "（token）". */
export function proseOf(line: string): string {
  return line
    .replace(/`[^`]*`/g, ' ')
    .replace(/\$[^$]*\$/g, ' ')
    .replace(/\]\([^)]*\)/g, '] ')
    .replace(/(?:https?|command):\S+/g, ' ')
    .replace(/[\w./-]+\.(?:md|svg|json|ya?ml|png)\b/g, ' ')
    .replace(/^::\w+\[[^\]]*\]/, ' ')
    .replace(/[（(]tokens?[）)]/gi, ' ');
}

/** Banned variants in the given lines ([line number, text]); one problem per hit. */
export function bannedTerms(file: string, lines: Iterable<[number, string]>): string[] {
  const problems: string[] = [];
  for (const [n, line] of lines) {
    const prose = proseOf(line);
    for (const rule of ZH_TERMS) {
      for (const m of prose.matchAll(rule.banned)) {
        problems.push(`${file}:${n}: "${m[0]}" — write "${rule.use}" (${rule.concept}; term list in docs/content-format.md)`);
      }
    }
  }
  return problems;
}

function numbered(text: string): [number, string][] {
  return text.replace(/\r\n?/g, '\n').split('\n').map((line, i) => [i + 1, line]);
}

/** Lecture markdown: title, summary and body (front matter ids and English source titles are not prose). */
function lectureLines(text: string): [number, string][] {
  const lines = numbered(text);
  if (lines[0]?.[1] !== '---') return lines;
  const end = lines.findIndex(([, l], i) => i > 0 && l === '---');
  return lines.filter(([, l], i) => i > end || /^(title|summary):/.test(l));
}

/** YAML content (questions, demos): every line but keys that hold ids, sources and English-only fields. */
function yamlLines(text: string): [number, string][] {
  let inSources = false;
  return numbered(text).filter(([, l]) => {
    if (/^\S/.test(l)) inSources = /^sources:/.test(l);
    if (inSources) return false;
    return !/^\s*-?\s*(id|section|type|template|group|program):/.test(l);
  });
}

/** Glossary: only the zh-cn display name and definition (aliases may keep variants on purpose). */
function glossaryLines(text: string): [number, string][] {
  let lang = '';
  return numbered(text).filter(([, l]) => {
    const block = /^ {2}(en|zh-cn):\s*$/.exec(l);
    if (block) lang = block[1]!;
    else if (/^\S|^ {2}\S/.test(l)) lang = '';
    return lang === 'zh-cn' && /^ {4}(term|definition):/.test(l);
  });
}

/** JSON string tables (l10n, package.nls): the value part of each line (l10n keys are English text). */
function jsonValueLines(text: string): [number, string][] {
  return numbered(text)
    .map(([n, l]): [number, string] => [n, /^\s*"(?:[^"\\]|\\.)*"\s*:\s*(.*)$/.exec(l)?.[1] ?? ''])
    .filter(([, v]) => v !== '');
}

function files(dir: string, pattern: RegExp): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => pattern.test(f)).sort().map((f) => join(dir, f)) : [];
}

/** Every Chinese text the term list applies to, with the lines that are prose. */
export function chineseTexts(root: string): { file: string; lines: [number, string][] }[] {
  const media = join(root, 'media');
  const out: { file: string; lines: [number, string][] }[] = [];
  const add = (path: string, pick: (text: string) => [number, string][]): void => {
    out.push({ file: relative(root, path).split('\\').join('/'), lines: pick(readFileSync(path, 'utf8')) });
  };
  for (const f of files(join(media, 'lecture', 'zh-cn'), /\.md$/)) add(f, lectureLines);
  for (const f of files(join(media, 'questions', 'zh-cn'), /\.ya?ml$/)) add(f, yamlLines);
  for (const d of existsSync(join(media, 'demos')) ? readdirSync(join(media, 'demos')).sort() : []) {
    const f = join(media, 'demos', d, 'zh-cn.yaml');
    if (existsSync(f)) add(f, yamlLines);
  }
  if (existsSync(join(media, 'glossary', 'terms.yaml'))) add(join(media, 'glossary', 'terms.yaml'), glossaryLines);
  for (const f of files(join(root, 'l10n', 'src'), /\.zh-cn\.json$/)) add(f, jsonValueLines);
  if (existsSync(join(root, 'package.nls.zh-cn.json'))) add(join(root, 'package.nls.zh-cn.json'), jsonValueLines);
  for (const f of files(join(root, 'walkthroughs', 'zh-cn'), /\.md$/)) add(f, numbered);
  return out;
}

export function checkTermList(root: string): string[] {
  return chineseTexts(root).flatMap(({ file, lines }) => bannedTerms(file, lines));
}

// ---------------------------------------------------------------------------------------------------
// Lecture bodies: references with line numbers, and the EN/ZH structure.

interface Section {
  id: string;
  file: string;
  /** Body lines with their line numbers in the file. */
  lines: [number, string][];
  demos: string[];
}

export function readLectureSections(media: string, lang: 'en' | 'zh-cn'): Section[] {
  return files(join(media, 'lecture', lang), /\.md$/).map((path) => {
    const all = numbered(readFileSync(path, 'utf8'));
    const end = all[0]?.[1] === '---' ? all.findIndex(([, l], i) => i > 0 && l === '---') : -1;
    const front = end > 0 ? (parseYaml(all.slice(1, end).map(([, l]) => l).join('\n')) as { demos?: string[] } | null) : null;
    const id = path.replace(/^.*[\\/]/, '').replace(/\.md$/, '');
    return { id, file: `media/lecture/${lang}/${id}.md`, lines: all.slice(end + 1), demos: front?.demos ?? [] };
  });
}

/** Lines outside fenced code blocks. */
function proseLines(lines: [number, string][]): [number, string][] {
  let fenced = false;
  return lines.filter(([, l]) => {
    if (/^\s*```/.test(l)) {
      fenced = !fenced;
      return false;
    }
    return !fenced;
  });
}

/** Links (internal, images, external) and "::demo/::widget" embeds resolve; problems carry file:line. */
export function checkReferences(section: Section, media: string): string[] {
  const problems: string[] = [];
  const at = (n: number): string => `${section.file}:${n}`;
  for (const [n, line] of proseLines(section.lines)) {
    const text = line.replace(/`[^`]*`/g, ' ');
    for (const m of text.matchAll(/(!?)\[[^\]]*\]\(([^)\s]*)[^)]*\)/g)) {
      const target = m[2];
      if (m[1]) {
        if (!/^images\/[\w.-]+\.svg$/.test(target)) problems.push(`${at(n)}: figure "${target}" must be images/<name>.svg`);
        else if (!existsSync(join(media, target))) problems.push(`${at(n)}: figure "${target}" does not exist under media/`);
      } else if (target.startsWith('#')) {
        if (!(SECTION_IDS as readonly string[]).includes(target.slice(1))) problems.push(`${at(n)}: link to unknown section "${target}"`);
      } else if (!/^https:\/\/[^\s/]+\.[^\s/]+/.test(target)) {
        problems.push(`${at(n)}: broken link "${target}" (use #section-id or a full https:// URL)`);
      }
    }
    const embed = /^::(demo|widget)\[([^\]]*)\]\s*$/.exec(line);
    if (embed) {
      const known = (embed[1] === 'demo' ? DEMO_IDS : WIDGET_IDS) as readonly string[];
      if (!known.includes(embed[2])) problems.push(`${at(n)}: unknown ${embed[1]} "${embed[2]}"`);
      if (embed[1] === 'demo' && !section.demos.includes(embed[2])) problems.push(`${at(n)}: embeds demo "${embed[2]}" that front matter "demos" does not list`);
    } else if (/^::\w/.test(line)) {
      problems.push(`${at(n)}: unknown directive "${line.trim()}" (only ::demo[id] and ::widget[id])`);
    }
  }
  return problems;
}

/** What must match between the two languages of a section, in order. */
export function structureOf(section: Section): { headings: string[]; embeds: string[]; figures: string[]; links: string[]; formulas: number } {
  const lines = proseLines(section.lines).map(([, l]) => l);
  return {
    headings: lines.filter((l) => /^#{2,6}\s/.test(l)).map((l) => /^#+/.exec(l)![0]),
    embeds: lines.filter((l) => /^::(demo|widget)\[/.test(l)).map((l) => l.trim()),
    figures: lines.flatMap((l) => [...l.matchAll(/!\[[^\]]*\]\(images\/([\w-]+)(?:\.(?:en|zh-cn))?\.svg\)/g)].map((m) => m[1])),
    links: [...new Set(lines.flatMap((l) => [...l.matchAll(/\]\((#[^)\s]+)\)/g)].map((m) => m[1])))].sort(),
    formulas: lines.filter((l) => l.trim() === '$$').length,
  };
}

export function checkLanguageStructure(en: Section, zh: Section): string[] {
  const a = structureOf(en);
  const b = structureOf(zh);
  const problems: string[] = [];
  const differ = (what: string, x: unknown, y: unknown): void => {
    if (JSON.stringify(x) !== JSON.stringify(y)) problems.push(`${zh.file}: ${what} differ from ${en.file} (en ${JSON.stringify(x)}, zh-cn ${JSON.stringify(y)})`);
  };
  differ('heading levels', a.headings, b.headings);
  differ('::demo/::widget embeds', a.embeds, b.embeds);
  differ('figures', a.figures, b.figures);
  differ('section links', a.links, b.links);
  differ('display formulas ($$ lines)', a.formulas, b.formulas);
  return problems;
}

// ---------------------------------------------------------------------------------------------------
// Homes: a glossary term's section mentions it; a demo's section embeds it.

interface RawTerm {
  id: string;
  section: string;
  en: { term: string; aliases?: string[] };
  'zh-cn': { term: string; aliases?: string[] };
}

/** Names a section may use for a term: the display name, the name without its "(…)" gloss, the gloss, the aliases. */
export function termNames(text: { term: string; aliases?: string[] }): string[] {
  const names = [text.term, ...(text.aliases ?? [])];
  const paren = /^(.*?)\s*[（(]([^）)]*)[）)]\s*$/.exec(text.term);
  if (paren) names.push(paren[1], paren[2]);
  return names.map((n) => n.trim().toLowerCase()).filter((n) => n.length > 1);
}

function lineOf(text: string, needle: RegExp): number {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => needle.test(l));
  return i + 1;
}

export function checkGlossaryHomes(media: string): string[] {
  const path = join(media, 'glossary', 'terms.yaml');
  const text = readFileSync(path, 'utf8');
  const terms = parseYaml(text) as RawTerm[];
  const bodies = {
    en: new Map(readLectureSections(media, 'en').map((s) => [s.id, s.lines.map(([, l]) => l).join('\n').toLowerCase()])),
    'zh-cn': new Map(readLectureSections(media, 'zh-cn').map((s) => [s.id, s.lines.map(([, l]) => l).join('\n').toLowerCase()])),
  };
  const problems: string[] = [];
  for (const term of terms) {
    const at = `media/glossary/terms.yaml:${lineOf(text, new RegExp(`^- id: ${term.id}\\s*$`))}`;
    if (!(SECTION_IDS as readonly string[]).includes(term.section)) {
      problems.push(`${at}: term "${term.id}" names unknown section "${term.section}"`);
      continue;
    }
    for (const lang of ['en', 'zh-cn'] as const) {
      const body = bodies[lang].get(term.section) ?? '';
      // Chinese prose often keeps the English name of a proper noun (WebText, n-gram); English never uses the Chinese.
      const names = lang === 'en' ? termNames(term.en) : [...termNames(term['zh-cn']), ...termNames(term.en)];
      if (!names.some((n) => body.includes(n))) {
        problems.push(`${at}: term "${term.id}" has section "${term.section}", but media/lecture/${lang}/${term.section}.md never mentions "${term[lang].term}" or an alias`);
      }
    }
  }
  return problems;
}

export function checkDemoHomes(media: string): string[] {
  const problems: string[] = [];
  const sections = new Map(readLectureSections(media, 'en').map((s) => [s.id, s]));
  const zhSections = new Map(readLectureSections(media, 'zh-cn').map((s) => [s.id, s]));
  for (const id of DEMO_IDS) {
    for (const lang of ['en', 'zh-cn'] as const) {
      const path = join(media, 'demos', id, `${lang}.yaml`);
      if (!existsSync(path)) continue; // the demo loader reports missing files
      const text = readFileSync(path, 'utf8');
      const section = /^section:\s*(\S+)\s*$/m.exec(text)?.[1] ?? '';
      const at = `media/demos/${id}/${lang}.yaml:${lineOf(text, /^section:/)}`;
      const home = (lang === 'en' ? sections : zhSections).get(section);
      if (!home) problems.push(`${at}: unknown section "${section}"`);
      else if (!home.lines.some(([, l]) => l.trim() === `::demo[${id}]`)) problems.push(`${at}: home section "${section}" does not embed ::demo[${id}] (${home.file})`);
    }
  }
  return problems;
}

/** Question files are named after a section; explanations and prompts link only to sections that exist. */
export function checkQuestionFiles(media: string): string[] {
  const problems: string[] = [];
  for (const lang of ['en', 'zh-cn']) {
    for (const path of files(join(media, 'questions', lang), /\.ya?ml$/)) {
      const name = path.replace(/^.*[\\/]/, '');
      const file = `media/questions/${lang}/${name}`;
      const id = name.replace(/\.ya?ml$/, '');
      if (!(SECTION_IDS as readonly string[]).includes(id)) problems.push(`${file}:1: "${id}" is not a section id`);
      for (const [n, line] of numbered(readFileSync(path, 'utf8'))) {
        for (const m of line.matchAll(/\]\(#([^)\s]+)\)/g)) {
          if (!(SECTION_IDS as readonly string[]).includes(m[1])) problems.push(`${file}:${n}: link to unknown section "#${m[1]}"`);
        }
      }
    }
  }
  return problems;
}

/** Everything above, for the build. */
export function checkContent(root: string): string[] {
  const media = join(root, 'media');
  const problems: string[] = [];
  const en = readLectureSections(media, 'en');
  const zh = new Map(readLectureSections(media, 'zh-cn').map((s) => [s.id, s]));
  for (const section of [...en, ...zh.values()]) problems.push(...checkReferences(section, media));
  for (const section of en) {
    const other = zh.get(section.id);
    if (other) problems.push(...checkLanguageStructure(section, other));
  }
  problems.push(...checkGlossaryHomes(media), ...checkDemoHomes(media), ...checkQuestionFiles(media), ...checkTermList(root));
  return problems;
}
