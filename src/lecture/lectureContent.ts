import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lang } from '../core/l10n';
import type { CompiledLecture } from './lectureTypes';
import type { Question } from './questions';
import type { TermView } from './lectureMessages';

interface GlossaryLangEntry {
  term: string;
  aliases?: string[];
  definition: string;
}
interface GlossaryEntry {
  id: string;
  section: string;
  en: GlossaryLangEntry;
  'zh-cn': GlossaryLangEntry;
}

/** Compiled content (dist/content), read lazily, once per file. */
export class LectureContent {
  private readonly cache = new Map<string, unknown>();

  constructor(private readonly contentDir: string) {}

  private read<T>(name: string, fallback: T): T {
    if (!this.cache.has(name)) {
      try {
        this.cache.set(name, JSON.parse(readFileSync(join(this.contentDir, name), 'utf8')));
      } catch {
        this.cache.set(name, fallback);
      }
    }
    return this.cache.get(name) as T;
  }

  lecture(lang: Lang): CompiledLecture {
    return this.read<CompiledLecture>(`lecture.${lang}.json`, { lang, parts: [], sections: [] });
  }

  questions(lang: Lang): Question[] {
    return this.read<Question[]>(`questions.${lang}.json`, []);
  }

  glossary(): GlossaryEntry[] {
    const raw = this.read<unknown>('glossary.json', []);
    const list = Array.isArray(raw) ? raw : Array.isArray((raw as { terms?: unknown }).terms) ? (raw as { terms: unknown[] }).terms : [];
    return list as GlossaryEntry[];
  }

  termViews(ids: readonly string[], lang: Lang): TermView[] {
    const byId = new Map(this.glossary().map((g) => [g.id, g]));
    const other: Lang = lang === 'en' ? 'zh-cn' : 'en';
    return ids.flatMap((id) => {
      const g = byId.get(id);
      if (!g?.en || !g['zh-cn']) return [];
      return [{
        id,
        term: g[lang].term,
        other: g[other].term,
        definition: g[lang].definition,
        aliases: [...new Set([g.en.term, ...(g.en.aliases ?? []), g['zh-cn'].term, ...(g['zh-cn'].aliases ?? [])])],
        section: g.section,
      }];
    });
  }
}
