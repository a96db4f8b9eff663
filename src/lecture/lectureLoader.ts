import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Lang } from '../core/l10n';
import { FigureInliner } from './figureInliner';
import {
  CompiledLecture, DEMO_IDS, PART_IDS, PartMeta, RenderedSection, SECTION_IDS, SectionMeta, SourceRef, WIDGET_IDS,
} from './lectureTypes';
import { plainText, proseSize, renderMarkdown } from './markdownRenderer';

export const LANGS: Lang[] = ['en', 'zh-cn'];

export interface ParsedSection {
  meta: SectionMeta;
  body: string;
  file: string;
}

/** Splits YAML front matter from the body. Returns undefined front matter when there is none. */
export function splitFrontMatter(text: string): { frontMatter?: string; body: string; bodyLine: number } {
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const match = /^---\n([\s\S]*?)\n---[ \t]*(?:\n|$)/.exec(normalized);
  if (!match) return { body: normalized, bodyLine: 0 };
  return { frontMatter: match[1], body: normalized.slice(match[0].length), bodyLine: match[0].split('\n').length - 1 };
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

function validateMeta(raw: unknown, file: string, problems: string[]): SectionMeta | undefined {
  if (typeof raw !== 'object' || raw === null) {
    problems.push(`${file}: front matter is not a mapping`);
    return undefined;
  }
  const r = raw as Record<string, unknown>;
  const errs: string[] = [];
  if (typeof r.id !== 'string') errs.push('id must be a string');
  if (typeof r.title !== 'string' || !r.title.trim()) errs.push('title must be a non-empty string');
  if (typeof r.part !== 'string' || !(PART_IDS as readonly string[]).includes(r.part)) errs.push(`part must be one of ${PART_IDS.join(', ')}`);
  if (typeof r.order !== 'number' || !Number.isInteger(r.order)) errs.push('order must be an integer');
  if (r.summary !== undefined && typeof r.summary !== 'string') errs.push('summary must be a string');
  for (const key of ['terms', 'demos', 'widgets'] as const) {
    if (r[key] !== undefined && !isStringArray(r[key])) errs.push(`${key} must be a list of ids`);
  }
  for (const id of (isStringArray(r.demos) ? r.demos : [])) {
    if (!(DEMO_IDS as readonly string[]).includes(id)) errs.push(`unknown demo id "${id}"`);
  }
  for (const id of (isStringArray(r.widgets) ? r.widgets : [])) {
    if (!(WIDGET_IDS as readonly string[]).includes(id)) errs.push(`unknown widget id "${id}"`);
  }
  const sources: SourceRef[] = [];
  if (r.sources !== undefined) {
    if (!Array.isArray(r.sources)) errs.push('sources must be a list');
    else
      for (const [i, s] of r.sources.entries()) {
        if (typeof s !== 'object' || s === null || typeof (s as SourceRef).title !== 'string') errs.push(`sources[${i}] needs a title`);
        else sources.push(s as SourceRef);
      }
  }
  const known = new Set(['id', 'title', 'part', 'order', 'summary', 'terms', 'demos', 'widgets', 'sources']);
  for (const key of Object.keys(r)) if (!known.has(key)) errs.push(`unknown key "${key}"`);
  if (errs.length) {
    problems.push(...errs.map((e) => `${file}: ${e}`));
    return undefined;
  }
  return {
    id: r.id as string,
    title: (r.title as string).trim(),
    part: r.part as string,
    order: r.order as number,
    summary: typeof r.summary === 'string' ? r.summary.trim() : '',
    terms: (r.terms as string[] | undefined) ?? [],
    demos: (r.demos as string[] | undefined) ?? [],
    widgets: (r.widgets as string[] | undefined) ?? [],
    sources,
  };
}

export function readSections(mediaDir: string, lang: Lang, problems: string[]): ParsedSection[] {
  const dir = join(mediaDir, 'lecture', lang);
  if (!existsSync(dir)) {
    problems.push(`${dir}: missing`);
    return [];
  }
  const out: ParsedSection[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.md')).sort()) {
    const file = `lecture/${lang}/${name}`;
    const { frontMatter, body } = splitFrontMatter(readFileSync(join(dir, name), 'utf8'));
    if (frontMatter === undefined) {
      problems.push(`${file}: no front matter`);
      continue;
    }
    let raw: unknown;
    try {
      raw = parseYaml(frontMatter);
    } catch (error) {
      problems.push(`${file}: front matter is not valid YAML (${(error as Error).message.split('\n')[0]})`);
      continue;
    }
    const meta = validateMeta(raw, file, problems);
    if (!meta) continue;
    if (`${meta.id}.md` !== name) problems.push(`${file}: id "${meta.id}" does not match the file name`);
    out.push({ meta, body, file });
  }
  return out;
}

export function readParts(mediaDir: string, lang: Lang): PartMeta[] {
  const raw = parseYaml(readFileSync(join(mediaDir, 'lecture', 'parts.yaml'), 'utf8')) as { id: string; en: string; 'zh-cn': string }[];
  return raw.map((p) => ({ id: p.id, title: lang === 'zh-cn' ? p['zh-cn'] : p.en }));
}

/** Structural checks across both languages: every SPEC id, same part/order/terms/demos/widgets, no orphans. */
export function checkStructure(byLang: Record<Lang, ParsedSection[]>, problems: string[]): void {
  for (const lang of LANGS) {
    const ids = byLang[lang].map((s) => s.meta.id);
    for (const id of SECTION_IDS) if (!ids.includes(id)) problems.push(`lecture/${lang}: section "${id}" is missing`);
    for (const id of ids) if (!(SECTION_IDS as readonly string[]).includes(id)) problems.push(`lecture/${lang}: "${id}" is not a SPEC section id (orphan)`);
    const orders = byLang[lang].map((s) => s.meta.order);
    if (new Set(orders).size !== orders.length) problems.push(`lecture/${lang}: duplicate order values`);
  }
  const zh = new Map(byLang['zh-cn'].map((s) => [s.meta.id, s.meta]));
  for (const { meta } of byLang.en) {
    const other = zh.get(meta.id);
    if (!other) continue;
    for (const key of ['part', 'order'] as const) {
      if (meta[key] !== other[key]) problems.push(`section "${meta.id}": ${key} differs between en (${meta[key]}) and zh-cn (${other[key]})`);
    }
    for (const key of ['terms', 'demos', 'widgets'] as const) {
      if ([...meta[key]].sort().join() !== [...other[key]].sort().join()) problems.push(`section "${meta.id}": ${key} differ between en and zh-cn`);
    }
  }
}

/** Links and images inside the body resolve: #section ids exist, images exist, ::demo/::widget ids are known. */
export function checkBodyReferences(section: ParsedSection, mediaDir: string, problems: string[]): void {
  const body = section.body;
  for (const m of body.matchAll(/\]\(#([^)\s]+)\)/g)) {
    if (!(SECTION_IDS as readonly string[]).includes(m[1])) problems.push(`${section.file}: link to unknown section "#${m[1]}"`);
  }
  for (const m of body.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)) {
    if (!existsSync(join(mediaDir, m[1]))) problems.push(`${section.file}: image "${m[1]}" does not exist under media/`);
  }
  for (const m of body.matchAll(/^::(demo|widget)\[([^\]]*)\]/gm)) {
    const list = m[1] === 'demo' ? DEMO_IDS : WIDGET_IDS;
    if (!(list as readonly string[]).includes(m[2])) problems.push(`${section.file}: unknown ${m[1]} "${m[2]}"`);
  }
  if (/^#\s/m.test(body.replace(/^```[\s\S]*?^```/gm, ''))) problems.push(`${section.file}: uses a level-1 heading (the title comes from front matter)`);
}

export interface LectureBuild {
  lectures: Record<Lang, CompiledLecture>;
  figureCss: string;
  problems: string[];
}

const LABELS: Record<Lang, { runDemo: (id: string) => string; widget: (id: string) => string }> = {
  en: { runDemo: (id) => `Run the “${id}” demo`, widget: (id) => `Interactive widget: ${id}` },
  'zh-cn': { runDemo: (id) => `运行“${id}”演示`, widget: (id) => `交互小部件：${id}` },
};

/** Reads, validates and renders the whole lecture in both languages. Never throws on content problems. */
export function buildLecture(mediaDir: string): LectureBuild {
  const problems: string[] = [];
  const figures = new FigureInliner(mediaDir);
  const byLang = { en: readSections(mediaDir, 'en', problems), 'zh-cn': readSections(mediaDir, 'zh-cn', problems) } as Record<Lang, ParsedSection[]>;
  checkStructure(byLang, problems);
  const lectures = {} as Record<Lang, CompiledLecture>;
  for (const lang of LANGS) {
    const sections: RenderedSection[] = [];
    for (const section of byLang[lang].sort((a, b) => a.meta.order - b.meta.order)) {
      checkBodyReferences(section, mediaDir, problems);
      const html = renderMarkdown(section.body, { inlineFigure: (path) => figures.inline(path), labels: LABELS[lang] });
      const size = proseSize(section.body);
      sections.push({ ...section.meta, html, text: plainText(section.body), words: lang === 'en' ? size.words : size.cjk });
    }
    lectures[lang] = { lang, parts: readParts(mediaDir, lang), sections };
  }
  return { lectures, figureCss: figures.css(), problems };
}
