import * as vscode from 'vscode';
import { redactSecrets } from './redact';

/** The one "LLM Lab" log channel. Every line passes through redaction first. */
export class Log {
  readonly channel: vscode.LogOutputChannel;
  private readonly secrets = new Set<string>();

  constructor() {
    this.channel = vscode.window.createOutputChannel('LLM Lab', { log: true });
  }

  /** Values that must never appear in the log (e.g. the API key once read). */
  addSecret(value: string | undefined): void {
    if (value && value.length >= 4) this.secrets.add(value);
  }

  info(message: string, ...args: unknown[]): void {
    this.channel.info(this.clean(message), ...args.map((a) => this.cleanArg(a)));
  }
  warn(message: string, ...args: unknown[]): void {
    this.channel.warn(this.clean(message), ...args.map((a) => this.cleanArg(a)));
  }
  error(message: string | Error, ...args: unknown[]): void {
    const text = message instanceof Error ? `${message.name}: ${message.message}` : message;
    this.channel.error(this.clean(text), ...args.map((a) => this.cleanArg(a)));
  }
  debug(message: string, ...args: unknown[]): void {
    this.channel.debug(this.clean(message), ...args.map((a) => this.cleanArg(a)));
  }
  show(): void {
    this.channel.show(true);
  }
  dispose(): void {
    this.channel.dispose();
  }

  private clean(text: string): string {
    return redactSecrets(text, this.secrets);
  }
  private cleanArg(arg: unknown): unknown {
    if (typeof arg === 'string') return this.clean(arg);
    if (arg instanceof Error) return this.clean(`${arg.name}: ${arg.message}`);
    if (arg && typeof arg === 'object') {
      try {
        return this.clean(JSON.stringify(arg));
      } catch {
        return '[unserializable]';
      }
    }
    return arg;
  }
}
