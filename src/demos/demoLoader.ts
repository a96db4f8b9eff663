import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Lang } from '../core/l10n';
import { SECTION_IDS } from '../lecture/lectureTypes';
import { EXTRACTOR_IDS, normalizeNumber } from './answerExtractors';
import {
  DEMO_IDS,
  DEMO_LANGS,
  type DemoCatalog,
  type DemoDefinition,
  type DemoOptions,
  type DemoRun,
  type BuiltinRunOverride,
  type DemoSource,
  type ExtractorSpec,
  type RunOptions,
} from './demoTypes';
import { FORMAT_PLACEHOLDERS, placeholdersOf, type Exemplar, type PromptLayout, type PromptParts, type PromptTemplate } from './promptTemplate';

/**
 * Demo catalog: media/demos/<demo-id>/{en,zh-cn}.yaml → DemoCatalog (format: docs/content-format.md, "Demos").
 * Pure apart from reading the files; every problem is collected and reported at once.
 */

export class DemoCatalogError extends Error {
  constructor(readonly problems: string[]) {
    super(`Demo catalog has ${problems.length} problem(s):\n- ${problems.join('\n- ')}`);
    this.name = 'DemoCatalogError';
  }
}

export interface DemoFile {
  id: string;
  lang: Lang;
  /** For messages, e.g. "media/demos/pal/en.yaml". */
  path: string;
  text: string;
}

type Obj = Record<string, unknown>;

