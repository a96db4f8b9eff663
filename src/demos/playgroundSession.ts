/**
 * The playground's view of a run, kept on the extension side so a page that reloads (hidden panels lose
 * their page) can be handed everything so far, and the batching of runner updates into few messages.
 * Pure: no vscode, timers injected.
 */
import type { SessionSnapshot, RunSnapshot, HistoryEntryView } from './playgroundMessages';
import type { DemoUpdate, PlannedRun } from './demoRunner';
import type { DemoDefinition, DemoResult } from './demoTypes';
import { withParts, type PromptParts } from './promptTemplate';

/** Applies the reader's edits (per run id) to a definition's runs; an edited run is sent as written, also to the built-in models. */
export function withEdits(def: DemoDefinition, edits: Record<string, Partial<PromptParts>> | undefined): DemoDefinition {
  if (!edits || !Object.keys(edits).length) return def;
  const apply = (run: DemoDefinition['runs'][number]): DemoDefinition['runs'][number] => {
    if (!Object.hasOwn(edits, run.id)) return run;
    const { builtin: _builtin, ...rest } = run;
    return { ...rest, template: withParts(run.template, edits[run.id]) };
  };
  return { ...def, runs: def.runs.map(apply), extraRuns: def.extraRuns.map(apply) };
}

export function emptyRun(): RunSnapshot {
  return { status: 'waiting', output: '', reasoning: '', tokens: [] };
}

export function newSession(id: string, demoId: string, title: string, startedAt: number): SessionSnapshot {
  return { id, demoId, title, parallel: false, plan: [], runs: [], done: false, startedAt };
}

/** Folds one runner update into the snapshot (the same events the webview renders). */
export function applyUpdate(session: SessionSnapshot, runIndex: number, update: DemoUpdate): void {
  if (runIndex < 0) {
    switch (update.type) {
      case 'plan':
        session.plan = update.runs;
        session.parallel = update.parallel;
        session.runs = update.runs.map(() => emptyRun());
        break;
      case 'provider':
        session.provider = update.provider;
        session.model = update.model;
        break;
      case 'vote':
        session.vote = update.vote;
        break;
      default:
        // Run events come with a run index (below).
        break;
    }
    return;
  }
  const run = session.runs[runIndex];
  if (!run) return;
  switch (update.type) {
    case 'start':
      run.status = 'running';
      break;
    case 'text':
      run.output += update.text;
      run.retry = undefined;
      break;
    case 'reasoning':
      run.reasoning += update.text;
      break;
    case 'logprobs':
      run.tokens.push(...update.tokens);
      break;
    case 'retry':
      run.retry = update.reason;
      break;
    case 'code':
      run.code = update.code;
      break;
    case 'execution':
      run.execution = update.execution;
      if (run.code) run.code = { ...run.code, execution: update.execution };
      break;
    case 'end':
      run.status = 'done';
      run.result = update.run;
      run.output = update.run.output;
      if (update.run.reasoning) run.reasoning = update.run.reasoning;
      break;
    case 'stage':
    case 'usage':
      // Not in the snapshot: the run's result ('end') carries its usage and full prompt.
      break;
    case 'plan':
    case 'provider':
    case 'vote':
      // Session events come with run index -1 (above).
      break;
  }
}

export function finishSession(session: SessionSnapshot, result: DemoResult): void {
  session.done = true;
  session.result = result;
  if (result.vote) session.vote = result.vote;
  session.provider = result.provider;
  session.model = result.model;
  // A demo that failed before planning (no provider) still shows its runs with the error.
  if (session.runs.length < result.runs.length) {
    session.plan = planFromResult(result);
    session.runs = result.runs.map(() => emptyRun());
  }
  result.runs.forEach((r, i) => {
    const run = session.runs[i];
    if (!run) return;
    run.status = 'done';
    run.result = r;
    run.output = r.output;
    if (r.reasoning) run.reasoning = r.reasoning;
    if (r.code) run.code = r.code;
    if (r.code?.execution) run.execution = r.code.execution;
    if (r.tokens) run.tokens = r.tokens;
  });
}

export function planFromResult(result: DemoResult): PlannedRun[] {
  return result.runs.map((r, index) => {
    const p: PlannedRun = {
      index,
      runId: r.runId ?? String(index),
      label: r.label,
      temperature: r.temperature ?? 0,
      prompt: r.prompt,
      messages: r.messages ?? [{ role: 'user', content: r.prompt }],
    };
    if (r.group !== undefined) p.group = r.group;
    if (r.sample !== undefined) p.sample = r.sample;
    if (r.expected !== undefined) p.expected = r.expected;
    if (r.code) p.program = r.code.language;
    return p;
  });
}

