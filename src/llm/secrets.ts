import * as vscode from 'vscode';
import type { Command } from '../core/commands';
import { Disposable } from '../core/disposable';
import { t } from '../core/l10n';
import type { Log } from '../core/log';

export const API_KEY_SECRET = 'llmLab.apiKey';
/** globalState: whether an API key is stored (a boolean, never the key itself). */
const STORED_KEY = 'llmLab.apiKeyStored';

/** A key is one token: no spaces, not empty. */
export function validateApiKey(value: string): string | undefined {
  const key = value.trim();
  if (!key) return t('Enter the API key, or press Escape to cancel.');
  if (/\s/.test(key)) return t('An API key has no spaces.');
  return undefined;
}

/**
 * The API key lives only in SecretStorage. A copy is kept in memory for the request function (which
 * sends it only to the configured origin) and handed to the log's redaction list.
 */
export class ApiKeyStore extends Disposable {
  private key: string | undefined;
  private loading: Promise<void>;
  /** The read in flight (undefined once it is done). */
  private pending: Promise<void> | undefined;
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  /**
   * `stored`: where whether a key is stored is remembered (true/false only, never the key), so that requests wait for
   * the SecretStorage read (a round trip to the workbench, 17–34 ms right after activation) only when a key is likely.
   */
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: Log,
    private readonly stored?: vscode.Memento,
  ) {
    super();
    this.loading = this.read();
    this.register(
      secrets.onDidChange((event) => {
        if (event.key === API_KEY_SECRET) this.loading = this.read().then(() => this.changed.fire());
      }),
    );
  }

  /** The key, once loaded (see ready()). */
  get current(): string | undefined {
    return this.key;
  }

  ready(): Promise<void> {
    return this.loading;
  }

  /** For the HTTP client: the read still in flight, and whether a key is likely (see HttpClientOptions.key). */
  readState(): { pending?: Promise<void>; likely: boolean } {
    if (!this.pending) return { likely: this.key !== undefined };
    return { pending: this.pending, likely: this.key !== undefined || this.stored?.get<boolean>(STORED_KEY) === true };
  }

  async set(value: string): Promise<void> {
    const key = value.trim();
    this.log.addSecret(key);
    this.key = key;
    void this.stored?.update(STORED_KEY, true);
    await this.secrets.store(API_KEY_SECRET, key);
  }

  async clear(): Promise<void> {
    this.key = undefined;
    void this.stored?.update(STORED_KEY, false);
    await this.secrets.delete(API_KEY_SECRET);
  }

  private read(): Promise<void> {
    const reading = this.load().finally(() => {
      if (this.pending === reading) this.pending = undefined;
    });
    this.pending = reading;
    return reading;
  }

  private async load(): Promise<void> {
    try {
      const key = await this.secrets.get(API_KEY_SECRET);
      this.log.addSecret(key);
      this.key = key || undefined;
      // Absent counts as false: written only when it says otherwise (a key stored before LLM Lab remembered it, or removed elsewhere).
      if (this.stored && (this.stored.get<boolean>(STORED_KEY) === true) !== !!this.key) void this.stored.update(STORED_KEY, !!this.key);
    } catch (error) {
      this.log.warn(`could not read the API key from SecretStorage: ${String(error)}`);
    }
  }
}

/** `llmLab.setApiKey [key]`: stores the key (argument, else a password input box); resolves true when stored. */
export function setApiKeyCommand(store: ApiKeyStore, onStored: () => void): Command {
  return {
    id: 'llmLab.setApiKey',
    async run(arg?: unknown): Promise<boolean> {
      let value = typeof arg === 'string' ? arg : undefined;
      if (value === undefined) {
        value = await vscode.window.showInputBox({
          title: t('LLM Lab: Set API Key'),
          prompt: t('The key is kept in VS Code’s secret storage and sent only to the configured base URL.'),
          password: true,
          ignoreFocusOut: true,
          validateInput: validateApiKey,
        });
        if (value === undefined) return false;
      }
      const problem = validateApiKey(value);
      if (problem) {
        void vscode.window.showErrorMessage(problem);
        return false;
      }
      await store.set(value);
      onStored();
      void vscode.window.showInformationMessage(t('API key saved in secret storage.'));
      return true;
    },
  };
}

export function clearApiKeyCommand(store: ApiKeyStore, onCleared: () => void): Command {
  return {
    id: 'llmLab.clearApiKey',
    async run(): Promise<boolean> {
      await store.clear();
      onCleared();
      void vscode.window.showInformationMessage(t('API key removed.'));
      return true;
    },
  };
}
