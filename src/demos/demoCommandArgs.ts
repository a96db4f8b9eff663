/**
 * Arguments of the demo commands, checked (they come from links, the walkthrough, the tree and scripts).
 * Pure.
 */
import { t } from '../core/l10n';
import type { CodeLanguage, DemoDefinition, DemoRun } from './demoTypes';
import { renderPrompt } from './promptTemplate';

export const DEMO_PROVIDERS = ['auto', 'openai-compatible', 'ollama', 'vscode-lm', 'builtin', 'local'] as const;
export type DemoProvider = (typeof DEMO_PROVIDERS)[number];

export interface RunDemoRequest {
  id: string;
  model?: string;
  provider?: DemoProvider;
  temperature?: number;
  samples?: number;
  /** Default true: show the run in the playground. */
  showUi: boolean;
}

export type ParsedRunDemoArg = { kind: 'pick' } | { kind: 'run'; request: RunDemoRequest } | { kind: 'invalid'; id: string; message: string };

/** `llmLab.runDemo`'s argument: nothing (pick), a demo id, `{ id, model?, provider?, temperature?, samples?, showUi? }`, or a tree item. */
export function parseRunDemoArg(arg: unknown): ParsedRunDemoArg {
  if (arg === undefined || arg === null) return { kind: 'pick' };
  if (typeof arg === 'string') return arg.trim() ? { kind: 'run', request: { id: arg.trim(), showUi: true } } : { kind: 'pick' };
  if (typeof arg !== 'object' || Array.isArray(arg)) return { kind: 'invalid', id: '', message: t('The argument must be a demo id or {"id": …}.') };
  const a = arg as Record<string, unknown>;
  const id = typeof a.id === 'string' ? a.id.trim() : '';
  if (!id) return { kind: 'invalid', id: '', message: t('The argument must be a demo id or {"id": …}.') };
  const request: RunDemoRequest = { id, showUi: true };
  if (a.model !== undefined) {
    if (typeof a.model !== 'string') return { kind: 'invalid', id, message: t('"{0}" must be a text value.', 'model') };
    if (a.model.trim()) request.model = a.model.trim();
  }
  if (a.provider !== undefined) {
    if (typeof a.provider !== 'string' || !(DEMO_PROVIDERS as readonly string[]).includes(a.provider)) {
      return { kind: 'invalid', id, message: t('Unknown provider "{0}" (use one of: {1}).', String(a.provider), DEMO_PROVIDERS.join(', ')) };
    }
    request.provider = a.provider as DemoProvider;
  }
  if (a.temperature !== undefined) {
    if (typeof a.temperature !== 'number' || !Number.isFinite(a.temperature)) return { kind: 'invalid', id, message: t('Temperature must be a number from 0 to 2.') };
    request.temperature = a.temperature;
  }
  if (a.samples !== undefined) {
    if (typeof a.samples !== 'number') return { kind: 'invalid', id, message: t('Samples must be a whole number from 1 to 20.') };
    request.samples = a.samples;
  }
  if (a.showUi !== undefined) {
    if (typeof a.showUi !== 'boolean') return { kind: 'invalid', id, message: t('"{0}" must be true or false.', 'showUi') };
    request.showUi = a.showUi;
  }
  return { kind: 'run', request };
}

/** A demo id from a command argument: a string, `{ id }` or a tree item; undefined otherwise. */
export function demoIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg.trim() || undefined;
  if (typeof arg === 'object' && arg !== null && typeof (arg as { id?: unknown }).id === 'string') return (arg as { id: string }).id;
  return undefined;
}

// ---- selection commands ----

export type SelectionAction = 'summarize' | 'translate' | 'explain';

const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]/g;

/** True when the text is mostly Chinese (counted against Latin letters), so translation goes ZH→EN. */
export function isMostlyChinese(text: string): boolean {
  const cjk = text.match(CJK)?.length ?? 0;
  const latin = text.match(/[A-Za-z]+/g)?.length ?? 0;
  return cjk > 0 && cjk >= latin;
}

/** Which demo and run each selection command uses (the demos' data: tldr, one-shot translation, zero-shot CoT). */
export function selectionRun(action: SelectionAction, text: string): { demoId: string; runId: string } {
  switch (action) {
    case 'summarize':
      return { demoId: 'tldr-summary', runId: 'tldr' };
    case 'translate':
      return { demoId: 'one-shot-translation', runId: isMostlyChinese(text) ? 'zh-to-en' : 'en-to-zh' };
    case 'explain':
      return { demoId: 'zero-shot-cot', runId: 'explain' };
  }
}

export const SELECTION_LIMIT = 20000;

/** The demo reduced to the one run the command uses, with the selection as its query. */
export function selectionDefinition(def: DemoDefinition, runId: string, text: string, title: string): DemoDefinition | undefined {
  const run = [...def.runs, ...def.extraRuns].find((r) => r.id === runId);
  if (!run) return undefined;
  const selected: DemoRun = { ...run, template: { ...run.template, parts: { ...run.template.parts, query: text.trim() } } };
  delete selected.expected;
  delete selected.group;
  delete selected.builtin;
  return { ...def, title, options: { ...def.options, samples: 1, vote: false }, extractor: { id: 'none' }, runs: [selected], extraRuns: [] };
}

// ---- demo → prompt file ----

function yamlString(value: string): string {
  return JSON.stringify(value);
}

/** A demo run as a `*.prompt.md` file: front matter with the demo's options, then the exact prompt text. */
export function promptFileText(def: DemoDefinition, runId?: string, codeLanguage: CodeLanguage = 'python'): string {
  const runs = def.runs.filter((r) => r.program === undefined || r.program === codeLanguage);
  const run = runs.find((r) => r.id === runId) ?? runs[0] ?? def.runs[0];
  const temperature = run.options?.temperature ?? def.options.temperature;
  const lines = ['---', `temperature: ${temperature}`];
  if (def.options.samples > 1) lines.push(`samples: ${def.options.samples}`);
  if (run.template.parts.system) lines.push(`system: ${yamlString(run.template.parts.system)}`);
  lines.push('---');
  return `${lines.join('\n')}\n${renderPrompt(run.template)}\n`;
}
