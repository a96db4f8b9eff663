/** Messages between the playground panel and its page (both sides import this file). */
import type { Lang } from '../core/l10n';
import type { DemoUpdate, PlannedRun } from './demoRunner';
import type { CodeExecution, CodeLanguage, DemoDefinition, DemoErrorInfo, DemoResult, DemoRunCode, DemoRunResult, VoteResult } from './demoTypes';
import type { Exemplar, PromptParts } from './promptTemplate';
import type { TokenLogprob } from '../llm/types';

/** One entry of the demo picker. */
export interface DemoListEntry {
  id: string;
  title: string;
  summary: string;
  section: string;
  part: string;
  partTitle: string;
  /** Runs with no endpoint on the built-in n-gram model. */
  builtin: boolean;
}

/** What the prompt area shows: a catalog demo, or a run made from a selection or a prompt file. */
export interface DemoView {
  definition: DemoDefinition;
  /** Set for runs that are not a catalog demo (selection commands, prompt files): shown in the picker. */
  adhocLabel?: string;
  /** The lecture section's title, for the "read in the lecture" link. */
  sectionTitle?: string;
  builtin: boolean;
}

export type ConnectionView =
  | { state: 'checking' }
  | { state: 'ok'; provider: string; model?: string }
  | { state: 'none'; message: string }
  | { state: 'error'; message: string };

export type RunStatus = 'waiting' | 'running' | 'done';

/** A run as far as it got (also what a reopened history entry shows). */
export interface RunSnapshot {
  status: RunStatus;
  output: string;
  reasoning: string;
  tokens: TokenLogprob[];
  code?: DemoRunCode;
  execution?: CodeExecution;
  result?: DemoRunResult;
  retry?: string;
}

export interface SessionSnapshot {
  id: string;
  demoId: string;
  title: string;
  /** Compare mode: runs started together. */
  parallel: boolean;
  plan: PlannedRun[];
  provider?: string;
  model?: string;
  runs: RunSnapshot[];
  vote?: VoteResult;
  done: boolean;
  result?: DemoResult;
  /** From history (not live). */
  historyId?: string;
  startedAt: number;
}

export interface HistoryEntryView {
  id: string;
  title: string;
  demoId: string;
  at: number;
  ok: boolean;
  provider: string;
  model: string;
  runs: number;
  correct: number;
  graded: number;
  error?: DemoErrorInfo;
}

export interface PlaygroundInit {
  lang: Lang;
  /** zh-cn runtime strings (empty in English). */
  strings: Record<string, string>;
  demos: DemoListEntry[];
  demo?: DemoView;
  session?: SessionSnapshot;
  history: HistoryEntryView[];
  connection: ConnectionView;
  codeLanguage: CodeLanguage;
}

export type ToPlaygroundWebview =
  | { type: 'init'; init: PlaygroundInit }
  | { type: 'demo'; demo: DemoView }
  | { type: 'session'; session: SessionSnapshot }
  /** Batched runner updates of the live session; text deltas of one run are already joined. */
  | { type: 'updates'; sessionId: string; updates: [number, DemoUpdate][] }
  | { type: 'finished'; sessionId: string; result: DemoResult }
  /** Only what changed (the whole list comes with init). */
  | { type: 'historyChanged'; added?: HistoryEntryView; removed: string[] }
  | { type: 'connection'; connection: ConnectionView };

export type PlaygroundCommand = 'llmLab.selectModel' | 'llmLab.testConnection' | 'llmLab.openLecture' | 'llmLab.openDemoAsPromptFile' | 'llmLab.downloadLocalModel';

export type FromPlaygroundWebview =
  | { type: 'ready' }
  | { type: 'selectDemo'; id: string }
  | {
      type: 'run';
      demoId: string;
      edits?: Record<string, Partial<PromptParts>>;
      temperature?: number;
      samples?: number;
      provider?: 'builtin';
    }
  | { type: 'cancel'; sessionId: string; runIndex?: number }
  | { type: 'reopen'; historyId: string }
  | { type: 'export'; historyId?: string; all?: boolean }
  | { type: 'clearHistory' }
  | { type: 'command'; command: PlaygroundCommand; arg?: string }
  | { type: 'openExternal'; url: string };

