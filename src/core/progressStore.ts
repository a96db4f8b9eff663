import * as vscode from 'vscode';
import { Disposable } from './disposable';
import { t } from './l10n';
import type { Log } from './log';
import { applyProgress, emptyProgress, migrateProgress, ProgressState, progressContextKeys } from './progressModel';
import type { ProgressEvent, ProgressReporter } from './services';

const STORAGE_KEY = 'llmLab.progress';

/** Persists the progress model in globalState and mirrors it into context keys. */
export class ProgressStore extends Disposable implements ProgressReporter {
  private state: ProgressState;
  private readonly changed = this.register(new vscode.EventEmitter<ProgressState>());
  readonly onDidChange = this.changed.event;
  private lastKeys: Record<string, boolean | number> = {};

  constructor(private readonly memento: vscode.Memento, private readonly log: Log) {
    super();
    const { state, notice } = migrateProgress(memento.get(STORAGE_KEY));
    this.state = state;
    if (notice !== 'none') {
      log.warn(`progress: stored state ${notice === 'migrated' ? 'migrated from an older version' : 'was unreadable and was reset'}`);
      void memento.update(STORAGE_KEY, state);
      if (notice === 'reset') void vscode.window.showWarningMessage(t('LLM Lab could not read your saved progress, so it starts afresh.'));
    }
    this.publishContextKeys();
  }

  get current(): ProgressState {
    return this.state;
  }

  record(event: ProgressEvent): void {
    this.state = applyProgress(this.state, event);
    void this.memento.update(STORAGE_KEY, this.state);
    this.publishContextKeys();
    this.changed.fire(this.state);
  }

  async reset(): Promise<void> {
    this.state = emptyProgress();
    await this.memento.update(STORAGE_KEY, this.state);
    this.publishContextKeys();
    this.changed.fire(this.state);
  }

  private publishContextKeys(): void {
    const keys = progressContextKeys(this.state);
    for (const key of Object.keys(this.lastKeys)) {
      if (!(key in keys)) void vscode.commands.executeCommand('setContext', key, false);
    }
    for (const [key, value] of Object.entries(keys)) {
      if (this.lastKeys[key] !== value) void vscode.commands.executeCommand('setContext', key, value);
    }
    this.lastKeys = keys;
  }
}