const TOP_KEYS = ['id', 'title', 'section', 'summary', 'notice', 'expectation', 'sources', 'options', 'extractor', 'templates', 'runs', 'extraRuns'];
const OPTION_KEYS = ['temperature', 'samples', 'maxTokens', 'parallel', 'vote', 'logprobs', 'topLogprobs', 'fallbackProvider'];
const RUN_KEYS = ['id', 'label', 'group', 'template', 'layout', 'parts', 'expected', 'extractor', 'options', 'answerTrigger', 'program', 'builtin'];
const BUILTIN_KEYS = ['label', 'parts', 'expected', 'extractor'];
const TEMPLATE_KEYS = ['layout', 'parts'];
const PART_KEYS = ['system', 'instruction', 'exemplars', 'query', 'trigger'];
const LAYOUT_KEYS = ['style', 'separator', 'exemplarSeparator', 'exemplarFormat', 'queryFormat', 'triggerSeparator'];
const SOURCE_KEYS = ['title', 'authors', 'year', 'arxiv', 'url', 'note'];
const ID_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const NUMBER_EXTRACTORS = new Set(['answer-is', 'last-number', 'first-number']);

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class Checker {
  constructor(
    private readonly where: string,
    readonly problems: string[],
  ) {}

  problem(message: string): void {
    this.problems.push(`${this.where}: ${message}`);
  }

  keys(value: Obj, allowed: readonly string[], at: string): void {
    for (const key of Object.keys(value)) if (!allowed.includes(key)) this.problem(`${at}: unknown key "${key}"`);
  }

  string(value: unknown, at: string, required = true): string | undefined {
    if (value === undefined || value === null) {
      if (required) this.problem(`${at} is required`);
      return undefined;
    }
    if (typeof value !== 'string') {
      this.problem(`${at} must be a string`);
      return undefined;
    }
    if (required && value.trim() === '') this.problem(`${at} must not be empty`);
    return value;
  }

  number(value: unknown, at: string, min: number, max: number, integer = false): number | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      this.problem(`${at} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
      return undefined;
    }
    return value;
  }

  boolean(value: unknown, at: string): boolean | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') {
      this.problem(`${at} must be true or false`);
      return undefined;
    }
    return value;
  }
}

function readOptions(raw: unknown, c: Checker): DemoOptions {
  const options: DemoOptions = { temperature: 0, samples: 1, parallel: true, vote: false };
  if (raw === undefined) {
    c.problem('options is required (at least a temperature)');
    return options;
  }
  if (!isObj(raw)) {
    c.problem('options must be a mapping');
    return options;
  }
  c.keys(raw, OPTION_KEYS, 'options');
  const temperature = c.number(raw.temperature, 'options.temperature', 0, 2);
  if (raw.temperature === undefined) c.problem('options.temperature is required');
  if (temperature !== undefined) options.temperature = temperature;
  options.samples = c.number(raw.samples, 'options.samples', 1, 20, true) ?? 1;
  const maxTokens = c.number(raw.maxTokens, 'options.maxTokens', 1, 131072, true);
  if (maxTokens !== undefined) options.maxTokens = maxTokens;
  options.parallel = c.boolean(raw.parallel, 'options.parallel') ?? true;
  options.vote = c.boolean(raw.vote, 'options.vote') ?? false;
  const logprobs = c.boolean(raw.logprobs, 'options.logprobs');
  if (logprobs !== undefined) options.logprobs = logprobs;
  const top = c.number(raw.topLogprobs, 'options.topLogprobs', 0, 20, true);
  if (top !== undefined) options.topLogprobs = top;
  if (raw.fallbackProvider !== undefined) {
    if (raw.fallbackProvider === 'builtin') options.fallbackProvider = 'builtin';
    else c.problem('options.fallbackProvider must be "builtin"');
  }
  return options;
}

function readExtractor(raw: unknown, c: Checker, at: string): ExtractorSpec | undefined {
  if (!isObj(raw)) {
    c.problem(`${at} must be a mapping with an id`);
    return undefined;
  }
  const id = raw.id;
  if (typeof id !== 'string' || !(EXTRACTOR_IDS as readonly string[]).includes(id)) {
    c.problem(`${at}.id must be one of ${EXTRACTOR_IDS.join(', ')}`);
    return undefined;
  }
  switch (id) {
    case 'none':
    case 'yes-no':
      c.keys(raw, ['id'], at);
      return { id };
    case 'answer-is':
      c.keys(raw, ['id', 'fallback'], at);
      return raw.fallback === undefined ? { id } : { id, fallback: c.boolean(raw.fallback, `${at}.fallback`) };
    case 'last-number':
    case 'first-number':
      c.keys(raw, ['id', 'words'], at);
      return raw.words === undefined ? { id } : { id, words: c.boolean(raw.words, `${at}.words`) };
    case 'label': {
      c.keys(raw, ['id', 'labels'], at);
      const labels: Record<string, string[]> = {};
      if (!isObj(raw.labels) || Object.keys(raw.labels).length === 0) {
        c.problem(`${at}.labels must map each label to a list of aliases`);
        return undefined;
      }
      for (const [label, aliases] of Object.entries(raw.labels)) {
        if (!Array.isArray(aliases) || aliases.some((a) => typeof a !== 'string' && typeof a !== 'number')) {
          c.problem(`${at}.labels.${label} must be a list of strings`);
          continue;
        }
        labels[label] = aliases.map(String);
      }
      return { id, labels };
    }
  }
  return undefined;
}

function readParts(raw: unknown, c: Checker, at: string): Partial<PromptParts> {
  if (raw === undefined) return {};
  if (!isObj(raw)) {
    c.problem(`${at} must be a mapping`);
    return {};
  }
  c.keys(raw, PART_KEYS, at);
  const parts: Partial<PromptParts> = {};
  for (const key of ['system', 'instruction', 'query', 'trigger'] as const) {
    if (raw[key] !== undefined) {
      const value = c.string(raw[key], `${at}.${key}`, false);
      if (value !== undefined) parts[key] = value;
    }
  }
  if (raw.exemplars !== undefined) {
    if (!Array.isArray(raw.exemplars)) c.problem(`${at}.exemplars must be a list`);
    else {
      parts.exemplars = [];
      raw.exemplars.forEach((e, i) => {
        if (!isObj(e)) return c.problem(`${at}.exemplars[${i}] must be a mapping with input and output`);
        c.keys(e, ['input', 'output'], `${at}.exemplars[${i}]`);
        const input = c.string(typeof e.input === 'number' ? String(e.input) : e.input, `${at}.exemplars[${i}].input`);
        const output = c.string(typeof e.output === 'number' ? String(e.output) : e.output, `${at}.exemplars[${i}].output`);
        if (input !== undefined && output !== undefined) parts.exemplars!.push({ input, output } satisfies Exemplar);
      });
    }
  }
  return parts;
}

function readLayout(raw: unknown, c: Checker, at: string): PromptLayout {
  if (raw === undefined) return {};
  if (!isObj(raw)) {
    c.problem(`${at} must be a mapping`);
    return {};
  }
  c.keys(raw, LAYOUT_KEYS, at);
  const layout: PromptLayout = {};
  if (raw.style !== undefined) {
    if (raw.style === 'single' || raw.style === 'turns') layout.style = raw.style;
    else c.problem(`${at}.style must be "single" or "turns"`);
  }
  for (const key of ['separator', 'exemplarSeparator', 'exemplarFormat', 'queryFormat', 'triggerSeparator'] as const) {
    const value = c.string(raw[key], `${at}.${key}`, false);
    if (value !== undefined) layout[key] = value;
  }
  for (const key of ['exemplarFormat', 'queryFormat'] as const) {
    const format = layout[key];
    if (format === undefined) continue;
    const allowed: readonly string[] = FORMAT_PLACEHOLDERS[key];
    const used = placeholdersOf(format);
    for (const name of used) if (!allowed.includes(name)) c.problem(`${at}.${key}: unknown placeholder {${name}}`);
    for (const name of allowed) if (!used.includes(name)) c.problem(`${at}.${key} must contain {${name}}`);
  }
  return layout;
}

function readExpected(raw: unknown, c: Checker, at: string): string[] | undefined {
  if (raw === undefined) return undefined;
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0 || list.some((v) => typeof v !== 'string' && typeof v !== 'number')) {
    c.problem(`${at} must be a string, a number or a non-empty list of them`);
    return undefined;
  }
  return list.map(String);
}

function checkExpectedFitsExtractor(expected: string[], extractor: ExtractorSpec, c: Checker, at: string): void {
  if (extractor.id === 'none') c.problem(`${at}: expected answers need an extractor other than "none"`);
  else if (NUMBER_EXTRACTORS.has(extractor.id)) {
    for (const e of expected) if (normalizeNumber(e) === undefined) c.problem(`${at}: "${e}" is not a number (extractor ${extractor.id})`);
  } else if (extractor.id === 'label') {
    for (const e of expected) if (!(e in extractor.labels)) c.problem(`${at}: "${e}" is not one of the labels ${Object.keys(extractor.labels).join(', ')}`);
  } else if (extractor.id === 'yes-no') {
    for (const e of expected) if (e !== 'yes' && e !== 'no') c.problem(`${at}: "${e}" must be yes or no`);
  }
}

/** A run's (or an override's) own extractor and expected answers; these must be something the extractor, else `inherited`, can return. */
function readGrading(raw: Obj, c: Checker, at: string, inherited: ExtractorSpec | undefined): { extractor?: ExtractorSpec; expected?: string[] } {
  const extractor = raw.extractor === undefined ? undefined : readExtractor(raw.extractor, c, `${at}.extractor`);
  const expected = readExpected(raw.expected, c, `${at}.expected`);
  const effective = extractor ?? inherited;
  if (expected && effective) checkExpectedFitsExtractor(expected, effective, c, `${at}.expected`);
  return { extractor, expected };
}

interface RawTemplate {
  layout: PromptLayout;
  parts: Partial<PromptParts>;
}

function readRun(raw: unknown, c: Checker, at: string, templates: Map<string, RawTemplate>, demoExtractor: ExtractorSpec | undefined): DemoRun | undefined {
  if (!isObj(raw)) {
    c.problem(`${at} must be a mapping`);
    return undefined;
  }
  c.keys(raw, RUN_KEYS, at);
  const id = c.string(raw.id, `${at}.id`);
  if (id !== undefined && !ID_RE.test(id)) c.problem(`${at}.id "${id}" must be kebab-case`);
  const where = id ? `run "${id}"` : at;
  const label = c.string(raw.label, `${where}.label`);
  let base: RawTemplate = { layout: {}, parts: {} };
  if (raw.template !== undefined) {
    const name = c.string(raw.template, `${where}.template`);
    const found = name === undefined ? undefined : templates.get(name);
    if (name !== undefined && !found) c.problem(`${where}.template "${name}" is not defined under templates`);
    if (found) base = found;
  }
  const layout = { ...base.layout, ...readLayout(raw.layout, c, `${where}.layout`) };
  const parts = { ...base.parts, ...readParts(raw.parts, c, `${where}.parts`) };
  const query = parts.query ?? '';
  if (query.trim() === '' && (parts.instruction ?? '').trim() === '') c.problem(`${where}: needs a query or an instruction`);
  const template: PromptTemplate = { parts: { ...parts, query }, layout: Object.keys(layout).length ? layout : undefined };
  const run: DemoRun = { id: id ?? '', label: label ?? '', template };
  if (raw.group !== undefined) run.group = c.string(raw.group, `${where}.group`);
  const { extractor, expected } = readGrading(raw, c, where, demoExtractor);
  if (extractor) run.extractor = extractor;
  if (expected) run.expected = expected;
  if (raw.options !== undefined) {
    if (!isObj(raw.options)) c.problem(`${where}.options must be a mapping`);
    else {
      c.keys(raw.options, ['temperature', 'maxTokens'], `${where}.options`);
      const options: RunOptions = {};
      const temperature = c.number(raw.options.temperature, `${where}.options.temperature`, 0, 2);
      if (temperature !== undefined) options.temperature = temperature;
      const maxTokens = c.number(raw.options.maxTokens, `${where}.options.maxTokens`, 1, 131072, true);
      if (maxTokens !== undefined) options.maxTokens = maxTokens;
      run.options = options;
    }
  }
  if (raw.answerTrigger !== undefined) run.answerTrigger = c.string(raw.answerTrigger, `${where}.answerTrigger`);
  if (raw.program !== undefined) {
    if (raw.program === 'python' || raw.program === 'javascript') run.program = raw.program;
    else c.problem(`${where}.program must be "python" or "javascript"`);
  }
  if (raw.builtin !== undefined) {
    const builtin = readBuiltin(raw.builtin, c, `${where}.builtin`, template, extractor ?? demoExtractor);
    if (builtin) run.builtin = builtin;
  }
  return run;
}

/** A run's override for the built-in models: new parts (a query at least), optionally label, expected, extractor. */
function readBuiltin(raw: unknown, c: Checker, at: string, template: PromptTemplate, runExtractor: ExtractorSpec | undefined): BuiltinRunOverride | undefined {
  if (!isObj(raw)) {
    c.problem(`${at} must be a mapping with parts (and optionally label, expected, extractor)`);
    return undefined;
  }
  c.keys(raw, BUILTIN_KEYS, at);
  if (raw.parts === undefined) c.problem(`${at}.parts is required (what the built-in models get instead)`);
  const parts = readParts(raw.parts, c, `${at}.parts`);
  if (raw.parts !== undefined && Object.keys(parts).length === 0) c.problem(`${at}.parts must set at least one part`);
  const merged = { ...template.parts, ...parts };
  if (merged.query.trim() === '' && (merged.instruction ?? '').trim() === '') c.problem(`${at}: needs a query or an instruction`);
  const builtin: BuiltinRunOverride = { parts };
  if (raw.label !== undefined) builtin.label = c.string(raw.label, `${at}.label`);
  const { extractor, expected } = readGrading(raw, c, at, runExtractor);
  if (extractor) builtin.extractor = extractor;
  if (expected) builtin.expected = expected;
  return builtin;
}

function readSources(raw: unknown, c: Checker): DemoSource[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    c.problem('sources must be a non-empty list');
    return [];
  }
  const sources: DemoSource[] = [];
  raw.forEach((s, i) => {
    if (!isObj(s)) return c.problem(`sources[${i}] must be a mapping`);
    c.keys(s, SOURCE_KEYS, `sources[${i}]`);
    const title = c.string(s.title, `sources[${i}].title`);
    if (!title) return;
    const source: DemoSource = { title };
    for (const key of ['authors', 'arxiv', 'url', 'note'] as const) {
      const value = c.string(s[key], `sources[${i}].${key}`, false);
      if (value !== undefined) source[key] = value;
    }
    if (s.url !== undefined && typeof s.url === 'string' && !/^https:\/\//.test(s.url)) c.problem(`sources[${i}].url must start with https://`);
    const year = c.number(s.year, `sources[${i}].year`, 1900, 2100, true);
    if (year !== undefined) source.year = year;
    sources.push(source);
  });
  return sources;
}

