import * as vscode from 'vscode';

export type ProviderSetting = 'auto' | 'openai-compatible' | 'ollama' | 'vscode-lm' | 'local';
export type CodeExecutionSetting = 'ask' | 'always' | 'never';

const SECTION = 'llmLab';

function clampNumber(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/**
 * Typed, validated view of the `llmLab.*` settings, read on access (never cached at module load).
 * Odd values (a string where a number belongs, out-of-range numbers) fall back to safe values.
 */
export class Config {
  private get raw(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }

  get provider(): ProviderSetting {
    return oneOf(this.raw.get('provider'), ['auto', 'openai-compatible', 'ollama', 'vscode-lm', 'local'] as const, 'auto');
  }

  /** Application scope only: a workspace must not redirect requests (and the key) elsewhere. */
  get baseUrl(): string {
    const inspected = this.raw.inspect<string>('baseUrl');
    const value = inspected?.globalValue ?? inspected?.defaultValue ?? '';
    return typeof value === 'string' ? value.trim() : '';
  }

  get model(): string {
    const value = this.raw.get('model');
    return typeof value === 'string' ? value.trim() : '';
  }

  get temperature(): number {
    return clampNumber(this.raw.get('temperature'), 0, 2, 0.7);
  }

  get maxTokens(): number {
    return Math.round(clampNumber(this.raw.get('maxTokens'), 1, 131072, 512));
  }

  get requestTimeoutMs(): number {
    return Math.round(clampNumber(this.raw.get('requestTimeoutSeconds'), 1, 3600, 60) * 1000);
  }

  get maxResponseBytes(): number {
    return Math.round(clampNumber(this.raw.get('maxResponseMegabytes'), 1, 1024, 16) * 1024 * 1024);
  }

  get language(): 'auto' | 'en' | 'zh-cn' {
    return oneOf(this.raw.get('language'), ['auto', 'en', 'zh-cn'] as const, 'auto');
  }

  get glossaryHover(): boolean {
    return this.raw.get('glossary.hover') !== false;
  }

  get glossaryUnderline(): boolean {
    return this.raw.get('glossary.underline') === true;
  }

  get glossaryLanguages(): string[] {
    const value = this.raw.get('glossary.languages');
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : ['markdown', 'plaintext'];
  }

  /** Always `never` in an untrusted workspace. */
  get codeExecution(): CodeExecutionSetting {
    if (!vscode.workspace.isTrusted) return 'never';
    return oneOf(this.raw.get('codeExecution'), ['ask', 'always', 'never'] as const, 'ask');
  }

  static affects(event: vscode.ConfigurationChangeEvent, key: string): boolean {
    return event.affectsConfiguration(`${SECTION}.${key}`);
  }
}
