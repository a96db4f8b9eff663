// Rendering a section is linear in its size: render the real lecture once, then the same text doubled.
import { join } from 'node:path';
import { readSections } from '../src/lecture/lectureLoader';
import { renderMarkdown } from '../src/lecture/markdownRenderer';
import type { BenchResult } from './run';
import { timeMs } from './timing';

export async function run(): Promise<BenchResult[]> {
  const problems: string[] = [];
  const sections = readSections(join(__dirname, '..', 'media'), 'en', problems);
  const text = sections.map((s) => s.body).join('\n\n');
  if (!text) return [{ name: 'lecture render linearity', ratio: 0, detail: 'no lecture content found' }];
  const once = timeMs(() => renderMarkdown(text), 5);
  const twice = timeMs(() => renderMarkdown(text + '\n\n' + text), 5);
  return [
    {
      name: 'lecture: render 2× the lecture vs 1× (linear ≈ 2.0)',
      ratio: twice / once,
      max: 2.6,
      detail: `${sections.length} sections, ${(text.length / 1024).toFixed(0)} KB markdown: ${once.toFixed(1)} ms vs ${twice.toFixed(1)} ms`,
    },
  ];
}