/** Parses and validates one language file; problems are appended, never thrown. */
export function parseDemoFile(file: DemoFile, problems: string[]): DemoDefinition | undefined {
  const c = new Checker(file.path, problems);
  let raw: unknown;
  try {
    raw = parseYaml(file.text, { prettyErrors: true });
  } catch (err) {
    c.problem(`YAML: ${(err as Error).message.split('\n')[0]}`);
    return undefined;
  }
  if (!isObj(raw)) {
    c.problem('must be a YAML mapping');
    return undefined;
  }
  c.keys(raw, TOP_KEYS, 'top level');
  if (raw.id !== file.id) c.problem(`id "${String(raw.id)}" must equal the folder name "${file.id}"`);
  const section = c.string(raw.section, 'section');
  if (section !== undefined && !(SECTION_IDS as readonly string[]).includes(section)) c.problem(`section "${section}" is not a lecture section id`);
  const notice = Array.isArray(raw.notice) ? raw.notice : [];
  if (notice.length === 0 || notice.some((n) => typeof n !== 'string' || n.trim() === '')) c.problem('notice must be a non-empty list of strings');
  const options = readOptions(raw.options, c);
  const extractor = raw.extractor === undefined ? undefined : readExtractor(raw.extractor, c, 'extractor');
  if (raw.extractor === undefined) c.problem('extractor is required (use { id: none } for free text)');

  const templates = new Map<string, RawTemplate>();
  if (raw.templates !== undefined) {
    if (!isObj(raw.templates)) c.problem('templates must be a mapping of name → { layout, parts }');
    else
      for (const [name, t] of Object.entries(raw.templates)) {
        if (!isObj(t)) {
          c.problem(`templates.${name} must be a mapping`);
          continue;
        }
        c.keys(t, TEMPLATE_KEYS, `templates.${name}`);
        templates.set(name, { layout: readLayout(t.layout, c, `templates.${name}.layout`), parts: readParts(t.parts, c, `templates.${name}.parts`) });
      }
  }

  const readList = (value: unknown, key: 'runs' | 'extraRuns'): DemoRun[] => {
    if (value === undefined && key === 'extraRuns') return [];
    if (!Array.isArray(value) || (key === 'runs' && value.length === 0)) {
      c.problem(`${key} must be a ${key === 'runs' ? 'non-empty ' : ''}list`);
      return [];
    }
    return value.map((r, i) => readRun(r, c, `${key}[${i}]`, templates, extractor)).filter((r): r is DemoRun => r !== undefined);
  };
  const runs = readList(raw.runs, 'runs');
  const extraRuns = readList(raw.extraRuns, 'extraRuns');

  const seen = new Set<string>();
  for (const run of [...runs, ...extraRuns]) {
    if (seen.has(run.id)) c.problem(`run id "${run.id}" is used twice`);
    seen.add(run.id);
  }
  const programs = new Set(runs.map((r) => r.program).filter(Boolean));
  if (programs.size === 1) c.problem('program runs must exist for both python and javascript (Python if present, else JavaScript)');
  if (options.vote && (extractor?.id === 'none' || runs.length !== 1)) c.problem('a voting demo needs exactly one run and an answer extractor');

  const title = c.string(raw.title, 'title');
  const summary = c.string(raw.summary, 'summary');
  const expectation = c.string(raw.expectation, 'expectation');
  const sources = readSources(raw.sources, c);
  if (!title || !summary || !expectation || !section || !extractor) return undefined;
  return {
    id: file.id,
    lang: file.lang,
    title,
    section,
    summary,
    notice: notice.filter((n): n is string => typeof n === 'string'),
    expectation,
    sources,
    options,
    extractor,
    runs,
    extraRuns,
  };
}

