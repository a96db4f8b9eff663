import type { TermView } from '../../lecture/lectureMessages';

const SKIP = new Set(['CODE', 'PRE', 'A', 'BUTTON', 'MATH', 'SVG', 'H1', 'H2', 'H3', 'FIGCAPTION', 'INPUT', 'LABEL', 'TEXTAREA']);
const isAcronym = (alias: string): boolean => /[A-Z]/.test(alias) && alias === alias.toUpperCase() || /^[A-Z][a-z]*[A-Z]/.test(alias);
const hasCjk = (s: string): boolean => /[\u3400-\u9fff]/.test(s);

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Marks the first occurrence of each of the section's glossary terms in the rendered text, so the reader can
 * hover or focus it to see the definition. Longest aliases first; Latin aliases respect word boundaries,
 * acronyms are case-sensitive, CJK aliases match anywhere.
 */
export function markTerms(root: HTMLElement, terms: TermView[], open: (sectionId: string) => void): void {
  const entries = terms
    .flatMap((term) => term.aliases.filter((a) => a.length >= 2).map((alias) => ({ term, alias })))
    .sort((a, b) => b.alias.length - a.alias.length);
  const marked = new Set<string>();
  for (const { term, alias } of entries) {
    if (marked.has(term.id)) continue;
    const pattern = hasCjk(alias)
      ? new RegExp(escapeRe(alias))
      : new RegExp(`(?<![\\p{L}\\p{N}_-])${escapeRe(alias)}(?![\\p{L}\\p{N}_])`, isAcronym(alias) ? 'u' : 'iu');
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode(node) {
        for (let p = node.parentElement; p && p !== root; p = p.parentElement) {
          if (SKIP.has(p.tagName.toUpperCase()) || p.classList.contains('term') || p.classList.contains('widget')) return NodeFilter.FILTER_REJECT;
        }
        return NodeFilter.FILTER_ACCEPT;
      },
    });
    for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
      const match = pattern.exec(node.data);
      if (!match) continue;
      const after = node.splitText(match.index);
      after.splitText(match[0].length);
      const span = document.createElement('span');
      span.className = 'term';
      span.tabIndex = 0;
      span.dataset.term = term.id;
      span.setAttribute('role', 'button');
      span.setAttribute('aria-describedby', `term-tip-${term.id}`);
      span.textContent = after.data;
      const tip = document.createElement('span');
      tip.className = 'term-tip';
      tip.id = `term-tip-${term.id}`;
      tip.setAttribute('role', 'tooltip');
      const strong = document.createElement('strong');
      strong.textContent = `${term.term} · ${term.other}`;
      tip.append(strong, document.createTextNode(` ${term.definition}`));
      span.append(tip);
      span.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' && term.section) open(term.section);
      });
      after.replaceWith(span);
      marked.add(term.id);
      break;
    }
  }
}
