/** The compiled glossary in memory: terms by id and by alias, parts, and the matcher (built on first use). Pure. */
import type { Lang } from '../core/l10n';
import { aliasKey, GlossaryMatcher } from './glossaryMatcher';
import { GlossaryData, GlossaryPart, GlossaryTerm, isGlossaryData } from './glossaryTypes';

export class GlossaryIndex {
  readonly byId: ReadonlyMap<string, GlossaryTerm>;
  private readonly byAlias = new Map<string, GlossaryTerm>();
  private readonly sectionPart = new Map<string, GlossaryPart>();
  private readonly sectionOrder = new Map<string, number>();
  private builtMatcher: GlossaryMatcher | undefined;

  constructor(readonly data: GlossaryData) {
    this.byId = new Map(data.terms.map((t) => [t.id, t]));
    for (const term of data.terms) {
      for (const alias of [term.en.term, term['zh-cn'].term, ...term.en.aliases, ...term['zh-cn'].aliases]) {
        const key = aliasKey(alias);
        if (!this.byAlias.has(key)) this.byAlias.set(key, term);
      }
    }
    let order = 0;
    for (const part of data.parts) {
      for (const section of part.sections) {
        this.sectionPart.set(section, part);
        this.sectionOrder.set(section, order++);
      }
    }
  }

  /** Parses glossary.json text; throws on a shape that is not a compiled glossary. */
  static fromJson(text: string): GlossaryIndex {
    const data: unknown = JSON.parse(text);
    if (!isGlossaryData(data)) throw new Error('glossary.json is not a compiled glossary (version 1)');
    return new GlossaryIndex(data);
  }

  get terms(): readonly GlossaryTerm[] {
    return this.data.terms;
  }

  get matcher(): GlossaryMatcher {
    this.builtMatcher ??= GlossaryMatcher.fromTerms(this.data.terms);
    return this.builtMatcher;
  }

  /** A term by id, or by any of its names or aliases in either language (case rules aside). */
  find(idOrName: string): GlossaryTerm | undefined {
    return this.byId.get(idOrName) ?? this.byAlias.get(aliasKey(idOrName));
  }

  partOf(term: GlossaryTerm): GlossaryPart | undefined {
    return this.sectionPart.get(term.section);
  }

  /** Terms sorted by their name in `lang` (Chinese by pinyin where the runtime has full ICU). */
  sorted(lang: Lang): GlossaryTerm[] {
    const collator = new Intl.Collator(lang === 'zh-cn' ? 'zh-CN' : 'en', { sensitivity: 'base', numeric: true });
    return [...this.data.terms].sort((a, b) => collator.compare(a[lang].term, b[lang].term));
  }

  /** Terms of one part, in lecture order of their sections, then by name. */
  termsOfPart(partId: string, lang: Lang): GlossaryTerm[] {
    return this.sorted(lang)
      .filter((t) => this.sectionPart.get(t.section)?.id === partId)
      .sort((a, b) => (this.sectionOrder.get(a.section) ?? 0) - (this.sectionOrder.get(b.section) ?? 0));
  }

  /** Terms whose section belongs to no part (should not happen with valid content). */
  termsWithoutPart(): GlossaryTerm[] {
    return this.data.terms.filter((t) => !this.sectionPart.has(t.section));
  }
}