function shape(def: DemoDefinition): string {
  const run = (r: DemoRun) => ({
    id: r.id,
    group: r.group,
    program: r.program,
    options: r.options,
    answerTrigger: r.answerTrigger !== undefined,
    extractor: r.extractor?.id,
    expected: r.expected !== undefined,
    exemplars: r.template.parts.exemplars?.length ?? 0,
    parts: (['system', 'instruction', 'trigger'] as const).filter((k) => (r.template.parts[k] ?? '') !== ''),
    style: r.template.layout?.style ?? 'single',
    builtin: r.builtin && {
      extractor: r.builtin.extractor?.id,
      expected: r.builtin.expected !== undefined,
      parts: (['system', 'instruction', 'query', 'trigger'] as const).filter((k) => r.builtin!.parts[k] !== undefined),
    },
  });
  return JSON.stringify({ section: def.section, options: def.options, extractor: def.extractor.id, runs: def.runs.map(run), extraRuns: def.extraRuns.map(run) });
}

/** Builds the catalog from file contents (pure). Throws DemoCatalogError listing every problem. */
export function buildDemoCatalog(files: readonly DemoFile[], extraEntries: readonly string[] = []): DemoCatalog {
  const problems: string[] = [];
  for (const entry of extraEntries) problems.push(`media/demos/${entry}: unexpected entry (demo folders are ${DEMO_IDS.join(", ")}, each with en.yaml and zh-cn.yaml)`);
  const demos: DemoCatalog['demos'] = {};
  for (const id of DEMO_IDS) {
    const byLang: Partial<Record<Lang, DemoDefinition>> = {};
    for (const lang of DEMO_LANGS) {
      const file = files.find((f) => f.id === id && f.lang === lang);
      if (!file) {
        problems.push(`media/demos/${id}/${lang}.yaml: missing`);
        continue;
      }
      const def = parseDemoFile(file, problems);
      if (def) byLang[lang] = def;
    }
    const en = byLang.en;
    const zh = byLang['zh-cn'];
    if (en && zh && shape(en) !== shape(zh)) {
      problems.push(`media/demos/${id}: en.yaml and zh-cn.yaml differ in structure (section, options, extractor, run ids/groups/options/parts and builtin overrides must match)`);
    }
    if (en && zh) demos[id] = { en, 'zh-cn': zh };
  }
  for (const file of files) {
    if (!(DEMO_IDS as readonly string[]).includes(file.id)) problems.push(`${file.path}: "${file.id}" is not a demo id`);
  }
  if (problems.length) throw new DemoCatalogError(problems);
  return { version: 1, ids: [...DEMO_IDS], demos };
}

