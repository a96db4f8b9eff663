/** The markdown a glossary hover (and tree tooltip) shows. Pure: the adapter wraps it in a MarkdownString. */
import { Lang, t } from '../core/l10n';
import type { GlossaryIndex } from './glossaryIndex';
import type { GlossaryTerm } from './glossaryTypes';

/** Commands a glossary hover may run (MarkdownString.isTrusted.enabledCommands). */
export const HOVER_COMMANDS = ['llmLab.openLecture', 'llmLab.lookUpTerm'] as const;

/** Part of every glossary hover in both languages ("LLM Lab glossary" / "LLM Lab 术语表"); tests find our hover by it. */
export const GLOSSARY_MARKER = 'LLM Lab';

export function commandUri(command: string, args: unknown[]): string {
  return `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
}

/** Escapes markdown syntax so definitions with `_`, `*`, `^`, `<` etc. render as written. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>~$]/g, '\\$&');
}

function linkTitle(text: string): string {
  return text.replace(/["\\]/g, '').replace(/\s+/g, ' ');
}

export function otherLang(lang: Lang): Lang {
  return lang === 'en' ? 'zh-cn' : 'en';
}

/**
 * Term in both languages (the UI language first), the definition in the UI language, "Open in lecture →",
 * related terms (each a link that looks the term up) and the source.
 */
export function termMarkdown(term: GlossaryTerm, index: GlossaryIndex, lang: Lang): string {
  const other = otherLang(lang);
  const names = term[lang].term === term[other].term
    ? `**${escapeMarkdown(term[lang].term)}**`
    : `**${escapeMarkdown(term[lang].term)}** · ${escapeMarkdown(term[other].term)}`;
  const lines = [names, '', escapeMarkdown(term[lang].definition), ''];
  const links = [`[${escapeMarkdown(t('Open in lecture →'))}](${commandUri('llmLab.openLecture', [term.section])})`];
  const related = term.related
    .map((id) => index.byId.get(id))
    .filter((r): r is GlossaryTerm => r !== undefined)
    .map((r) => `[${escapeMarkdown(r[lang].term)}](${commandUri('llmLab.lookUpTerm', [r.id])} "${linkTitle(r[lang].definition)}")`);
  if (related.length) links.push(`${escapeMarkdown(t('Related:'))} ${related.join(', ')}`);
  lines.push(links.join(' · '), '');
  lines.push(`*${escapeMarkdown(t('Source:'))}* ${escapeMarkdown(term.source)} · *${escapeMarkdown(t('LLM Lab glossary'))}*`);
  return lines.join('\n');
}
