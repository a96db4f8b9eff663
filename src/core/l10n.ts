/**
 * Runtime strings. English text is the key (as with vscode.l10n.t); Chinese lives in
 * l10n/src/*.zh-cn.json, merged at build into l10n/bundle.l10n.zh-cn.json.
 * Pure on purpose: the language is set by the adapter (core/language.ts) from `llmLab.language`,
 * so unit tests and webviews can use the same lookup.
 */
export type Lang = 'en' | 'zh-cn';

let currentLang: Lang = 'en';
let bundle: Record<string, string> = {};

export function setLanguage(lang: Lang, zhBundle: Record<string, string>): void {
  currentLang = lang;
  bundle = zhBundle;
}

export function language(): Lang {
  return currentLang;
}

/** Replaces {0}, {1}, … and {name} placeholders. */
export function format(message: string, args: ReadonlyArray<unknown> | Record<string, unknown>): string {
  return message.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const value = Array.isArray(args) ? args[Number(key)] : (args as Record<string, unknown>)[key];
    return value === undefined ? whole : String(value);
  });
}

/** Translate an English message into the current language. */
export function t(message: string, ...args: unknown[]): string {
  const translated = currentLang === 'zh-cn' ? (bundle[message] ?? message) : message;
  return args.length ? format(translated, args) : translated;
}

/** Pick the right side of a bilingual record, falling back to English. */
export function pick<T>(value: { en: T; 'zh-cn'?: T }, lang: Lang = currentLang): T {
  return lang === 'zh-cn' && value['zh-cn'] !== undefined ? value['zh-cn'] : value.en;
}

/** Map VS Code's display language (e.g. "zh-cn", "zh-CN", "en-us") and the setting to a supported Lang. */
export function resolveLang(setting: string | undefined, displayLanguage: string): Lang {
  if (setting === 'en' || setting === 'zh-cn') return setting;
  return /^zh(-hans|-cn|-sg)?$/i.test(displayLanguage) || /^zh/i.test(displayLanguage) && !/tw|hk|hant/i.test(displayLanguage) ? 'zh-cn' : 'en';
}
