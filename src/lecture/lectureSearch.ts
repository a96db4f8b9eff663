import type { Lang } from '../core/l10n';
import type { CompiledLecture } from './lectureTypes';
import type { SearchHit } from './lectureMessages';

const normalize = (s: string): string => s.normalize('NFKC').toLowerCase();

/**
 * Case-insensitive search over titles and text of both languages; the reader's language first,
 * title matches before body matches, at most `limit` hits, each with ±60 characters of context.
 */
export function searchLecture(lectures: CompiledLecture[], query: string, preferred: Lang, limit = 30): SearchHit[] {
  const q = normalize(query.trim());
  if (q.length < 1) return [];
  const hits: (SearchHit & { score: number })[] = [];
  for (const lecture of lectures) {
    for (const section of lecture.sections) {
      const inTitle = normalize(section.title).includes(q);
      const text = section.text;
      const at = normalize(text).indexOf(q);
      if (!inTitle && at < 0) continue;
      let snippet = section.summary || text.slice(0, 120);
      let start = -1;
      let end = -1;
      if (at >= 0) {
        const from = Math.max(0, at - 60);
        const to = Math.min(text.length, at + q.length + 60);
        snippet = (from > 0 ? '…' : '') + text.slice(from, to) + (to < text.length ? '…' : '');
        start = at - from + (from > 0 ? 1 : 0);
        end = start + q.length;
      }
      const score = (lecture.lang === preferred ? 0 : 100) + (inTitle ? 0 : 10) + section.order / 100;
      hits.push({ id: section.id, title: section.title, lang: lecture.lang, snippet, start, end, score });
    }
  }
  return hits
    .sort((a, b) => a.score - b.score)
    .slice(0, limit)
    .map(({ score: _score, ...hit }) => hit);
}