/** A finished result as a session (history entries reopened). */
export function sessionFromResult(result: DemoResult, meta: { id: string; title: string; at: number; historyId?: string }): SessionSnapshot {
  const session = newSession(meta.id, result.demoId, meta.title, meta.at);
  session.plan = planFromResult(result);
  session.parallel = true;
  session.runs = result.runs.map(() => emptyRun());
  if (meta.historyId) session.historyId = meta.historyId;
  finishSession(session, result);
  return session;
}

// ---- history ----

export interface HistoryEntry {
  id: string;
  title: string;
  at: number;
  result: DemoResult;
}

export const HISTORY_LIMIT = 50;
/** Outputs longer than this are cut in history (the playground keeps the whole text while it is open). */
export const HISTORY_OUTPUT_LIMIT = 40000;

function cut(text: string | undefined): string | undefined {
  if (text === undefined || text.length <= HISTORY_OUTPUT_LIMIT) return text;
  return `${text.slice(0, HISTORY_OUTPUT_LIMIT)}\n…`;
}

/** The newest entry first, at most HISTORY_LIMIT, long outputs cut, logprob details dropped. */
export function addToHistory(history: readonly HistoryEntry[], entry: HistoryEntry): HistoryEntry[] {
  const result: DemoResult = {
    ...entry.result,
    runs: entry.result.runs.map((r) => {
      const { tokens: _tokens, ...rest } = r;
      const trimmed = { ...rest, output: cut(r.output) ?? '' };
      if (r.reasoning !== undefined) trimmed.reasoning = cut(r.reasoning);
      return trimmed;
    }),
  };
  return [{ ...entry, result }, ...history.filter((h) => h.id !== entry.id)].slice(0, HISTORY_LIMIT);
}

export function isHistoryEntry(value: unknown): value is HistoryEntry {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<HistoryEntry>;
  return typeof v.id === 'string' && typeof v.title === 'string' && typeof v.at === 'number' && typeof v.result === 'object' && v.result !== null && Array.isArray(v.result.runs);
}

export function historyView(history: readonly HistoryEntry[]): HistoryEntryView[] {
  return history.map(({ id, title, at, result }) => {
    const graded = result.runs.filter((r) => r.correct !== undefined);
    const view: HistoryEntryView = {
      id,
      title,
      demoId: result.demoId,
      at,
      ok: result.ok,
      provider: String(result.provider),
      model: result.model,
      runs: result.runs.length,
      correct: graded.filter((r) => r.correct).length,
      graded: graded.length,
    };
    if (result.error) view.error = result.error;
    return view;
  });
}

/** The page's list after a change: the added entry first, removed ones gone. */
export function applyHistoryChange(history: readonly HistoryEntryView[], change: { added?: HistoryEntryView; removed: readonly string[] }): HistoryEntryView[] {
  const gone = new Set(change.removed);
  if (change.added) gone.add(change.added.id);
  const kept = history.filter((h) => !gone.has(h.id));
  return change.added ? [change.added, ...kept] : kept;
}

// ---- batching ----

export interface BatcherTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Collects runner updates and hands them over at most every `intervalMs`: text, reasoning and logprob
 * deltas of a run are joined with that run's previous queued update of the same kind, so a burst of
 * tokens becomes one message. Order between a run's different updates is kept.
 */
export class UpdateBatcher {
  private queue: [number, DemoUpdate][] = [];
  private readonly lastOfRun = new Map<number, [number, DemoUpdate]>();
  private timer: unknown;

  constructor(
    private readonly deliver: (updates: [number, DemoUpdate][]) => void,
    private readonly intervalMs = 30,
    private readonly timers: BatcherTimers = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
  ) {}

  add(runIndex: number, update: DemoUpdate): void {
    const last = this.lastOfRun.get(runIndex);
    if (last && last[1].type === update.type) {
      if (update.type === 'text' || update.type === 'reasoning') {
        last[1] = { type: update.type, text: (last[1] as { text: string }).text + update.text };
        return;
      }
      if (update.type === 'logprobs') {
        last[1] = { type: 'logprobs', tokens: [...(last[1] as { tokens: typeof update.tokens }).tokens, ...update.tokens] };
        return;
      }
    }
    const entry: [number, DemoUpdate] = [runIndex, update];
    this.queue.push(entry);
    this.lastOfRun.set(runIndex, entry);
    this.timer ??= this.timers.setTimeout(() => this.flush(), this.intervalMs);
  }

  /** Delivers what is queued now (also called when a run ends, so results are never late). */
  flush(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.queue.length) return;
    const updates = this.queue;
    this.queue = [];
    this.lastOfRun.clear();
    this.deliver(updates);
  }

  dispose(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.queue = [];
    this.lastOfRun.clear();
  }
}
