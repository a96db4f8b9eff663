import * as vscode from 'vscode';
import { Disposable } from './disposable';
import { t } from './l10n';
import type { Log } from './log';
import { applyProgress, ProgressPersistence, ProgressState, progressContextKeys } from './progressModel';
import type { ProgressEvent, ProgressReporter } from './services';

const STORAGE_KEY = 'llmLab.progress';

/** Persists the progress model in globalState and mirrors it into context keys. */
export class ProgressStore extends Disposable implements ProgressReporter {
  private state: ProgressState;
  private readonly changed = this.register(new vscode.EventEmitter<ProgressState>());
  readonly onDidChange = this.changed.event;
  private lastKeys: Record<string, boolean | number> = {};

  private readonly persistence: ProgressPersistence;

  constructor(memento: vscode.Memento, log: Log) {
    super();
    this.persistence = new ProgressPersistence(memento, STORAGE_KEY);
    const { state, notice } = this.persistence.load();
    this.state = state;
    if (notice === 'migrated') log.warn('progress: stored state migrated from an older version');
    if (notice === 'reset') {
      log.warn('progress: stored state was unreadable and was reset');
      void vscode.window.showWarningMessage(t('LLM Lab could not read your saved progress, so it starts afresh.'));
    }
    if (notice === 'newer') {
      log.warn('progress: stored state is from a newer version of LLM Lab; kept unchanged (read-only this session)');
      if (this.persistence.shouldAnnounceReadOnly()) {
        void vscode.window.showInformationMessage(
          t('Your LLM Lab progress was saved by a newer version of LLM Lab. It is kept unchanged: what you do now is not saved until you update LLM Lab (or reset progress).'),
        );
      }
    }
    this.publishContextKeys();
  }

  get current(): ProgressState {
    return this.state;
  }

  record(event: ProgressEvent): void {
    if (this.isRepeat(event)) return;
    this.state = applyProgress(this.state, event);
    void this.persistence.save(this.state);
    this.publishContextKeys();
    this.changed.fire(this.state);
  }

  /** Hovers and widget use repeat all the time; only the first one changes anything worth a write. */
  private isRepeat(event: ProgressEvent): boolean {
    switch (event.kind) {
      case 'termHovered':
        return event.termId in this.state.terms;
      case 'widgetUsed':
        return event.widgetId in this.state.widgets;
      case 'sectionRead':
        return event.sectionId in this.state.sections && this.state.lastSectionId === event.sectionId;
      case 'modelConnected':
        return this.state.modelConnectedAt !== undefined;
      case 'lectureOpened':
        return this.state.lectureOpenedAt !== undefined;
      default:
        return false;
    }
  }

  async reset(): Promise<void> {
    this.state = await this.persistence.clear();
    this.publishContextKeys();
    this.changed.fire(this.state);
  }

  /**
   * Walkthrough steps complete through `onContext:` keys. VS Code's walkthrough service ignores a key that is
   * already true when it registers its listeners (it treats it as "seen this session"), and it is created
   * lazily and registers extension walkthroughs up to 5 s later. So a completion key is a pulse: set true when the thing is done, then back to false; `replay()`
   * pulses everything already done once the walkthrough is open, so steps done earlier are marked too.
   */
  private publishContextKeys(): void {
    const keys = progressContextKeys(this.state);
    const rising = Object.entries(keys).filter(([key, value]) => value === true && this.lastKeys[key] !== true).map(([key]) => key);
    for (const [key, value] of Object.entries(keys)) {
      if (typeof value === 'number' && this.lastKeys[key] !== value) void vscode.commands.executeCommand('setContext', key, value);
    }
    this.lastKeys = keys;
    if (rising.length && this.initialized) void this.pulse(rising);
  }

  private initialized = false;

  /** Marks the store ready (after activation) and replays what was done before, for the walkthrough. */
  start(): void {
    this.initialized = true;
    void this.replay();
  }

  async replay(): Promise<void> {
    const done = Object.entries(progressContextKeys(this.state)).filter(([, value]) => value === true).map(([key]) => key);
    await this.pulse(done);
  }

  private async pulse(keys: string[]): Promise<void> {
    // True only for one round trip: the walkthrough service completes a step when it sees the key turn true,
    // but if it registers the step while the key is already true it marks the event "seen" and never completes
    // that step in this session. A short pulse makes that overlap (nearly) impossible.
    await Promise.all(keys.map((key) => vscode.commands.executeCommand('setContext', key, true)));
    await Promise.all(keys.map((key) => vscode.commands.executeCommand('setContext', key, false)));
  }
}
