import { isMap, isScalar, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { t, type Lang } from '../core/l10n';
import type { DemoDefinition } from './demoTypes';

/**
 * `*.prompt.md` (SPEC): optional YAML front matter (`model`, `temperature` 0–2, `samples` 1–20, `system`)
 * between `---` lines, then the prompt body. Pure; never throws: problems are diagnostics with
 * 0-based line/column ranges (VS Code positions) on the offending text.
 */

export interface PromptFileOptions {
  model?: string;
  temperature?: number;
  samples?: number;
  system?: string;
}

export interface PromptFileDiagnostic {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: 'error' | 'warning';
  message: string;
  code: 'unterminated' | 'yaml' | 'notMapping' | 'unknownKey' | 'wrongType' | 'outOfRange' | 'emptyBody';
}

export interface ParsedPromptFile {
  options: PromptFileOptions;
  body: string;
  /** 0-based line where the body starts. */
  bodyLine: number;
  /** 0-based lines of the opening and closing `---`, when there is front matter. */
  frontMatter?: { startLine: number; endLine: number };
  diagnostics: PromptFileDiagnostic[];
}

export const PROMPT_FILE_KEYS = ['model', 'temperature', 'samples', 'system'] as const;

function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}

export function parsePromptFile(source: string): ParsedPromptFile {
  const text = source.replace(/^\uFEFF/, '');
  const lines = splitLines(text);
  const diagnostics: PromptFileDiagnostic[] = [];
  const bodyOf = (from: number): string => lines.slice(from).join('\n');

  if (lines[0]?.trimEnd() !== '---') {
    const parsed: ParsedPromptFile = { options: {}, body: text.replace(/\r\n/g, '\n'), bodyLine: 0, diagnostics };
    checkBody(parsed, lines, 0);
    return parsed;
  }
  const close = lines.findIndex((line, i) => i > 0 && (line.trimEnd() === '---' || line.trimEnd() === '...'));
  if (close < 0) {
    diagnostics.push({
      line: 0,
      column: 0,
      endLine: 0,
      endColumn: lines[0].length,
      severity: 'error',
      code: 'unterminated',
      message: t('The front matter starts with --- but has no closing --- line.'),
    });
    return { options: {}, body: bodyOf(1), bodyLine: 1, diagnostics };
  }

  const yamlText = lines.slice(1, close).join('\n');
  const lineOffset = 1;
  const counter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): { line: number; column: number } => {
    const pos = counter.linePos(offset);
    return { line: pos.line - 1 + lineOffset, column: pos.col - 1 };
  };
  const range = (node: YamlNode | null | undefined): Pick<PromptFileDiagnostic, 'line' | 'column' | 'endLine' | 'endColumn'> => {
    const [start, end] = node?.range ?? [0, 0];
    const s = at(start);
    const e = at(Math.max(start, end));
    return { line: s.line, column: s.column, endLine: e.line, endColumn: e.line === s.line && e.column === s.column ? s.column + 1 : e.column };
  };
  const options: PromptFileOptions = {};
  const parsed: ParsedPromptFile = { options, body: bodyOf(close + 1), bodyLine: close + 1, frontMatter: { startLine: 0, endLine: close }, diagnostics };

  for (const error of doc.errors) {
    const [start, end] = error.pos;
    const s = at(start);
    const e = at(Math.max(start + 1, end));
    diagnostics.push({ ...s, endLine: e.line, endColumn: e.column, severity: 'error', code: 'yaml', message: t('Front matter is not valid YAML: {0}', error.message.split('\n')[0]) });
  }
  if (doc.errors.length) return parsed;

  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && (contents.value === null || contents.value === ''))) {
    checkBody(parsed, lines, close);
    return parsed;
  }
  if (!isMap(contents)) {
    diagnostics.push({ ...range(contents), severity: 'error', code: 'notMapping', message: t('Front matter must be "key: value" lines (model, temperature, samples, system).') });
    return parsed;
  }

  for (const pair of contents.items) {
    const keyNode = pair.key as YamlNode | null;
    const key = isScalar(keyNode) ? String(keyNode.value) : undefined;
    const valueNode = pair.value as YamlNode | null;
    const value = isScalar(valueNode) ? valueNode.value : valueNode ? (valueNode as unknown) : null;
    const where = range(valueNode ?? keyNode);
    if (key === undefined || !(PROMPT_FILE_KEYS as readonly string[]).includes(key)) {
      diagnostics.push({
        ...range(keyNode),
        severity: 'warning',
        code: 'unknownKey',
        message: t('Unknown front matter key "{0}" (known: {1}).', key ?? '?', PROMPT_FILE_KEYS.join(', ')),
      });
      continue;
    }
    switch (key) {
      case 'model':
      case 'system':
        if (typeof value !== 'string' || (key === 'model' && value.trim() === '')) {
          diagnostics.push({ ...where, severity: 'error', code: 'wrongType', message: t('"{0}" must be a text value (put it in quotes).', key) });
        } else options[key] = key === 'model' ? value.trim() : value;
        break;
      case 'temperature':
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          diagnostics.push({ ...where, severity: 'error', code: 'wrongType', message: t('"temperature" must be a number from 0 to 2.') });
        } else if (value < 0 || value > 2) {
          diagnostics.push({ ...where, severity: 'error', code: 'outOfRange', message: t('"temperature" must be a number from 0 to 2.') });
        } else options.temperature = value;
        break;
      case 'samples':
        if (typeof value !== 'number' || !Number.isInteger(value)) {
          diagnostics.push({ ...where, severity: 'error', code: 'wrongType', message: t('"samples" must be a whole number from 1 to 20.') });
        } else if (value < 1 || value > 20) {
          diagnostics.push({ ...where, severity: 'error', code: 'outOfRange', message: t('"samples" must be a whole number from 1 to 20.') });
        } else options.samples = value;
        break;
    }
  }
  checkBody(parsed, lines, close);
  return parsed;
}

function checkBody(parsed: ParsedPromptFile, lines: string[], anchorLine: number): void {
  if (parsed.body.trim() !== '') return;
  parsed.diagnostics.push({
    line: anchorLine,
    column: 0,
    endLine: anchorLine,
    endColumn: lines[anchorLine]?.length ?? 0,
    severity: 'warning',
    code: 'emptyBody',
    message: t('The prompt is empty: write it below the front matter.'),
  });
}

export function hasErrors(parsed: ParsedPromptFile): boolean {
  return parsed.diagnostics.some((d) => d.severity === 'error');
}

/**
 * A prompt file as a one-run demo, so it runs through the same runner and playground.
 * With more than one sample the answers are voted on (self-consistency, "Run ×5").
 */
export function definitionFromPromptFile(
  parsed: ParsedPromptFile,
  context: { title: string; lang: Lang; temperature: number; samples?: number },
): DemoDefinition {
  const samples = context.samples ?? parsed.options.samples ?? 1;
  return {
    id: 'prompt-file',
    lang: context.lang,
    title: context.title,
    section: '',
    summary: '',
    notice: [],
    expectation: '',
    sources: [],
    options: { temperature: parsed.options.temperature ?? context.temperature, samples, parallel: true, vote: samples > 1 },
    extractor: samples > 1 ? { id: 'answer-is' } : { id: 'none' },
    runs: [{ id: 'prompt', label: context.title, template: { parts: { system: parsed.options.system, query: parsed.body.trim() } } }],
    extraRuns: [],
  };
}
