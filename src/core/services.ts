import type * as vscode from 'vscode';
import type { Config } from './config';
import type { LanguageService } from './language';
import type { Log } from './log';

/** What the progress store records; capabilities report through it, views and the walkthrough read it. */
export type ProgressEvent =
  | { kind: 'sectionRead'; sectionId: string }
  | { kind: 'checkAnswered'; questionId: string; sectionId: string; correct: boolean; answer: unknown }
  | { kind: 'demoRun'; demoId: string; ok: boolean }
  | { kind: 'widgetUsed'; widgetId: string }
  | { kind: 'termHovered'; termId: string }
  | { kind: 'modelConnected' }
  | { kind: 'lectureOpened' };

export interface ProgressReporter {
  record(event: ProgressEvent): void;
}

/** Built once in activate() and handed to every capability's register function. */
export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly config: Config;
  /** The display language and its change event (views re-render on it). */
  readonly language: LanguageService;
  readonly log: Log;
  readonly progress: ProgressReporter;
  /** Absolute path of the extension's compiled content (dist/content). */
  readonly contentDir: string;
}
