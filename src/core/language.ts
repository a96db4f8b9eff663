import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Config } from './config';
import { Lang, resolveLang, setLanguage } from './l10n';

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