const COMMANDS: readonly PlaygroundCommand[] = ['llmLab.selectModel', 'llmLab.testConnection', 'llmLab.openLecture', 'llmLab.openDemoAsPromptFile', 'llmLab.downloadLocalModel'];
const MAX_TEXT = 20000;
const MAX_EXEMPLARS = 32;
const MAX_RUNS = 64;

const str = (v: unknown, max = 200): v is string => typeof v === 'string' && v.length <= max;
const id = (v: unknown): v is string => str(v, 100) && /^[\w.:-]+$/.test(v);

/** A run's edited prompt parts: strings only, bounded; undefined if anything is off. */
function parseParts(raw: unknown): Partial<PromptParts> | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const m = raw as Record<string, unknown>;
  const parts: Partial<PromptParts> = {};
  for (const key of Object.keys(m)) {
    if (!['system', 'instruction', 'query', 'trigger', 'exemplars'].includes(key)) return undefined;
  }
  for (const key of ['system', 'instruction', 'query', 'trigger'] as const) {
    if (m[key] === undefined) continue;
    if (!str(m[key], MAX_TEXT)) return undefined;
    parts[key] = m[key];
  }
  if (m.exemplars !== undefined) {
    if (!Array.isArray(m.exemplars) || m.exemplars.length > MAX_EXEMPLARS) return undefined;
    const exemplars: Exemplar[] = [];
    for (const e of m.exemplars) {
      if (typeof e !== 'object' || e === null) return undefined;
      const { input, output } = e as Record<string, unknown>;
      if (!str(input, MAX_TEXT) || !str(output, MAX_TEXT)) return undefined;
      exemplars.push({ input, output });
    }
    parts.exemplars = exemplars;
  }
  return parts;
}

function parseEdits(raw: unknown): Record<string, Partial<PromptParts>> | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length > MAX_RUNS) return undefined;
  const edits: Record<string, Partial<PromptParts>> = {};
  for (const [runId, value] of entries) {
    const parts = id(runId) ? parseParts(value) : undefined;
    if (!parts) return undefined;
    edits[runId] = parts;
  }
  return edits;
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Validates a message from the webview; anything malformed or unknown → undefined (ignored and logged). */
export function parseFromPlaygroundWebview(raw: unknown): FromPlaygroundWebview | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'selectDemo':
      return id(m.id) ? { type: 'selectDemo', id: m.id } : undefined;
    case 'run': {
      if (!id(m.demoId)) return undefined;
      const message: Extract<FromPlaygroundWebview, { type: 'run' }> = { type: 'run', demoId: m.demoId };
      if (m.edits !== undefined) {
        const edits = parseEdits(m.edits);
        if (!edits) return undefined;
        message.edits = edits;
      }
      if (m.temperature !== undefined) {
        if (!finite(m.temperature) || m.temperature < 0 || m.temperature > 2) return undefined;
        message.temperature = m.temperature;
      }
      if (m.samples !== undefined) {
        if (!Number.isInteger(m.samples) || (m.samples as number) < 1 || (m.samples as number) > 20) return undefined;
        message.samples = m.samples as number;
      }
      if (m.provider !== undefined) {
        if (m.provider !== 'builtin') return undefined;
        message.provider = 'builtin';
      }
      return message;
    }
    case 'cancel': {
      if (!id(m.sessionId)) return undefined;
      if (m.runIndex === undefined) return { type: 'cancel', sessionId: m.sessionId };
      return Number.isInteger(m.runIndex) && (m.runIndex as number) >= 0 ? { type: 'cancel', sessionId: m.sessionId, runIndex: m.runIndex as number } : undefined;
    }
    case 'reopen':
      return id(m.historyId) ? { type: 'reopen', historyId: m.historyId } : undefined;
    case 'export':
      if (m.all === true) return { type: 'export', all: true };
      return id(m.historyId) ? { type: 'export', historyId: m.historyId } : undefined;
    case 'clearHistory':
      return { type: 'clearHistory' };
    case 'command': {
      if (!(COMMANDS as readonly unknown[]).includes(m.command)) return undefined;
      if (m.arg !== undefined && !id(m.arg)) return undefined;
      return m.arg === undefined ? { type: 'command', command: m.command as PlaygroundCommand } : { type: 'command', command: m.command as PlaygroundCommand, arg: m.arg };
    }
    case 'openExternal':
      return str(m.url, 2000) && /^https?:\/\/[^\s]+$/i.test(m.url) ? { type: 'openExternal', url: m.url } : undefined;
  }
  return undefined;
}
