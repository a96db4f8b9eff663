/** Messages between the lecture panel and its page (both sides import this file). */
import type { Lang } from '../core/l10n';
import type { WidgetResponse } from '../lessons/widgetProtocol';
import { isRequestEnvelope, type RequestEnvelope, type ResponseEnvelope } from '../webview/protocol';

export interface TocEntry {
  id: string;
  title: string;
  part: string;
  order: number;
  summary: string;
}

export interface QuestionView {
  id: string;
  type: 'single' | 'multiple' | 'numeric' | 'order';
  prompt: string;
  options?: string[];
  unit?: string;
}

export interface TermView {
  id: string;
  term: string;
  other: string;
  definition: string;
  aliases: string[];
  section: string;
}

export interface SectionPayload {
  id: string;
  title: string;
  part: string;
  order: number;
  html: string;
  sources: { title: string; authors?: string; year?: number; arxiv?: string; url?: string }[];
  terms: TermView[];
  questions: QuestionView[];
  /** Question ids answered correctly before (the check shows them as passed). */
  passedQuestions: string[];
}

export interface ProgressView {
  read: string[];
  passed: string[];
  total: number;
  parts: { part: string; title: string; sections: number; read: number; questions: number; correct: number; revisit: { id: string; title: string }[] }[];
}

export interface SearchHit {
  id: string;
  title: string;
  lang: Lang;
  snippet: string;
  /** Offsets of the match inside snippet. */
  start: number;
  end: number;
}

export interface LectureInit {
  lang: Lang;
  strings: Record<string, string>;
  parts: { id: string; title: string }[];
  toc: TocEntry[];
  sectionId: string;
  /** The section to show (sectionId), at scrollTop or at anchor. */
  section?: SectionPayload;
  scrollTop?: number;
  anchor?: string;
  progress: ProgressView;
  mediaBase: string;
  /** Milliseconds a section must be on screen to count as read. */
  readAfterMs: number;
}

export type ToLectureWebview =
  | { type: 'init'; init: LectureInit }
  | { type: 'section'; section: SectionPayload; scrollTop?: number; anchor?: string }
  | { type: 'searchResults'; requestId: number; query: string; hits: SearchHit[] }
  | { type: 'checkResult'; questionId: string; correct: boolean; explanation: string; answer: unknown }
  | { type: 'progress'; progress: ProgressView }
  /** The answer to a widget's request (src/lessons/widgetProtocol.ts). */
  | ResponseEnvelope<WidgetResponse>;

export type FromLectureWebview =
  | { type: 'ready' }
  | { type: 'showSection'; id: string; anchor?: string }
  | { type: 'sectionRead'; id: string }
  | { type: 'search'; requestId: number; query: string }
  | { type: 'runDemo'; id: string }
  | { type: 'openExternal'; url: string }
  | { type: 'runCommand'; command: string; args?: unknown }
  | { type: 'answer'; questionId: string; answer: unknown }
  /** A widget's request; its payload is checked by the widget handler. */
  | RequestEnvelope
  | { type: 'widgetUsed'; id: string }
  | { type: 'setLanguage'; lang: Lang }
  | { type: 'state'; sectionId: string; scrollTop: number };

const FROM_TYPES = new Set([
  'ready', 'showSection', 'sectionRead', 'search', 'runDemo', 'openExternal', 'runCommand', 'answer',
  'request', 'widgetUsed', 'setLanguage', 'state',
]);

const str = (v: unknown): v is string => typeof v === 'string' && v.length < 10000;
const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Validates a message from the webview; anything malformed or unknown → undefined (ignored and logged). */
export function parseFromLectureWebview(raw: unknown): FromLectureWebview | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const m = raw as Record<string, unknown>;
  if (!str(m.type) || !FROM_TYPES.has(m.type)) return undefined;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'showSection':
      return str(m.id) ? { type: 'showSection', id: m.id, anchor: str(m.anchor) ? m.anchor : undefined } : undefined;
    case 'sectionRead':
      return str(m.id) ? { type: 'sectionRead', id: m.id } : undefined;
    case 'search':
      return num(m.requestId) && str(m.query) ? { type: 'search', requestId: m.requestId, query: m.query.slice(0, 200) } : undefined;
    case 'runDemo':
      return str(m.id) ? { type: 'runDemo', id: m.id } : undefined;
    case 'openExternal':
      return str(m.url) && /^https?:\/\//i.test(m.url) ? { type: 'openExternal', url: m.url } : undefined;
    case 'runCommand':
      return str(m.command) && /^llmLab\.[A-Za-z]+$/.test(m.command) ? { type: 'runCommand', command: m.command, args: m.args } : undefined;
    case 'answer':
      return str(m.questionId) ? { type: 'answer', questionId: m.questionId, answer: m.answer } : undefined;
    case 'request':
      return isRequestEnvelope(m) ? { type: 'request', requestId: m.requestId, payload: m.payload } : undefined;
    case 'widgetUsed':
      return str(m.id) ? { type: 'widgetUsed', id: m.id } : undefined;
    case 'setLanguage':
      return m.lang === 'en' || m.lang === 'zh-cn' ? { type: 'setLanguage', lang: m.lang } : undefined;
    case 'state':
      return str(m.sectionId) && num(m.scrollTop) ? { type: 'state', sectionId: m.sectionId, scrollTop: m.scrollTop } : undefined;
  }
  return undefined;
}
