import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Config } from './config';
import { language, Lang, resolveLang, setLanguage } from './l10n';

let zhBundle: Record<string, string> | undefined;

function loadZhBundle(extensionPath: string): Record<string, string> {
  if (!zhBundle) {
    try {
      zhBundle = JSON.parse(readFileSync(join(extensionPath, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
    } catch {
      zhBundle = {};
    }
  }
  return zhBundle;
}

/** Applies `llmLab.language` (auto = VS Code's display language) to core/l10n; returns the language. */
export function applyLanguage(extensionPath: string, config: Config): Lang {
  const lang = resolveLang(config.language, vscode.env.language);
  setLanguage(lang, lang === 'zh-cn' ? loadZhBundle(extensionPath) : {});
  return lang;
}

/** The zh-cn bundle for webviews (they receive it in their initial data). */
export function stringsFor(extensionPath: string, lang: Lang): Record<string, string> {
  return lang === 'zh-cn' ? loadZhBundle(extensionPath) : {};
}

/**
 * The one owner of the display language: applies `llmLab.language` at start and when it changes, then
 * fires `onDidChangeLanguage` (after core/l10n has the new language, so listeners just re-render).
 * Views and panels subscribe; nobody else listens for the setting.
 */
export class LanguageService implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<Lang>();
  readonly onDidChangeLanguage = this.emitter.event;
  private readonly listener: vscode.Disposable;

  constructor(
    private readonly extensionPath: string,
    config: Config,
  ) {
    applyLanguage(extensionPath, config);
    this.listener = vscode.workspace.onDidChangeConfiguration((event) => {
      if (!Config.affects(event, 'language')) return;
      const before = language();
      const after = applyLanguage(extensionPath, config);
      if (after !== before) this.emitter.fire(after);
    });
  }

  get current(): Lang {
    return language();
  }

  /** The zh-cn bundle for a page (empty in English). */
  strings(lang: Lang = language()): Record<string, string> {
    return stringsFor(this.extensionPath, lang);
  }

  dispose(): void {
    this.listener.dispose();
    this.emitter.dispose();
  }
}
