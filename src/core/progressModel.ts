/**
 * The reader's progress in one place: sections read, checks answered, demos run, widgets used, terms hovered.
 * Pure (no vscode): persisted by progressStore.ts in globalState with a version number.
 */
import type { ProgressEvent } from './services';

export const PROGRESS_VERSION = 2;

export interface ProgressState {
  version: typeof PROGRESS_VERSION;
  sections: Record<string, { readAt: number }>;
  checks: Record<string, { sectionId: string; correct: boolean; answer: unknown; at: number; attempts: number }>;
  demos: Record<string, { at: number; ok: boolean; count: number }>;
  widgets: Record<string, { at: number }>;
  terms: Record<string, { at: number }>;
  modelConnectedAt?: number;
  lectureOpenedAt?: number;
  lastSectionId?: string;
}

export function emptyProgress(): ProgressState {
  return { version: PROGRESS_VERSION, sections: {}, checks: {}, demos: {}, widgets: {}, terms: {} };
}

/** `newer`: written by a newer LLM Lab; read as far as we understand it, and never written back. */
export type MigrationNotice = 'none' | 'migrated' | 'reset' | 'newer';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

function cleanMap<T>(value: unknown, clean: (entry: Record<string, unknown>) => T | undefined): Record<string, T> {
  const out: Record<string, T> = {};
  if (!isRecord(value)) return out;
  for (const [key, entry] of Object.entries(value)) {
    if (!isRecord(entry)) continue;
    const cleaned = clean(entry);
    if (cleaned !== undefined) out[key] = cleaned;
  }
  return out;
}

/**
 * Reads whatever was stored: the current version (entries that don't validate are dropped), version 1
 * (`{ version: 1, read: string[], passed: string[] }`) migrated, a newer version read as far as its fields
 * are the ones we know (notice `newer`: the caller must not write it back), nothing → empty, anything else → reset.
 */
export function migrateProgress(raw: unknown, now = Date.now()): { state: ProgressState; notice: MigrationNotice } {
  if (raw === undefined || raw === null) return { state: emptyProgress(), notice: 'none' };
  if (!isRecord(raw)) return { state: emptyProgress(), notice: 'reset' };
  if (raw.version === 1 && Array.isArray(raw.read)) {
    const state = emptyProgress();
    for (const id of raw.read) if (typeof id === 'string') state.sections[id] = { readAt: now };
    if (Array.isArray(raw.passed)) {
      for (const id of raw.passed) {
        if (typeof id === 'string') state.checks[id] = { sectionId: id.replace(/-\d+$/, ''), correct: true, answer: null, at: now, attempts: 1 };
      }
    }
    return { state, notice: 'migrated' };
  }
  const newer = typeof raw.version === 'number' && Number.isInteger(raw.version) && raw.version > PROGRESS_VERSION;
  if (raw.version !== PROGRESS_VERSION && !newer) return { state: emptyProgress(), notice: 'reset' };
  const state: ProgressState = {
    version: PROGRESS_VERSION,
    sections: cleanMap(raw.sections, (e) => (isTime(e.readAt) ? { readAt: e.readAt } : undefined)),
    checks: cleanMap(raw.checks, (e) =>
      typeof e.sectionId === 'string' && typeof e.correct === 'boolean' && isTime(e.at)
        ? { sectionId: e.sectionId, correct: e.correct, answer: e.answer ?? null, at: e.at, attempts: typeof e.attempts === 'number' ? e.attempts : 1 }
        : undefined,
    ),
    demos: cleanMap(raw.demos, (e) => (isTime(e.at) ? { at: e.at, ok: e.ok === true, count: typeof e.count === 'number' ? e.count : 1 } : undefined)),
    widgets: cleanMap(raw.widgets, (e) => (isTime(e.at) ? { at: e.at } : undefined)),
    terms: cleanMap(raw.terms, (e) => (isTime(e.at) ? { at: e.at } : undefined)),
  };
  if (isTime(raw.modelConnectedAt)) state.modelConnectedAt = raw.modelConnectedAt;
  if (isTime(raw.lectureOpenedAt)) state.lectureOpenedAt = raw.lectureOpenedAt;
  if (typeof raw.lastSectionId === 'string') state.lastSectionId = raw.lastSectionId;
  return { state, notice: newer ? 'newer' : 'none' };
}

/** The part of a vscode.Memento the progress store uses (so persistence is testable without VS Code). */
export interface ProgressMemento {
  get(key: string): unknown;
  update(key: string, value: unknown): PromiseLike<void>;
}

const NEWER_NOTICE_KEY = 'llmLab.progress.newerVersionNoticed';

/**
 * Loads and saves progress. Progress written by a newer LLM Lab (after a downgrade, or from another machine
 * through Settings Sync) is kept untouched: this session works read-only on what it understands, so going back
 * to the newer version loses nothing. Only an explicit reset replaces it.
 */
export class ProgressPersistence {
  private readOnlyVersion: number | undefined;

  constructor(private readonly memento: ProgressMemento, private readonly key: string) {}

  load(now = Date.now()): { state: ProgressState; notice: MigrationNotice } {
    const raw = this.memento.get(this.key);
    const result = migrateProgress(raw, now);
    this.readOnlyVersion = result.notice === 'newer' ? (raw as { version: number }).version : undefined;
    if (result.notice === 'migrated' || result.notice === 'reset') void this.memento.update(this.key, result.state);
    return result;
  }

