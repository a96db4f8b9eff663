// Build-time training of the built-in n-gram model (src/lessons/ngramModel.ts) on the lecture text in both
// languages: media/lecture/{en,zh-cn}/*.md → plain paragraphs → trigram counts → dist/content/ngram.json.
// scripts/buildContent.ts calls trainNgramFromMedia(); run it alone with `npx tsx scripts/trainNgram.ts`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lang } from '../src/core/l10n';
import { CompactModel, ngramTokens, trainLanguageModel } from '../src/lessons/ngramModel';

/**
 * Markdown (as media/lecture uses it) → prose paragraphs. Dropped: front matter, fenced code, display and
 * inline math, tables, images, ::demo/::widget lines, HTML. Kept: the words of headings, lists, quotes,
 * emphasis and link texts. Each paragraph (and each list item or heading) becomes one training sequence.
 */
export function markdownToParagraphs(markdown: string): string[] {
  let text = markdown.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  text = text.replace(/^---\n[\s\S]*?\n---[ \t]*(\n|$)/, '');
  text = text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, '\n');
  text = text.replace(/\$\$[\s\S]*?\$\$/g, '\n');
  text = text.replace(/<!--[\s\S]*?-->/g, ' ').replace(/<[^>\n]+>/g, ' ');
  const paragraphs: string[] = [];
  let current: string[] = [];
  const flush = () => {
    const joined = current.join(' ').replace(/\s+/g, ' ').replace(/ (?=[,.;:!?，。；：！？、）)])/g, '').trim();
    if (/[\p{L}\p{N}]/u.test(joined)) paragraphs.push(joined);
    current = [];
  };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || /^\|/.test(line) || /^::(demo|widget)\[/.test(line) || /^([-*_])\1{2,}$/.test(line)) {
      flush();
      continue;
    }
    const heading = /^#{1,6}\s+/.test(line);
    const item = /^([-*+]|\d+[.)])\s+/.test(line.replace(/^>\s*/, ''));
    if (heading || item) flush();
    current.push(inline(line));
    if (heading) flush();
  }
  flush();
  return paragraphs;
}

function inline(line: string): string {
  return line
    .replace(/^(>\s*)+/, '')
    .replace(/^#{1,6}\s+/, '')
    .replace(/^([-*+]|\d+[.)])\s+/, '')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\$[^$\n]+\$/g, ' ')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[^\w*])[*_]([^*_\n]+)[*_](?=[^\w*]|$)/g, '$1$2')
    .replace(/\\([\\`*_{}[\]()#+\-.!])/g, '$1');
}

/** Trains one model per language from markdown (or plain) documents. */
export function trainNgram(corpusTexts: Partial<Record<Lang, readonly string[]>>): CompactModel {
  const model: CompactModel = { format: 'llm-lab-ngram', version: 1, order: 3, smoothing: 'interpolated-kneser-ney', langs: {} };
  for (const lang of ['en', 'zh-cn'] as const) {
    const docs = corpusTexts[lang];
    if (!docs?.length) continue;
    const sequences = docs.flatMap((doc) => markdownToParagraphs(doc)).map(ngramTokens).filter((s) => s.length > 0);
    if (sequences.length) model.langs[lang] = trainLanguageModel(sequences);
  }
  return model;
}

/** Reads media/lecture/{en,zh-cn}/*.md (sorted, so the build is reproducible) and trains on them. */
export function trainNgramFromMedia(mediaDir: string): CompactModel {
  const corpus: Partial<Record<Lang, string[]>> = {};
  for (const lang of ['en', 'zh-cn'] as const) {
    const dir = join(mediaDir, 'lecture', lang);
    if (!existsSync(dir)) continue;
    corpus[lang] = readdirSync(dir)
      .filter((f) => f.endsWith('.md'))
      .sort()
      .map((f) => readFileSync(join(dir, f), 'utf8'));
  }
  return trainNgram(corpus);
}

if (require.main === module) {
  const model = trainNgramFromMedia(join(__dirname, '..', 'media'));
  const json = JSON.stringify(model);
  for (const [lang, m] of Object.entries(model.langs)) {
    console.log(`${lang}: ${m.trainingTokens} tokens, ${m.sequences} paragraphs, vocab ${m.vocab.length}, ${m.trigramTypes} trigram types`);
  }
  console.log(`ngram.json: ${json.length} bytes`);
}