/** Reads media/demos and builds the catalog. `mediaDir` is the extension's media/ folder. */
export function loadDemos(mediaDir: string): DemoCatalog {
  const root = join(mediaDir, 'demos');
  if (!existsSync(root)) throw new DemoCatalogError([`${root}: folder missing`]);
  const files: DemoFile[] = [];
  const extra: string[] = [];
  for (const entry of readdirSync(root).sort()) {
    const dir = join(root, entry);
    if (!statSync(dir).isDirectory()) {
      extra.push(entry);
      continue;
    }
    if (!(DEMO_IDS as readonly string[]).includes(entry)) {
      extra.push(entry);
      continue;
    }
    for (const name of readdirSync(dir).sort()) {
      const lang = name.replace(/\.yaml$/, '');
      if (!name.endsWith('.yaml') || !(DEMO_LANGS as readonly string[]).includes(lang)) {
        extra.push(`${entry}/${name}`);
        continue;
      }
      files.push({ id: entry, lang: lang as Lang, path: `media/demos/${entry}/${name}`, text: readFileSync(join(dir, name), 'utf8') });
    }
  }
  return buildDemoCatalog(files, extra);
}

/** The definition of a demo in a language (English when the language is missing). */
export function getDemo(catalog: DemoCatalog, id: string, lang: Lang): DemoDefinition | undefined {
  const entry = catalog.demos[id];
  return entry ? (entry[lang] ?? entry.en) : undefined;
}