  /** True while the stored progress is from a newer version and is being kept as it is. */
  get readOnly(): boolean {
    return this.readOnlyVersion !== undefined;
  }

  async save(state: ProgressState): Promise<void> {
    if (this.readOnly) return;
    await this.memento.update(this.key, state);
  }

  /** An explicit reset by the reader: the one write allowed over a newer version's progress. */
  async clear(): Promise<ProgressState> {
    this.readOnlyVersion = undefined;
    const state = emptyProgress();
    await this.memento.update(this.key, state);
    return state;
  }

  /** True once per newer stored version: whether to tell the reader that progress is read-only. */
  shouldAnnounceReadOnly(): boolean {
    if (this.readOnlyVersion === undefined || this.memento.get(NEWER_NOTICE_KEY) === this.readOnlyVersion) return false;
    void this.memento.update(NEWER_NOTICE_KEY, this.readOnlyVersion);
    return true;
  }
}

/** Returns a new state with the event applied (the input is not modified). */
export function applyProgress(state: ProgressState, event: ProgressEvent, now = Date.now()): ProgressState {
  const next: ProgressState = structuredClone(state);
  switch (event.kind) {
    case 'sectionRead':
      if (!next.sections[event.sectionId]) next.sections[event.sectionId] = { readAt: now };
      next.lastSectionId = event.sectionId;
      break;
    case 'checkAnswered': {
      const previous = next.checks[event.questionId];
      next.checks[event.questionId] = {
        sectionId: event.sectionId,
        // Once passed, a check stays passed; a later wrong retry is still counted as an attempt.
        correct: event.correct || previous?.correct === true,
        answer: event.answer,
        at: now,
        attempts: (previous?.attempts ?? 0) + 1,
      };
      break;
    }
    case 'demoRun': {
      const previous = next.demos[event.demoId];
      next.demos[event.demoId] = { at: now, ok: event.ok || previous?.ok === true, count: (previous?.count ?? 0) + 1 };
      break;
    }
    case 'widgetUsed':
      next.widgets[event.widgetId] = { at: now };
      break;
    case 'termHovered':
      next.terms[event.termId] = { at: now };
      break;
    case 'modelConnected':
      next.modelConnectedAt = now;
      break;
    case 'lectureOpened':
      next.lectureOpenedAt ??= now;
      break;
  }
  return next;
}

export const camel = (id: string): string => id.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Context keys the walkthrough and views read (`onContext:` completion events). */
export function progressContextKeys(state: ProgressState): Record<string, boolean | number> {
  const keys: Record<string, boolean | number> = {
    'llmLab.sectionsRead': Object.keys(state.sections).length,
    'llmLab.lectureOpened': state.lectureOpenedAt !== undefined,
    'llmLab.anySectionRead': Object.keys(state.sections).length > 0,
    'llmLab.termHovered': Object.keys(state.terms).length > 0,
    'llmLab.modelConnected': state.modelConnectedAt !== undefined,
    'llmLab.anyCheckPassed': Object.values(state.checks).some((c) => c.correct),
  };
  for (const [id, demo] of Object.entries(state.demos)) keys[`llmLab.demoRan.${camel(id)}`] = demo.ok;
  for (const id of Object.keys(state.widgets)) keys[`llmLab.widgetUsed.${camel(id)}`] = true;
  for (const check of Object.values(state.checks)) {
    if (check.correct) keys[`llmLab.checkPassed.${camel(check.sectionId)}`] = true;
  }
  return keys;
}

export interface SectionRef {
  id: string;
  part: string;
  order: number;
}

export interface QuestionRef {
  id: string;
  sectionId: string;
}

/** A section is passed when every one of its questions was answered correctly at least once. */
export function sectionPassed(state: ProgressState, sectionId: string, questions: readonly QuestionRef[]): boolean {
  const own = questions.filter((q) => q.sectionId === sectionId);
  return own.length > 0 && own.every((q) => state.checks[q.id]?.correct === true);
}

export interface PartSummary {
  part: string;
  sections: number;
  read: number;
  questions: number;
  correct: number;
  /** Sections with a question not yet answered correctly (deep-link targets to revisit). */
  revisit: string[];
}

export function summarizeParts(state: ProgressState, sections: readonly SectionRef[], questions: readonly QuestionRef[]): PartSummary[] {
  const parts = [...new Set([...sections].sort((a, b) => a.order - b.order).map((s) => s.part))];
  return parts.map((part) => {
    const own = sections.filter((s) => s.part === part).sort((a, b) => a.order - b.order);
    const ids = new Set(own.map((s) => s.id));
    const qs = questions.filter((q) => ids.has(q.sectionId));
    const answered = new Set(qs.filter((q) => state.checks[q.id]?.correct).map((q) => q.id));
    return {
      part,
      sections: own.length,
      read: own.filter((s) => state.sections[s.id]).length,
      questions: qs.length,
      correct: answered.size,
      revisit: own.filter((s) => qs.some((q) => q.sectionId === s.id && !answered.has(q.id))).map((s) => s.id),
    };
  });
}

/** "Resume": the first section (in lecture order) not yet read, else the last one visited, else the first. */
export function resumeSection(state: ProgressState, sections: readonly SectionRef[]): string | undefined {
  const ordered = [...sections].sort((a, b) => a.order - b.order);
  return ordered.find((s) => !state.sections[s.id])?.id ?? state.lastSectionId ?? ordered[0]?.id;
}
